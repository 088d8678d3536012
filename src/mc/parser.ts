// The .mc grammar (MC-SPEC.md §3.1) as a chevrotain parser that builds statement objects.
// Comments are not part of the grammar (the lexer sets them aside). After a syntax error the
// parser resynchronises at the next statement keyword, so one run reports every error.
//
// Its vocabulary is the lexer's own token types, which chevrotain augments (with their
// tokenTypeIdx) when the parser is first built: this module is the only one that loads chevrotain,
// and a compile loads it only for a file that needs it (compile-core.ts).

import { EmbeddedActionsParser, EOF, type IParserErrorMessageProvider, type IToken, type TokenType } from 'chevrotain';
import { diagnostic, type Diagnostic, type DiagnosticKind } from './diagnostics.js';
import * as T from './lexer.js';
import type { Scanner } from './lexer.js';
import { fieldKind, languageBlockOf, nameEntry, nameToken, numberToken } from './statements.js';
import type { FieldStatement, LanguageBlock, MessageItem, MessageStatement, NameEntry, NamesStatement, OutputBaseStatement, Statement, TypedefStatement } from './statements.js';

const EXPECTED_KIND = new Map<TokenType, DiagnosticKind>([
  [T.Equals, 'expectedEquals'],
  [T.LParen, 'expectedLParen'],
  [T.RParen, 'expectedRParen'],
  [T.Colon, 'expectedColon'],
  [T.NumberLiteral, 'badNumber'],
  [T.Name, 'expectedName'],
  [T.LanguageName, 'expectedName'],
  [T.LineEnd, 'expectedLineEnd'],
]);

const STATEMENT_STARTS = new Set<TokenType>([
  T.MessageId,
  T.MessageIdTypedef,
  T.MessageIdTypedefMacro,
  T.SeverityNames,
  T.FacilityNames,
  T.LanguageNames,
  T.OutputBase,
]);

export function describeToken(token: IToken): string {
  if (token.tokenType === EOF) return 'the end of the file';
  if (token.tokenType === T.MessageText) return 'message text';
  if (token.tokenType === T.LineEnd) return 'the end of the line';
  return `'${token.image}'`;
}

function unexpectedStatement(token: IToken): string {
  const expected = 'expected MessageId, SeverityNames, FacilityNames, LanguageNames, MessageIdTypedef, OutputBase or a ; comment';
  if (token.tokenType === T.Name) return `unknown keyword '${token.image}': ${expected}`;
  return `${expected}, found ${describeToken(token)}`;
}

/**
 * chevrotain's error texts come from this provider, and chevrotain keeps only the text. The
 * provider records the catalogue kind of every text it builds, so that parseTokens can turn an
 * error back into a typed diagnostic; the texts of different kinds never coincide.
 */
class ErrorMessages implements IParserErrorMessageProvider {
  private readonly kinds = new Map<string, DiagnosticKind>();

  /** The kind of a text this provider built (unexpectedToken for any other). */
  kindOf(text: string): DiagnosticKind {
    return this.kinds.get(text) ?? 'unexpectedToken';
  }

  /** Forgets the texts of the last parse. */
  reset(): void {
    this.kinds.clear();
  }

  private text(kind: DiagnosticKind, text: string): string {
    this.kinds.set(text, kind);
    return text;
  }

  buildMismatchTokenMessage({ expected, actual, previous }: Parameters<IParserErrorMessageProvider['buildMismatchTokenMessage']>[0]): string {
    const kind = EXPECTED_KIND.get(expected) ?? 'unexpectedToken';
    const after = previous && previous.image ? ` after ${describeToken(previous)}` : '';
    return this.text(kind, `expected ${expected.LABEL ?? expected.name}${after}, found ${describeToken(actual)}`);
  }

  buildNotAllInputParsedMessage({ firstRedundant }: Parameters<IParserErrorMessageProvider['buildNotAllInputParsedMessage']>[0]): string {
    return this.text('unexpectedToken', unexpectedStatement(firstRedundant));
  }

