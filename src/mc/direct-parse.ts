// A whole well-formed .mc file parsed straight from the scanner, without token objects.
//
// parseStream (parser.ts) takes tokens one object at a time, gathers them into segments and
// parses each with chevrotain. In a one-shot compile, which runs mostly unoptimised, the token
// objects, the segment arrays and the per-token calls between them were a large part of the time
// (docs/performance.md). This parser reads each token where Scanner.advance() leaves it (type,
// offsets, line, column) and builds the statements from the text, with the chevrotain grammar's
// decisions (each one is decided by the next token alone). It is all or nothing: at the first token
// the grammar would reject, or the first character the scanner reports, it gives up, and
// compileMc parses the file again through parseStream (with a fresh resolver), whose diagnostics
// are then the file's; only then is chevrotain loaded (compile-core.ts).
// test/mc/direct-parse.test.ts checks that it accepts a file exactly when parseStream reports
// nothing, with the same statements and comments.
//
// The usual message, `MessageId=N Severity=S Facility=F SymbolicName=X` and `Language=L` lines
// with spaces, tabs and line ends between the tokens, is read straight from the character codes
// instead of as a dozen tokens, each with its call into the scanner (docs/performance.md).
// Anything else in a message (a comment, another space character, a token the grammar would
// reject) and that reading declines, without having changed the scanner, and the tokens are read
// as before: it takes nothing the token reading would not, and builds the same statements.

import * as T from './lexer.js';
import type { TokenType } from './lexer.js';
import { fieldKind } from './statements.js';
import type { FieldStatement, LanguageBlock, MessageItem, MessageStatement, NameEntry, NamesStatement, NameToken, NumberToken, OutputBaseStatement, Statement, TypedefStatement } from './statements.js';

/** Thrown where the grammar or the scanner would report an error. */
const GIVE_UP: unique symbol = Symbol('give up');

// The fast reading scans with small loops over the character codes and the scanner's character
// classes: V8 optimises them soon and runs them at a few nanoseconds a character, where a sticky
// regular expression's test() cost 150 ns a call even optimised (12 ms of a warm 100 ms compile
// of the 14 large corpus files).
const DIGIT_0 = 48, DIGIT_9 = 57, SPACE = 32, TAB = 9, LF = 10, CR = 13, PLUS = 43, EQUALS_SIGN = 61;

/** Past spaces and tabs. */
function skipBlanks(text: string, at: number): number {
  let c = text.charCodeAt(at);
  while (c === SPACE || c === TAB) c = text.charCodeAt(++at);
  return at;
}

/** Past spaces, tabs and line ends. */
function skipSpaces(text: string, at: number): number {
  let c = text.charCodeAt(at);
  while (c === SPACE || c === TAB || c === LF || c === CR) c = text.charCodeAt(++at);
  return at;
}

/** Past `=` and the spaces or tabs around it; -1 when there is no `=`. */
function equalsEnd(text: string, at: number): number {
  at = skipBlanks(text, at);
  return text.charCodeAt(at) === EQUALS_SIGN ? skipBlanks(text, at + 1) : -1;
}

/** Past a run of ASCII letters (`| 0x20` lower-cases a letter and maps nothing else onto one). */
function lettersEnd(text: string, at: number): number {
  let c = text.charCodeAt(at) | 0x20;
  while (c >= 97 && c <= 122) c = text.charCodeAt(++at) | 0x20;
  return at;
}

/** Past a number token (a digit, then [A-Za-z0-9_]); `at` itself when no digit is there. */
function numberEnd(text: string, at: number): number {
  const c = text.charCodeAt(at);
  return c >= DIGIT_0 && c <= DIGIT_9 ? T.classRunEnd(text, at + 1, T.NUMBER_CLASS) : at;
}

/** Past spaces or tabs and the line end a text starts after; -1 when no line end is there. */
function lineEnd(text: string, at: number): number {
  at = skipBlanks(text, at);
  const c = text.charCodeAt(at);
  if (c === LF) return at + 1;
  return c === CR && text.charCodeAt(at + 1) === LF ? at + 2 : -1;
}

