// Statement objects produced by the parser and consumed by the resolver, in source order, and
// the constructors both parsers (parser.ts, direct-parse.ts) build them with from their tokens.

import { Facility, Severity } from './lexer.js';

/** What the constructors read of a token: chevrotain's tokens (parser.ts) and the scanner's have it. */
interface SourceToken {
  image: string;
  startOffset: number;
  startLine?: number;
  startColumn?: number;
}

export interface Located {
  line: number;
  column: number;
  /** Offset in the decoded text, used to merge `;` comments back in source order. */
  offset: number;
}

export interface NumberToken extends Located {
  image: string;
}

export interface NameToken extends Located {
  name: string;
}

export interface TypedefStatement extends Located {
  kind: 'typedef';
  macro: boolean;
  name: NameToken;
}

export interface NameEntry extends Located {
  name: string;
  value: NumberToken;
  /** Alias (severity/facility) or .bin file name (language), after the `:`. */
  extra?: NameToken;
}

export interface NamesStatement extends Located {
  kind: 'names';
  table: 'severity' | 'facility' | 'language';
  entries: NameEntry[];
}

export interface OutputBaseStatement extends Located {
  kind: 'outputBase';
  value: NumberToken;
}

export interface FieldStatement extends Located {
  kind: 'severity' | 'facility' | 'symbolicName';
  name: NameToken;
}

export interface LanguageBlock extends Located {
  kind: 'language';
  name: NameToken;
  /** Raw text from the line after `Language=` through the `.` line (or the end of input). */
  text: string;
  textLine: number;
  /** Offset just past the text token: where mc.exe writes the message's header block. */
  endOffset: number;
}

export type MessageItem = FieldStatement | OutputBaseStatement | LanguageBlock;

export interface MessageStatement extends Located {
  kind: 'message';
  /** `MessageId=` (next), `=N` (absolute) or `=+N` (relative to the facility's last id). */
  // One shape for the three forms (`value` undefined for next): objects of one shape keep the
  // per-message code of the resolver from being recompiled when a file uses another form.
  id: { form: 'next'; value: undefined } | { form: 'absolute' | 'relative'; value: NumberToken };
  items: MessageItem[];
}

export type Statement = TypedefStatement | NamesStatement | OutputBaseStatement | MessageStatement;

/** The field a Severity, Facility or SymbolicName keyword's token type starts (both parsers read them alike). */
export function fieldKind(type: object): FieldStatement['kind'] {
  return type === Severity ? 'severity' : type === Facility ? 'facility' : 'symbolicName';
}

export function nameToken(t: SourceToken): NameToken {
  return { name: t.image, line: t.startLine ?? 0, column: t.startColumn ?? 0, offset: t.startOffset };
}

export function numberToken(t: SourceToken): NumberToken {
  return { image: t.image, line: t.startLine ?? 0, column: t.startColumn ?? 0, offset: t.startOffset };
}

/** `name=value`, and the alias or file name after a `:` when there is one. */
export function nameEntry(name: SourceToken, value: SourceToken, extra: SourceToken | undefined): NameEntry {
  return { name: name.image, value: numberToken(value), extra: extra && nameToken(extra), line: name.startLine ?? 0, column: name.startColumn ?? 0, offset: name.startOffset };
}

/** `Language=name` and its line end, then the text token, which only the end of the file leaves out. */
export function languageBlockOf(kw: SourceToken, name: SourceToken, eol: SourceToken, text: SourceToken | undefined): LanguageBlock {
  const nextLine = (eol.startLine ?? 0) + 1;
  return {
    kind: 'language',
    name: nameToken(name),
    text: text === undefined ? '' : text.image,
    textLine: text === undefined ? nextLine : (text.startLine ?? nextLine),
    endOffset: text === undefined ? eol.startOffset + eol.image.length : text.startOffset + text.image.length,
    line: kw.startLine ?? 0,
    column: kw.startColumn ?? 0,
    offset: kw.startOffset,
  };
}
