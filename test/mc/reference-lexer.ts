// The .mc tokens as chevrotain lexer definitions: regular expressions in three modes. This was
// winmc's lexer until src/mc/lexer.ts replaced it with a hand-written scanner for speed; it stays
// as the executable reference the scanner is checked against (test/mc/lexer.test.ts).
//   statements  keywords, names, numbers, punctuation and `;` comments, whitespace-separated
//   language    the rest of a `Language=Name` line, up to and including its line end
//   text        one MessageText token: every line up to and including a line holding only `.`

import { createToken, Lexer, type CustomPatternMatcherReturn, type IToken, type TokenType } from 'chevrotain';

// A name is any run of characters up to whitespace or punctuation that does not start like a
// number; what each use allows (a C identifier, a file name) is checked where it is used, so an
// error can say which rule the name broke.
const NAME_PATTERN = /[^\s=():;+0-9][^\s=():;+]*/;

/**
 * Every UTF-16 code unit except `excluded` (ASCII only). chevrotain cannot analyse a negated
 * character class, and one token it cannot analyse turns off its first-character dispatch for
 * the whole mode: each token is then tried against every pattern in turn. A hint may list
 * characters that never start a match (the pattern still decides), so non-ASCII spaces may stay in.
 */
function startCharsExcept(excluded: string): number[] {
  const codes: number[] = [];
  for (let c = 0; c < 0x80; c++) if (!excluded.includes(String.fromCharCode(c))) codes.push(c);
  for (let c = 0x80; c <= 0xffff; c++) codes.push(c);
  return codes;
}
const ASCII_SPACE = ' \t\n\v\f\r';

export const Name = createToken({ name: 'Name', pattern: NAME_PATTERN, start_chars_hint: startCharsExcept(`${ASCII_SPACE}=():;+0123456789`), label: 'a name' });
// Digits followed by any run of name characters: validated as a C number when it is used, so
// `12abc` is reported as a bad number rather than as two tokens.
export const NumberLiteral = createToken({ name: 'NumberLiteral', pattern: /[0-9][A-Za-z0-9_]*/, label: 'a number' });

function keyword(name: string): TokenType {
  return createToken({ name, pattern: new RegExp(name, 'i'), longer_alt: Name, label: name });
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
export const Language = createToken({
  name: 'Language',
  pattern: /Language/i,
  longer_alt: Name,
  label: 'Language',
  push_mode: 'language',
});

export const Equals = createToken({ name: 'Equals', pattern: '=', label: "'='" });
export const LParen = createToken({ name: 'LParen', pattern: '(', label: "'('" });
export const RParen = createToken({ name: 'RParen', pattern: ')', label: "')'" });
export const Colon = createToken({ name: 'Colon', pattern: ':', label: "':'" });
export const Plus = createToken({ name: 'Plus', pattern: '+', label: "'+'" });
// Comments go to their own group: the parser never sees them, the resolver merges them back
// into the header stream by offset.
export const Comment = createToken({ name: 'Comment', pattern: /;[^\n]*/, label: 'a comment', group: 'comments' });

const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n\f\v\u00a0\ufeff]+/, group: Lexer.SKIPPED, line_breaks: true });
const InlineSpace = createToken({ name: 'InlineSpace', pattern: /[ \t]+/, group: Lexer.SKIPPED });
export const LanguageName = createToken({ name: 'LanguageName', pattern: /[^\s=;()]+/, start_chars_hint: startCharsExcept(`${ASCII_SPACE}=;()`), label: 'a language name' });
export const LineEnd = createToken({
  name: 'LineEnd',
  pattern: /\r?\n/,
  line_breaks: true,
  label: 'the end of the line',
  pop_mode: true,
  push_mode: 'text',
});

/**
 * Matches message text from the line after `Language=` through the terminating `.` line and its
 * line end. Without a terminator the token runs to the end of the input; the resolver reports it.
 */
function matchMessageText(text: string, offset: number): CustomPatternMatcherReturn | null {
  let lineStart = offset;
  for (;;) {
    const nl = text.indexOf('\n', lineStart);
    const lineEnd = nl < 0 ? text.length : nl;
    const contentEnd = lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
    if (contentEnd - lineStart === 1 && text.charCodeAt(lineStart) === 46 /* . */) {
      return [text.slice(offset, nl < 0 ? text.length : nl + 1)] as unknown as CustomPatternMatcherReturn;
    }
    if (nl < 0) return [text.slice(offset)] as unknown as CustomPatternMatcherReturn;
    lineStart = nl + 1;
  }
}

export const MessageText = createToken({
  name: 'MessageText',
  pattern: { exec: matchMessageText },
  line_breaks: true,
  pop_mode: true,
  label: 'message text',
});

export const allTokens = {
  modes: {
    statements: [
      WhiteSpace,
      Comment,
      Equals,
      LParen,
      RParen,
      Colon,
      Plus,
      MessageIdTypedefMacro,
      MessageIdTypedef,
      MessageId,
      SeverityNames,
      Severity,
      FacilityNames,
      Facility,
      LanguageNames,
      Language,
      SymbolicName,
      OutputBase,
      NumberLiteral,
      Name,
    ],
    language: [InlineSpace, Equals, LineEnd, LanguageName],
    text: [MessageText],
  },
  defaultMode: 'statements',
};

let lexer: Lexer | undefined;

export interface LexResult {
  tokens: IToken[];
  comments: IToken[];
  errors: { offset: number; line: number; column: number; message: string }[];
}

export function tokenize(text: string): LexResult {
  lexer ??= new Lexer(allTokens, {
    positionTracking: 'onlyStart',
    lineTerminatorsPattern: /\n/g,
    lineTerminatorCharacters: ['\n'],
    ensureOptimizations: false,
    skipValidations: true,
  });
  const result = lexer.tokenize(text);
  return {
    tokens: result.tokens,
    comments: result.groups['comments'] ?? [],
    errors: result.errors.map((e) => ({
      offset: e.offset,
      line: e.line ?? 1,
      column: e.column ?? 1,
      message: describeUnexpected(text, e.offset, e.length),
    })),
  };
}

function describeUnexpected(text: string, offset: number, length: number): string {
  const found = text.slice(offset, offset + Math.min(length, 20));
  const shown = JSON.stringify(found.length > 0 ? found : '');
  return `unexpected character${length > 1 ? 's' : ''} ${shown}`;
}