/** Whether text[at] separates tokens the way the fast reading allows (space, tab, line end). */
function isSeparator(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  return c === SPACE || c === TAB || c === LF || c === CR;
}

/** Statements read by the fast reading and by tokens (tests check that both are exercised). */
export interface DirectParseCounts {
  fastMessages: number;
  fastLanguageBlocks: number;
}

class DirectParser {
  private readonly s: T.Scanner;
  private readonly text: string;
  readonly counts: DirectParseCounts = { fastMessages: 0, fastLanguageBlocks: 0 };

  constructor(scanner: T.Scanner) {
    this.s = scanner;
    this.text = scanner.text;
    this.advance();
  }

  private advance(): void {
    this.s.advance();
    if (this.s.errors.length !== 0) throw GIVE_UP;
  }

  private image(): string {
    return this.text.slice(this.s.start, this.s.end);
  }

  /** The current token as a NameToken (consumed), if it has this type. */
  private name(type: TokenType): NameToken {
    const s = this.s;
    if (s.type !== type) throw GIVE_UP;
    const t: NameToken = { name: this.image(), line: s.startLine, column: s.startColumn, offset: s.start };
    this.advance();
    return t;
  }

  /** The current token as a NumberToken (consumed), if it is a number. */
  private number(): NumberToken {
    const s = this.s;
    if (s.type !== T.NumberLiteral) throw GIVE_UP;
    const t: NumberToken = { image: this.image(), line: s.startLine, column: s.startColumn, offset: s.start };
    this.advance();
    return t;
  }

  private expect(type: TokenType): void {
    if (this.s.type !== type) throw GIVE_UP;
    this.advance();
  }

  /** file: statement*, and nothing after. */
  file(emit: (s: Statement) => void): void {
    while (this.s.type !== undefined) emit(this.statement());
  }

  private statement(): Statement {
    const s = this.s;
    const type = s.type;
    const line = s.startLine;
    const column = s.startColumn;
    const offset = s.start;
    if (type === T.MessageId) return this.message(line, column, offset);
    if (type === T.MessageIdTypedef || type === T.MessageIdTypedefMacro) {
      this.advance();
      this.expect(T.Equals);
      const statement: TypedefStatement = { kind: 'typedef', macro: type === T.MessageIdTypedefMacro, name: this.name(T.Name), line, column, offset };
      return statement;
    }
    if (type === T.SeverityNames || type === T.FacilityNames || type === T.LanguageNames) {
      this.advance();
      const language = type === T.LanguageNames;
      const entries = this.nameEntries(language);
      const statement: NamesStatement = { kind: 'names', table: type === T.SeverityNames ? 'severity' : type === T.FacilityNames ? 'facility' : 'language', entries, line, column, offset };
      return statement;
    }
    if (type === T.OutputBase) return this.outputBase();
    throw GIVE_UP;
  }

  /** `= ( name=value[:extra] … )`: the extra is an optional alias, or a language's required file name. */
  private nameEntries(language: boolean): NameEntry[] {
    const s = this.s;
    this.expect(T.Equals);
    this.expect(T.LParen);
    const entries: NameEntry[] = [];
    while (s.type === T.Name) {
      const line = s.startLine;
      const column = s.startColumn;
      const offset = s.start;
      const name = this.image();
      this.advance();
      this.expect(T.Equals);
      const value = this.number();
      let extra: NameToken | undefined;
      if (language) {
        this.expect(T.Colon);
        if (s.type !== T.Name && s.type !== T.NumberLiteral) throw GIVE_UP;
        extra = this.name(s.type);
      } else if (s.type === T.Colon) {
        this.advance();
        extra = this.name(T.Name);
      }
      entries.push({ name, value, extra, line, column, offset });
    }
    this.expect(T.RParen);
    return entries;
  }

