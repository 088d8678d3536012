// Tokens of the .mc message text file (MC-SPEC.md §2), scanned by hand. Three modes:
//   statements  keywords, names, numbers, punctuation and `;` comments, whitespace-separated
//   language    the rest of a `Language=Name` line, up to and including its line end
//   text        one MessageText token: every line up to and including a line holding only `.`
//
// chevrotain's own lexer tried each token's regular expression in turn and cost 0.4 µs a token,
// more than the whole compile may spend (docs/performance.md). This scanner makes one pass over
// the character codes. test/mc/lexer.test.ts checks it token for token against the regular
// expressions it replaces (test/mc/reference-lexer.ts), errors included.
//
// Nothing here loads chevrotain: a well-formed file is read by direct-parse.ts from this scanner
// alone, and chevrotain's parser (parser.ts) is loaded only for a file that needs it (one with an
// error; compile-core.ts). Its start-up was the largest of any library a compile loaded.

import { objectArray } from './shapes.js';

/**
 * A token type, compared by identity. It carries what chevrotain's parser reads of a token type,
 * so that parser.ts gives these objects to chevrotain as its vocabulary: `name`, and `LABEL` for
 * its error texts; chevrotain adds `tokenTypeIdx` (and its category fields) when parser.ts builds
 * the parser.
 */
export interface TokenType {
  readonly name: string;
  readonly LABEL: string;
  tokenTypeIdx?: number;
}

/** A token: its type, its text and where it starts (the fields chevrotain's IToken has). */
export interface McToken {
  readonly tokenType: TokenType;
  readonly tokenTypeIdx: number;
  readonly image: string;
  readonly startOffset: number;
  readonly startLine: number;
  readonly startColumn: number;
}

function tokenType(name: string, label: string): TokenType {
  return { name, LABEL: label };
}

// A name is any run of characters up to whitespace or punctuation that does not start like a
// number; what each use allows (a C identifier, a file name) is checked where it is used, so an
// error can say which rule the name broke.
export const Name = tokenType('Name', 'a name');
// Digits followed by any run of name characters: validated as a C number when it is used, so
// `12abc` is reported as a bad number rather than as two tokens.
export const NumberLiteral = tokenType('NumberLiteral', 'a number');

function keyword(name: string): TokenType {
  return tokenType(name, name);
}

export const MessageIdTypedefMacro = keyword('MessageIdTypedefMacro');
export const MessageIdTypedef = keyword('MessageIdTypedef');
export const MessageId = keyword('MessageId');
export const SeverityNames = keyword('SeverityNames');
export const Severity = keyword('Severity');
export const FacilityNames = keyword('FacilityNames');
export const Facility = keyword('Facility');
export const LanguageNames = keyword('LanguageNames');
export const SymbolicName = keyword('SymbolicName');
export const OutputBase = keyword('OutputBase');
export const Language = keyword('Language');

export const Equals = tokenType('Equals', "'='");
export const LParen = tokenType('LParen', "'('");
export const RParen = tokenType('RParen', "')'");
export const Colon = tokenType('Colon', "':'");
export const Plus = tokenType('Plus', "'+'");
export const LanguageName = tokenType('LanguageName', 'a language name');
export const LineEnd = tokenType('LineEnd', 'the end of the line');
export const MessageText = tokenType('MessageText', 'message text');
/** The token type of `;` comments (never seen by the parser). */
export const Comment = tokenType('Comment', 'a comment');

/** Every token type the parser can see (its vocabulary). */
export const vocabulary: TokenType[] = [
  Equals, LParen, RParen, Colon, Plus,
  MessageIdTypedefMacro, MessageIdTypedef, MessageId, SeverityNames, Severity, FacilityNames, Facility,
  LanguageNames, Language, SymbolicName, OutputBase, NumberLiteral, Name,
  LanguageName, LineEnd, MessageText,
];