  buildNoViableAltMessage({ actual, customUserDescription }: Parameters<IParserErrorMessageProvider['buildNoViableAltMessage']>[0]): string {
    const token = actual[0]!;
    if (customUserDescription === 'statement') return this.text('unexpectedToken', unexpectedStatement(token));
    return this.text('unexpectedToken', `expected ${customUserDescription ?? 'a statement'}, found ${describeToken(token)}`);
  }

  buildEarlyExitMessage({ actual }: Parameters<IParserErrorMessageProvider['buildEarlyExitMessage']>[0]): string {
    const token = actual[0]!;
    if (token.tokenType === EOF || STATEMENT_STARTS.has(token.tokenType)) {
      return this.text('missingLanguage', `the message has no Language= block: expected Language=, found ${describeToken(token)}`);
    }
    return this.text('unexpectedToken', `expected Severity=, Facility=, SymbolicName=, OutputBase= or Language=, found ${describeToken(token)}`);
  }
}

const errorMessages = new ErrorMessages();

function at(t: IToken): { line: number; column: number; offset: number } {
  return { line: t.startLine ?? 0, column: t.startColumn ?? 0, offset: t.startOffset };
}

class McParser extends EmbeddedActionsParser {
  statements: Statement[] = [];

  /**
   * Chevrotain's grammar validations cost a compile ~15 ms of start-up on every run; the grammar
   * is fixed, so they are skipped there and run by the tests (validateGrammar).
   */
  constructor(validate = false) {
    super(T.vocabulary, { recoveryEnabled: false, maxLookahead: 2, errorMessageProvider: errorMessages, skipValidations: !validate });
    this.performSelfAnalysis();
  }

  file = this.RULE('file', () => {
    this.MANY(() => {
      const s = this.SUBRULE(this.statement);
      this.ACTION(() => this.statements.push(s));
    });
  });

  // The alternatives of the rules run once per message are built once, not on every call
  // (chevrotain's "caching arrays of alternatives"); they only consume, so nothing goes stale.
  private readonly statementAlternatives = {
    DEF: [
      { ALT: () => this.SUBRULE(this.typedef) },
      { ALT: () => this.SUBRULE(this.names) },
      { ALT: () => this.SUBRULE(this.outputBase) },
      { ALT: () => this.SUBRULE(this.message) },
    ],
    ERR_MSG: 'statement',
  };
  private readonly messageItemAlternatives = [{ ALT: () => this.SUBRULE(this.field) }, { ALT: () => this.SUBRULE(this.outputBase) }];
  private readonly fieldKeywordAlternatives = [
    { ALT: () => this.CONSUME(T.Severity) },
    { ALT: () => this.CONSUME(T.Facility) },
    { ALT: () => this.CONSUME(T.SymbolicName) },
  ];

  statement = this.RULE('statement', (): Statement => this.OR(this.statementAlternatives));

  typedef = this.RULE('typedef', (): TypedefStatement => {
    const kw = this.OR([{ ALT: () => this.CONSUME(T.MessageIdTypedef) }, { ALT: () => this.CONSUME(T.MessageIdTypedefMacro) }]);
    this.CONSUME(T.Equals);
    const name = this.CONSUME(T.Name);
    return { kind: 'typedef', macro: kw.tokenType === T.MessageIdTypedefMacro, name: nameToken(name), ...at(kw) };
  });

  names = this.RULE('names', (): NamesStatement => {
    return this.OR([
      { ALT: () => this.SUBRULE(this.valueNames) },
      { ALT: () => this.SUBRULE(this.languageNames) },
    ]);
  });