  private outputBase(): OutputBaseStatement {
    const s = this.s;
    const line = s.startLine;
    const column = s.startColumn;
    const offset = s.start;
    this.expect(T.OutputBase);
    this.expect(T.Equals);
    return { kind: 'outputBase', value: this.number(), line, column, offset };
  }

  private message(line: number, column: number, offset: number): MessageStatement {
    const fast = this.fastMessage(line, column, offset);
    if (fast !== undefined) return fast;
    const s = this.s;
    this.advance();
    this.expect(T.Equals);
    let id: MessageStatement['id'] = { form: 'next', value: undefined };
    if (s.type === T.Plus) {
      this.advance();
      id = { form: 'relative', value: this.number() };
    } else if (s.type === T.NumberLiteral) {
      id = { form: 'absolute', value: this.number() };
    }
    const items: MessageItem[] = [];
    for (;;) {
      const type = s.type;
      if (type === T.OutputBase) items.push(this.outputBase());
      else if (type === T.Severity || type === T.Facility || type === T.SymbolicName) items.push(this.field(type));
      else break;
    }
    if (s.type !== T.Language) throw GIVE_UP;
    do items.push(this.languageBlock());
    while (s.type === T.Language);
    return { kind: 'message', id, items, line, column, offset };
  }

  /** The keyword this statement starts with, and its `=`. */
  private keywordEquals(): void {
    this.advance();
    this.expect(T.Equals);
  }

  private field(type: TokenType): FieldStatement {
    const s = this.s;
    const line = s.startLine;
    const column = s.startColumn;
    const offset = s.start;
    this.keywordEquals();
    return { kind: fieldKind(type), name: this.name(T.Name), line, column, offset };
  }

  private languageBlock(): LanguageBlock {
    const s = this.s;
    const line = s.startLine;
    const column = s.startColumn;
    const offset = s.start;
    const fast = this.fastLanguageBlock(offset, line, offset - column + 1);
    if (fast !== undefined) {
      this.advance();
      return fast;
    }
    this.keywordEquals();
    const name = this.name(T.LanguageName);
    if (s.type !== T.LineEnd) throw GIVE_UP;
    const nextLine = s.startLine + 1;
    const eolEnd = s.end;
    this.advance();
    // A line end switches the scanner to text mode: the text token follows unless the file ends.
    if (s.type === T.MessageText) {
      const block: LanguageBlock = { kind: 'language', name, text: this.image(), textLine: s.startLine, endOffset: s.end, line, column, offset };
      this.advance();
      return block;
    }
    return { kind: 'language', name, text: '', textLine: nextLine, endOffset: eolEnd, line, column, offset };
  }