const KEYWORDS: TokenType[] = [
  MessageIdTypedefMacro, MessageIdTypedef, MessageId, SeverityNames, Severity, FacilityNames, Facility,
  LanguageNames, Language, SymbolicName, OutputBase,
];
/** Keywords by length, each with its lower-case spelling. */
const KEYWORDS_BY_LENGTH: { type: TokenType; lower: string }[][] = [];
for (const type of KEYWORDS) (KEYWORDS_BY_LENGTH[type.name.length] ??= []).push({ type, lower: type.name.toLowerCase() });

/** One class, so every token has the same shape. */
class Token implements McToken {
  constructor(
    readonly tokenType: TokenType,
    readonly image: string,
    readonly startOffset: number,
    readonly startLine: number,
    readonly startColumn: number,
  ) {}

  /** chevrotain's parser matches a token by its type's index, which it assigns when parser.ts builds it. */
  get tokenTypeIdx(): number {
    return this.tokenType.tokenTypeIdx!;
  }
}

export interface LexError {
  offset: number;
  line: number;
  column: number;
  message: string;
}

export interface LexResult {
  tokens: McToken[];
  /** `;` comments, set aside for the resolver (they are not part of the grammar). */
  comments: McToken[];
  errors: LexError[];
}

const TAB = 9, LF = 10, CR = 13, SPACE = 32, PLUS = 43, DOT = 46, COLON = 58, SEMICOLON = 59, EQUALS = 61;
const LPAREN = 40, RPAREN = 41, NBSP = 0xa0, BOM = 0xfeff;

// Character classes, one table lookup per character (the scanner's inner loops run over every
// character of the file).
const SKIPPED = 1; // whitespace the statements mode skips
const PUNCTUATION = 2; // = ( ) : ; +
const DIGIT = 4;
const NUMBER = 8; // [A-Za-z0-9_]: continues a number
const NAME = 16; // anything but `\s` and punctuation: makes up a name or keyword
const LANGUAGE_NAME = 32; // anything but `\s`, = ; ( ): makes up a language name
const SPACE_CLASS = 64; // JavaScript's `\s`

const CLASS = new Uint8Array(0x10000).fill(NAME | LANGUAGE_NAME, 0x80);
for (let c = 0; c < 0x80; c++) {
  const ch = String.fromCharCode(c);
  if (/\s/.test(ch)) CLASS[c] = SPACE_CLASS | SKIPPED;
  else if ('=():;+'.includes(ch)) CLASS[c] = PUNCTUATION | ('();='.includes(ch) ? 0 : LANGUAGE_NAME);
  else CLASS[c] = NAME | LANGUAGE_NAME | (/[0-9]/.test(ch) ? DIGIT : 0) | (/\w/.test(ch) ? NUMBER : 0);
}
for (const c of [NBSP, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, BOM]) CLASS[c] = SPACE_CLASS;
for (let c = 0x2000; c <= 0x200a; c++) CLASS[c] = SPACE_CLASS;
CLASS[NBSP] |= SKIPPED;
CLASS[BOM] |= SKIPPED;

/**
 * Where the run of characters of class `cls` (NAME_CLASS, LANGUAGE_NAME_CLASS or NUMBER_CLASS)
 * that starts at `at` ends.
 */
export function classRunEnd(text: string, at: number, cls: number): number {
  const length = text.length;
  while (at < length && (CLASS[text.charCodeAt(at)]! & cls) !== 0) at++;
  return at;
}
/** The character classes of classRunEnd: a name run (NAME_RUN), a language name run, a number's tail. */
export const NAME_CLASS = NAME, LANGUAGE_NAME_CLASS = LANGUAGE_NAME, NUMBER_CLASS = NUMBER;

/** A run of NAME characters (anything but `\s` and `=():;+`), as the CLASS table has them. */
const NAME_RUN = /[^\s=():;+]+/y;

function is(c: number, cls: number): boolean {
  return (CLASS[c]! & cls) !== 0;
}

