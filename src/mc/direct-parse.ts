// A whole well-formed .mc file parsed straight from the scanner, without token objects.
//
// parseStream (parser.ts) takes tokens one object at a time, gathers them into segments and
// parses each with chevrotain. In a one-shot compile, which runs mostly unoptimised, the token objects, the
// segment arrays and the per-token calls between them were a large part of the time
// (docs/performance.md). This parser reads each token where Scanner.advance() leaves it (type,
// offsets, line, column) and builds the statements from the text, with the chevrotain grammar's
// decisions (each one is decided by the next token alone). It is all or nothing: at the first token
// the grammar would reject, or the first character the scanner reports, it gives up, and
// compileMc parses the file again through parseStream (with a fresh resolver), whose diagnostics
// are then the file's. test/mc/direct-parse.test.ts checks that it accepts a file exactly when
// parseStream reports nothing, with the same statements and comments.

import type { TokenType } from 'chevrotain';
import * as T from './lexer.js';
import type { FieldStatement, LanguageBlock, MessageItem, MessageStatement, NameEntry, NamesStatement, NameToken, NumberToken, OutputBaseStatement, Statement, TypedefStatement } from './statements.js';

/** Thrown where the grammar or the scanner would report an error. */
const GIVE_UP: unique symbol = Symbol('give up');

class DirectParser {
  private readonly s: T.Scanner;
  private readonly text: string;

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
    const s = this.s;
    this.advance();
    this.expect(T.Equals);
    let id: MessageStatement['id'] = { form: 'next' };
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
    const kind = type === T.Severity ? 'severity' : type === T.Facility ? 'facility' : 'symbolicName';
    return { kind, name: this.name(T.Name), line, column, offset };
  }

  private languageBlock(): LanguageBlock {
    const s = this.s;
    const line = s.startLine;
    const column = s.startColumn;
    const offset = s.start;
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
}

/**
 * Parses a whole file from a new scanner, handing each statement to `emit` as soon as it is
 * parsed; comments collect in `scanner.comments` as the scan passes them. False when the file
 * has a syntax error or a character the scanner reports (what was emitted must then be thrown
 * away), true when the whole file was parsed.
 */
export function parseDirect(scanner: T.Scanner, emit: (s: Statement) => void): boolean {
  try {
    new DirectParser(scanner).file(emit);
  } catch (err) {
    if (err === GIVE_UP) return false;
    throw err;
  }
  return true;
}