  /**
   * The message whose MessageId keyword is the current token, read from the characters: the
   * items up to the first Language block, which is read too; undefined (the scanner untouched)
   * where that reading declines.
   */
  private fastMessage(line: number, column: number, offset: number): MessageStatement | undefined {
    const text = this.text;
    const s = this.s;
    let lineStart = offset - column + 1;
    let at = equalsEnd(text, s.end);
    if (at < 0) return undefined;
    let id: MessageStatement['id'] = { form: 'next', value: undefined };
    const relative = text.charCodeAt(at) === PLUS;
    if (relative) at = skipBlanks(text, at + 1);
    const idEnd = numberEnd(text, at);
    if (idEnd > at) {
      const value: NumberToken = { image: text.slice(at, idEnd), line, column: at - lineStart + 1, offset: at };
      id = { form: relative ? 'relative' : 'absolute', value };
      at = idEnd;
    } else if (relative) {
      return undefined;
    }
    if (!isSeparator(text, at)) return undefined;
    const items: MessageItem[] = [];
    let itemLine = line;
    for (;;) {
      const keyAt = skipSpaces(text, at);
      // The line feeds among the spaces before the keyword.
      for (let nl = text.indexOf('\n', at); nl >= 0 && nl < keyAt; nl = text.indexOf('\n', nl + 1)) {
        itemLine++;
        lineStart = nl + 1;
      }
      const keyEnd = lettersEnd(text, keyAt);
      if (keyEnd === keyAt) return undefined;
      const type = T.keywordOrName(text, keyAt, keyEnd);
      if (type === T.Language) {
        const block = this.fastLanguageBlock(keyAt, itemLine, lineStart);
        if (block === undefined) return undefined;
        items.push(block);
        break;
      }
      if (type !== T.Severity && type !== T.Facility && type !== T.SymbolicName && type !== T.OutputBase) return undefined;
      const valueAt = equalsEnd(text, keyEnd);
      if (valueAt < 0) return undefined;
      const valueEnd = T.classRunEnd(text, valueAt, T.NAME_CLASS);
      if (valueEnd === valueAt || !isSeparator(text, valueEnd)) return undefined;
      const first = text.charCodeAt(valueAt);
      const isNumber = first >= DIGIT_0 && first <= DIGIT_9;
      const keyColumn = keyAt - lineStart + 1;
      const valueColumn = valueAt - lineStart + 1;
      if (type === T.OutputBase) {
        // A number token is digits and [A-Za-z0-9_]; a run with more in it is two tokens.
        if (!isNumber || numberEnd(text, valueAt) !== valueEnd) return undefined;
        const statement: OutputBaseStatement = { kind: 'outputBase', value: { image: text.slice(valueAt, valueEnd), line: itemLine, column: valueColumn, offset: valueAt }, line: itemLine, column: keyColumn, offset: keyAt };
        items.push(statement);
      } else {
        // A name, not a number or a keyword: the grammar rejects those here.
        if (isNumber || T.keywordOrName(text, valueAt, valueEnd) !== T.Name) return undefined;
        const statement: FieldStatement = { kind: fieldKind(type), name: { name: text.slice(valueAt, valueEnd), line: itemLine, column: valueColumn, offset: valueAt }, line: itemLine, column: keyColumn, offset: keyAt };
        items.push(statement);
      }
      at = valueEnd;
    }
    this.counts.fastMessages++;
    this.advance();
    while (s.type === T.Language) items.push(this.languageBlock());
    return { kind: 'message', id, items, line, column, offset };
  }

  /**
   * The Language block whose keyword is at `offset`, on line `line` starting at `lineStart`, read
   * from the characters and Scanner.skipText; undefined (the scanner untouched) where that reading
   * declines. The scanner is left after the text; the caller advances.
   */
  private fastLanguageBlock(offset: number, line: number, lineStart: number): LanguageBlock | undefined {
    const text = this.text;
    const nameAt = equalsEnd(text, offset + 8); // 'Language'.length
    if (nameAt < 0) return undefined;
    const nameEnd = T.classRunEnd(text, nameAt, T.LANGUAGE_NAME_CLASS);
    if (nameEnd === nameAt) return undefined;
    const textStart = lineEnd(text, nameEnd);
    // A Language line at the very end, without a text, is left to the tokens.
    if (textStart < 0 || textStart >= text.length) return undefined;
    const end = this.s.skipText(textStart, line + 1);
    this.counts.fastLanguageBlocks++;
    return {
      kind: 'language',
      name: { name: text.slice(nameAt, nameEnd), line, column: nameAt - lineStart + 1, offset: nameAt },
      text: text.slice(textStart, end),
      textLine: line + 1,
      endOffset: end,
      line,
      column: offset - lineStart + 1,
      offset,
    };
  }

}

/**
 * Parses a whole file from a new scanner, handing each statement to `emit` as soon as it is
 * parsed; comments collect in `scanner.comments` as the scan passes them. False when the file
 * has a syntax error or a character the scanner reports (what was emitted must then be thrown
 * away), true when the whole file was parsed.
 */
export function parseDirect(scanner: T.Scanner, emit: (s: Statement) => void, counts?: DirectParseCounts): boolean {
  let parser: DirectParser | undefined;
  try {
    parser = new DirectParser(scanner);
    parser.file(emit);
  } catch (err) {
    if (err === GIVE_UP) return false;
    throw err;
  } finally {
    if (counts && parser) Object.assign(counts, parser.counts);
  }
  return true;
}