  /** SeverityNames / FacilityNames: `( name=value[:alias] … )`. */
  valueNames = this.RULE('valueNames', (): NamesStatement => {
    const kw = this.OR([{ ALT: () => this.CONSUME(T.SeverityNames) }, { ALT: () => this.CONSUME(T.FacilityNames) }]);
    const entries = this.nameEntries(() => {
      let alias: IToken | undefined;
      this.OPTION(() => {
        this.CONSUME(T.Colon);
        alias = this.CONSUME2(T.Name);
      });
      return alias;
    });
    return { kind: 'names', table: kw.tokenType === T.SeverityNames ? 'severity' : 'facility', entries, ...at(kw) };
  });

  /** LanguageNames: `( name=langid:file … )`; the file name may look like a number. */
  languageNames = this.RULE('languageNames', (): NamesStatement => {
    const kw = this.CONSUME(T.LanguageNames);
    const entries = this.nameEntries(() => {
      this.CONSUME(T.Colon);
      return this.OR([{ ALT: () => this.CONSUME2(T.Name) }, { ALT: () => this.CONSUME2(T.NumberLiteral) }]);
    });
    return { kind: 'names', table: 'language', entries, ...at(kw) };
  });

  /**
   * The `= ( name=value… )` of a names statement, inlined into the rule that calls it; `extra`
   * reads what follows each value (`:alias`, `:file`) and returns the token it names, if any.
   */
  private nameEntries(extra: () => IToken | undefined): NameEntry[] {
    this.CONSUME(T.Equals);
    this.CONSUME(T.LParen);
    const entries: NameEntry[] = [];
    this.MANY(() => {
      const name = this.CONSUME(T.Name);
      this.CONSUME2(T.Equals);
      const value = this.CONSUME(T.NumberLiteral);
      const extraToken = extra();
      this.ACTION(() => entries.push(nameEntry(name, value, extraToken)));
    });
    this.CONSUME(T.RParen);
    return entries;
  }

  outputBase = this.RULE('outputBase', (): OutputBaseStatement => {
    const kw = this.CONSUME(T.OutputBase);
    this.CONSUME(T.Equals);
    const value = this.CONSUME(T.NumberLiteral);
    return { kind: 'outputBase', value: numberToken(value), ...at(kw) };
  });

  message = this.RULE('message', (): MessageStatement => {
    const kw = this.CONSUME(T.MessageId);
    this.CONSUME(T.Equals);
    let id: MessageStatement['id'] = { form: 'next', value: undefined };
    this.OPTION(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.Plus);
            const n = this.CONSUME(T.NumberLiteral);
            this.ACTION(() => (id = { form: 'relative', value: numberToken(n) }));
          },
        },
        {
          ALT: () => {
            const n = this.CONSUME2(T.NumberLiteral);
            this.ACTION(() => (id = { form: 'absolute', value: numberToken(n) }));
          },
        },
      ]);
    });
    const items: MessageItem[] = [];
    this.MANY(() => {
      const item = this.OR2(this.messageItemAlternatives);
      this.ACTION(() => items.push(item));
    });
    this.AT_LEAST_ONE({
      DEF: () => {
        const block = this.SUBRULE(this.languageBlock);
        this.ACTION(() => items.push(block));
      },
      ERR_MSG: 'a Language= block with the message text',
    });
    return { kind: 'message', id, items, line: kw.startLine ?? 0, column: kw.startColumn ?? 0, offset: kw.startOffset };
  });

  field = this.RULE('field', (): FieldStatement => {
    const kw = this.OR(this.fieldKeywordAlternatives);
    this.CONSUME(T.Equals);
    const name = this.CONSUME(T.Name);
    const kind = fieldKind(kw.tokenType);
    return { kind, name: nameToken(name), line: kw.startLine ?? 0, column: kw.startColumn ?? 0, offset: kw.startOffset };
  });

  languageBlock = this.RULE('languageBlock', (): LanguageBlock => {
    const kw = this.CONSUME(T.Language);
    this.CONSUME(T.Equals);
    const name = this.CONSUME(T.LanguageName);
    const eol = this.CONSUME(T.LineEnd);
    // A LineEnd always switches the lexer to text mode, so MessageText follows unless the file ends.
    let text: IToken | undefined;
    this.OPTION(() => {
      const t = this.CONSUME(T.MessageText);
      this.ACTION(() => {
        text = t;
      });
    });
    return languageBlockOf(kw, name, eol, text);
  });
}

