// The .mc grammar of parser.ts (MC-SPEC.md §3.1) by hand, for well-formed segments only.
//
// chevrotain's parser engine runs several layers of generic calls per token (rule invocation,
// lookahead functions, OR/MANY/OPTION bookkeeping); in a compile, which runs once per process and
// mostly in V8's interpreter, that was the largest part of the time (docs/performance.md). This
// recursive descent takes the same decisions as the chevrotain grammar (every choice there is
// decided by the next token alone) and builds the same statement objects. It accepts only input
// the grammar accepts: at the first token the grammar would reject it gives up, returning
// undefined, and parser.ts parses that segment with chevrotain, whose errors are the diagnostics.
// test/mc/fast-parser.test.ts and test/mc/parser.test.ts check both give the same statements on
// fixtures, the corpus and random input. compileMc first parses a file straight from the scanner
// (direct-parse.ts, the same grammar without token objects); this segment path runs for a file
// that has an error somewhere.

import type { IToken, TokenType } from 'chevrotain';
import * as T from './lexer.js';
import { languageBlockOf, nameEntry, nameToken, numberToken } from './statements.js';
import type { FieldStatement, LanguageBlock, MessageItem, MessageStatement, NameEntry, NamesStatement, OutputBaseStatement, Statement } from './statements.js';

/** Thrown where the grammar would report an error: the segment goes to chevrotain. */
const GIVE_UP: unique symbol = Symbol('give up');

class SegmentParser {
  private i = 0;
  constructor(private readonly tokens: readonly IToken[]) {}

  private peek(): TokenType | undefined {
    return this.tokens[this.i]?.tokenType;
  }

  private consume(type: TokenType): IToken {
    const t = this.tokens[this.i];
    if (t === undefined || t.tokenType !== type) throw GIVE_UP;
    this.i++;
    return t;
  }

  /** file: statement*, and nothing after. */
  file(out: Statement[]): void {
    const tokens = this.tokens;
    while (this.i < tokens.length) out.push(this.statement());
  }

  private statement(): Statement {
    const type = this.peek();
    if (type === T.MessageId) return this.message();
    if (type === T.MessageIdTypedef || type === T.MessageIdTypedefMacro) {
      const kw = this.tokens[this.i++]!;
      this.consume(T.Equals);
      const name = this.consume(T.Name);
      return { kind: 'typedef', macro: kw.tokenType === T.MessageIdTypedefMacro, name: nameToken(name), line: kw.startLine ?? 0, column: kw.startColumn ?? 0, offset: kw.startOffset };
    }
    if (type === T.SeverityNames || type === T.FacilityNames) return this.valueNames();
    if (type === T.LanguageNames) return this.languageNames();
    if (type === T.OutputBase) return this.outputBase();
    throw GIVE_UP;
  }

  private valueNames(): NamesStatement {
    const kw = this.tokens[this.i++]!;
    const entries = this.nameEntries(() => {
      if (this.peek() !== T.Colon) return undefined;
      this.i++;
      return this.consume(T.Name);
    });
    return { kind: 'names', table: kw.tokenType === T.SeverityNames ? 'severity' : 'facility', entries, line: kw.startLine ?? 0, column: kw.startColumn ?? 0, offset: kw.startOffset };
  }

  private languageNames(): NamesStatement {
    const kw = this.tokens[this.i++]!;
    const entries = this.nameEntries(() => {
      this.consume(T.Colon);
      const fileType = this.peek();
      if (fileType !== T.Name && fileType !== T.NumberLiteral) throw GIVE_UP;
      return this.tokens[this.i++]!;
    });
    return { kind: 'names', table: 'language', entries, line: kw.startLine ?? 0, column: kw.startColumn ?? 0, offset: kw.startOffset };
  }

  /** `= ( name=value… )`, as parser.ts's nameEntries; `extra` reads what follows each value. */
  private nameEntries(extra: () => IToken | undefined): NameEntry[] {
    this.consume(T.Equals);
    this.consume(T.LParen);
    const entries: NameEntry[] = [];
    while (this.peek() === T.Name) {
      const name = this.tokens[this.i++]!;
      this.consume(T.Equals);
      const value = this.consume(T.NumberLiteral);
      entries.push(nameEntry(name, value, extra()));
    }
    this.consume(T.RParen);
    return entries;
  }

  private outputBase(): OutputBaseStatement {
    const kw = this.consume(T.OutputBase);
    this.consume(T.Equals);
    const value = this.consume(T.NumberLiteral);
    return { kind: 'outputBase', value: numberToken(value), line: kw.startLine ?? 0, column: kw.startColumn ?? 0, offset: kw.startOffset };
  }

  private message(): MessageStatement {
    const kw = this.tokens[this.i++]!;
    this.consume(T.Equals);
    let id: MessageStatement['id'] = { form: 'next' };
    const idType = this.peek();
    if (idType === T.Plus) {
      this.i++;
      id = { form: 'relative', value: numberToken(this.consume(T.NumberLiteral)) };
    } else if (idType === T.NumberLiteral) {
      id = { form: 'absolute', value: numberToken(this.tokens[this.i++]!) };
    }
    const items: MessageItem[] = [];
    for (;;) {
      const type = this.peek();
      if (type === T.OutputBase) items.push(this.outputBase());
      else if (type === T.Severity || type === T.Facility || type === T.SymbolicName) items.push(this.field());
      else break;
    }
    if (this.peek() !== T.Language) throw GIVE_UP;
    do items.push(this.languageBlock());
    while (this.peek() === T.Language);
    return { kind: 'message', id, items, line: kw.startLine ?? 0, column: kw.startColumn ?? 0, offset: kw.startOffset };
  }

  private field(): FieldStatement {
    const kw = this.tokens[this.i++]!;
    this.consume(T.Equals);
    const name = this.consume(T.Name);
    const kind = kw.tokenType === T.Severity ? 'severity' : kw.tokenType === T.Facility ? 'facility' : 'symbolicName';
    return { kind, name: nameToken(name), line: kw.startLine ?? 0, column: kw.startColumn ?? 0, offset: kw.startOffset };
  }

  private languageBlock(): LanguageBlock {
    const kw = this.tokens[this.i++]!;
    this.consume(T.Equals);
    const name = this.consume(T.LanguageName);
    const eol = this.consume(T.LineEnd);
    return languageBlockOf(kw, name, eol, this.peek() === T.MessageText ? this.tokens[this.i++]! : undefined);
  }
}

/**
 * The statements of a token list the grammar accepts whole, as the chevrotain parser builds them;
 * undefined when it would report a syntax error anywhere in it.
 */
export function parseSegment(tokens: readonly IToken[]): Statement[] | undefined {
  const out: Statement[] = [];
  try {
    new SegmentParser(tokens).file(out);
  } catch (err) {
    if (err === GIVE_UP) return undefined;
    throw err;
  }
  return out;
}