/** The keyword a name run spells (ASCII letters, any case), or Name. */
export function keywordOrName(text: string, start: number, end: number): TokenType {
  const candidates = KEYWORDS_BY_LENGTH[end - start];
  if (candidates === undefined) return Name;
  // Index loops, not for-of, in the per-token and per-message code: in a one-shot compile it runs
  // mostly unoptimised, where for-of steps through an iterator object.
  for (let k = 0; k < candidates.length; k++) {
    const { type, lower } = candidates[k]!;
    let i = 0;
    // `| 0x20` lower-cases an ASCII letter and maps no other character onto a letter.
    while (i < lower.length && (text.charCodeAt(start + i) | 0x20) === lower.charCodeAt(i)) i++;
    if (i === lower.length) return type;
  }
  return Name;
}

const enum Mode {
  Statements,
  Language,
  Text,
}

/** Where a dropped run of unexpected characters ends: the next character some token can start at. */
function canStartToken(text: string, i: number, mode: Mode): boolean {
  const c = text.charCodeAt(i);
  if (mode === Mode.Statements) return is(c, SKIPPED | PUNCTUATION | NAME);
  return c === SPACE || c === TAB || c === EQUALS || c === LF || (c === CR && text.charCodeAt(i + 1) === LF) || is(c, LANGUAGE_NAME);
}

/**
 * Scans tokens one at a time, so that a caller can parse and drop them as it goes: a file's
 * tokens all kept alive at once cost more in garbage collection than the scanning itself.
 * `comments` and `errors` fill up as the scan passes them.
 */
export class Scanner {
  readonly comments: McToken[] = objectArray();
  readonly errors: LexError[] = [];
  private mode = Mode.Statements;
  /** The current line (1-based) and the offset it starts at, as far as the scan has gone. */
  private line = 1;
  private lineStart = 0;
  private i = 0;
  /** The token advance() found last (type undefined at the end of the input). */
  type: TokenType | undefined;
  start = 0;
  end = 0;
  startLine = 1;
  startColumn = 1;

  constructor(readonly text: string) {}

  /** The next token, or undefined at the end of the input. */
  next(): McToken | undefined {
    const type = this.advance();
    return type === undefined ? undefined : new Token(type, this.text.slice(this.start, this.end), this.start, this.startLine, this.startColumn);
  }