let parser: McParser | undefined;

/** Builds the parser with chevrotain's grammar validations on; throws on an ambiguous or broken grammar. */
export function validateGrammar(): void {
  new McParser(true);
}

/** Tokens that can only start a statement: no statement runs across one. */
const SEGMENT_STARTS = [...STATEMENT_STARTS].filter((t) => t !== T.OutputBase);
/** SEGMENT_STARTS by tokenTypeIdx (the test runs once per token), filled when the parser is built. */
const isSegmentStart: boolean[] = [];

/** The one parser, built on first use: chevrotain gives the token types their tokenTypeIdx then. */
function theParser(): McParser {
  if (parser === undefined) {
    parser = new McParser();
    for (const t of SEGMENT_STARTS) isSegmentStart[t.tokenTypeIdx!] = true;
  }
  return parser;
}

/**
 * Parses a file a segment at a time (a segment runs from one SEGMENT_STARTS token to the next)
 * and hands each statement to `emit` as soon as it is parsed, so that neither the tokens nor the
 * statements of the whole file are ever held at once. A segment with a syntax error, and
 * everything after it, is parsed again by parseTokens, which reports every error with the whole
 * remaining input as lookahead: the same diagnostics as parsing the whole file in one go.
 */
export function parseStream(scanner: Scanner, emit: (s: Statement) => void, maxErrors = 100): Diagnostic[] {
  const parser = theParser();
  let next = scanner.next();
  while (next !== undefined) {
    const segment = [next];
    for (next = scanner.next(); next !== undefined && isSegmentStart[next.tokenTypeIdx] !== true; next = scanner.next()) segment.push(next);
    parser.statements = [];
    parser.input = segment;
    parser.file();
    if (parser.errors.length === 0) {
      for (const s of parser.statements) emit(s);
      continue;
    }
    const rest = segment;
    for (; next !== undefined; next = scanner.next()) rest.push(next);
    return parseTokens(rest, emit, maxErrors);
  }
  release(parser);
  return [];
}

/**
 * Parses a whole token list. After a syntax error it starts again at the next statement keyword,
 * so one run reports every error (up to maxErrors).
 */
export function parseTokens(tokens: IToken[], emit: (s: Statement) => void, maxErrors = 100): Diagnostic[] {
  const parser = theParser();
  const diagnostics: Diagnostic[] = [];
  let start = 0;
  while (start < tokens.length) {
    parser.statements = [];
    parser.input = start === 0 ? tokens : tokens.slice(start);
    parser.file();
    for (const s of parser.statements) emit(s);
    const error = parser.errors[0];
    if (!error) break;
    const previous = (error as { previousToken?: IToken }).previousToken;
    const token = error.token.tokenType === EOF ? previous ?? tokens[tokens.length - 1] : error.token;
    diagnostics.push(diagnostic(errorMessages.kindOf(error.message), error.message, token && { line: token.startLine ?? 1, column: token.startColumn ?? 1 }));
    if (diagnostics.length >= maxErrors) break;
    // Resume at the next statement keyword after the offending token's statement start.
    let index = error.token.tokenType === EOF ? tokens.length : tokens.indexOf(error.token, start);
    if (index < 0) break;
    if (index === start) index++;
    while (index < tokens.length && !STATEMENT_STARTS.has(tokens[index]!.tokenType)) index++;
    start = index;
  }
  release(parser);
  return diagnostics;
}

/** The cached parser must not keep a file's tokens and statements alive after its parse. */
function release(p: McParser): void {
  p.statements = [];
  p.input = [];
  errorMessages.reset();
}
