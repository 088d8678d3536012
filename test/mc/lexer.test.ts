// The hand-written scanner (src/mc/lexer.ts) against the chevrotain regular-expression lexer it
// replaced (reference-lexer.ts): the same tokens, comments and errors, with the same offsets,
// lines and columns, on every corpus and fixture file and on random token soup.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IToken } from 'chevrotain';
import { tokenize } from '../../src/mc/lexer.js';
import { tokenize as referenceTokenize } from './reference-lexer.js';
import { corpusRoot, hasCorpus, largeInputs, mcFilesUnder, repoRoot } from '../support/paths.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);

function shape(tokens: IToken[]) {
  return tokens.map((t) => [t.tokenType.name, t.image, t.startOffset, t.startLine, t.startColumn]);
}

function expectSameTokens(text: string): void {
  const got = tokenize(text);
  const want = referenceTokenize(text);
  expect(shape(got.tokens)).toEqual(shape(want.tokens));
  expect(shape(got.comments)).toEqual(shape(want.comments));
  expect(got.errors).toEqual(want.errors);
}

describe('hand-written scanner = chevrotain reference lexer', () => {
  it('on every fixture .mc file', () => {
    const files = [...mcFilesUnder(join(repoRoot, 'fixtures'))];
    expect(files.length).toBeGreaterThan(30);
    for (const f of files) expectSameTokens(readFileSync(f, 'latin1'));
  });

  it.skipIf(!hasCorpus)('on every corpus .mc file, the large ones included', () => {
    const files = [...mcFilesUnder(join(corpusRoot, 'mc')), ...largeInputs().map((l) => l.path)];
    expect(files.length).toBeGreaterThan(30);
    for (const f of files) expectSameTokens(readFileSync(f, 'latin1'));
  });

  it('on edge cases: keyword prefixes, unexpected characters in each mode, files ending mid-token', () => {
    for (const text of [
      'MessageIdX=1 messageid=+2 MESSAGEIDTYPEDEFMACRO=M MessageIdTypedefMacroX',
      'Language=English\r\nText\r\n.\r\nLanguage = German ;x\r\n.\r\n',
      'Language=Eng(lish)\rX\r\r\n.\n',
      'Language=English\u00a0\u2000\u3000x\n.',
      'Severity\u2028=\u2003\u2004Error',
      'LanguageNames=(English=0x409:MSG00409)\n12abc 0x1.5 +:;',
      'Language=English\n.\r',
      'Language',
      'Language=',
      '\ufeffMessageId=1\fSeverity=\vError',
      'Facility=\u212aelvin MESSAGE\u0130D=1',
    ]) {
      expectSameTokens(text);
    }
  });

  it(`on random token soup (${RUNS} runs)`, () => {
    const piece = fc.oneof(
      fc.constantFrom(
        'MessageId', 'messageID', 'Severity', 'Facility', 'SymbolicName', 'Language', 'LanguageNames', 'SeverityNames',
        'FacilityNames', 'MessageIdTypedef', 'MessageIdTypedefMacro', 'OutputBase', 'English', '=', '(', ')', ':', '+', ';',
        '.', '%1', '0x1F', '12ab', ' ', '\t', '\r', '\n', '\r\n', '.\r\n', '\n.\n', '\u00a0', '\u2000', '\u3000', '\ufeff', '\v', '\f',
        '\u00e9', '\u212a', '\u0130',
      ),
      fc.string({ maxLength: 4 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 80 }), (pieces) => expectSameTokens(pieces.join(''))),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