  /**
   * Scans the next token into `type`, `start`, `end`, `startLine` and `startColumn` without
   * making an object of it (direct-parse.ts reads them); returns its type, undefined at the end.
   */
  advance(): TokenType | undefined {
    const text = this.text;
    const length = text.length;
    let i = this.i;
    while (i < length) {
      const c = text.charCodeAt(i);
      if (this.mode === Mode.Text) {
        this.found(MessageText, i, i);
        this.i = this.end = this.messageTextEnd(i);
        this.mode = Mode.Statements;
        return MessageText;
      }
      if (this.mode === Mode.Statements) {
        if (is(c, SKIPPED)) {
          // The line feeds are counted as they are skipped.
          do {
            if (text.charCodeAt(i) === LF) {
              this.line++;
              this.lineStart = i + 1;
            }
            i++;
          } while (i < length && (CLASS[text.charCodeAt(i)]! & SKIPPED) !== 0);
          continue;
        }
        switch (c) {
          case EQUALS: return this.found(Equals, i, (this.i = i + 1));
          case LPAREN: return this.found(LParen, i, (this.i = i + 1));
          case RPAREN: return this.found(RParen, i, (this.i = i + 1));
          case COLON: return this.found(Colon, i, (this.i = i + 1));
          case PLUS: return this.found(Plus, i, (this.i = i + 1));
          case SEMICOLON: {
            let end = text.indexOf('\n', i);
            if (end < 0) end = length;
            this.comments.push(this.token(Comment, i, end));
            i = end;
            continue;
          }
        }
        if (is(c, DIGIT)) {
          const start = i;
          i = classRunEnd(text, i + 1, NUMBER);
          return this.found(NumberLiteral, start, (this.i = i));
        }
        if (is(c, NAME)) {
          const start = i;
          NAME_RUN.lastIndex = i;
          NAME_RUN.test(text);
          i = NAME_RUN.lastIndex;
          const type = keywordOrName(text, start, i);
          if (type === Language) this.mode = Mode.Language;
          return this.found(type, start, (this.i = i));
        }
      } else {
        if (c === SPACE || c === TAB) {
          while (i < length && (text.charCodeAt(i) === SPACE || text.charCodeAt(i) === TAB)) i++;
          continue;
        }
        if (c === EQUALS) return this.found(Equals, i, (this.i = i + 1));
        if (c === LF || (c === CR && text.charCodeAt(i + 1) === LF)) {
          const end = c === LF ? i + 1 : i + 2;
          this.found(LineEnd, i, end);
          this.line++;
          this.lineStart = this.i = end;
          this.mode = Mode.Text;
          return LineEnd;
        }
        if (is(c, LANGUAGE_NAME)) {
          const start = i;
          i = classRunEnd(text, i + 1, LANGUAGE_NAME);
          return this.found(LanguageName, start, (this.i = i));
        }
      }
      // No token starts here: drop characters up to the next place one can (one error for the run).
      const start = i++;
      while (i < length && !canStartToken(text, i, this.mode)) i++;
      this.errors.push({ offset: start, line: this.line, column: start - this.lineStart + 1, message: describeUnexpected(text, start, i - start) });
    }
    this.i = i;
    this.type = undefined;
    return undefined;
  }

  /**
   * Passes the message text that starts at `start`, on line `line` (which starts at `start`):
   * direct-parse.ts has read what comes before it itself. Returns where the text ends, the
   * scanner is left there in statements mode, and the next advance() reads on from it.
   */
  skipText(start: number, line: number): number {
    this.line = line;
    this.lineStart = start;
    const end = this.messageTextEnd(start);
    this.i = end;
    this.mode = Mode.Statements;
    return end;
  }

  /** Records the token found at text[start, end) on the current line; returns its type. */
  private found(type: TokenType, start: number, end: number): TokenType {
    this.type = type;
    this.start = start;
    this.end = end;
    this.startLine = this.line;
    this.startColumn = start - this.lineStart + 1;
    return type;
  }

  private token(type: TokenType, start: number, end: number): Token {
    return new Token(type, this.text.slice(start, end), start, this.line, start - this.lineStart + 1);
  }

  /**
   * Offset just past the `.` line (and its line end) that ends the message text starting at
   * `start`; the line feeds on the way are counted (the caller takes the text token's line and
   * column first).
   */
  private messageTextEnd(start: number): number {
    const text = this.text;
    let lineStart = start;
    for (;;) {
      const nl = text.indexOf('\n', lineStart);
      const lineEnd = nl < 0 ? text.length : nl;
      const contentEnd = lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === CR ? lineEnd - 1 : lineEnd;
      if (nl < 0) return text.length;
      this.line++;
      this.lineStart = nl + 1;
      if (contentEnd - lineStart === 1 && text.charCodeAt(lineStart) === DOT) return nl + 1;
      lineStart = nl + 1;
    }
  }
}

/** All tokens of a text at once. */
export function tokenize(text: string): LexResult {
  const scanner = new Scanner(text);
  const tokens: McToken[] = [];
  for (let t = scanner.next(); t !== undefined; t = scanner.next()) tokens.push(t);
  return { tokens, comments: scanner.comments, errors: scanner.errors };
}

function describeUnexpected(text: string, offset: number, length: number): string {
  const found = text.slice(offset, offset + Math.min(length, 20));
  const shown = JSON.stringify(found.length > 0 ? found : '');
  return `unexpected character${length > 1 ? 's' : ''} ${shown}`;
}
