// The whole-file parse straight from the scanner (src/mc/direct-parse.ts) against parseStream
// (tokens, segments, the hand-written segment parser and chevrotain): it succeeds exactly when
// parseStream and the scanner report nothing, and then gives the same statements, in the same
// order, and the same comments.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IToken } from 'chevrotain';
import { parseDirect, type DirectParseCounts } from '../../src/mc/direct-parse.js';
import { Scanner } from '../../src/mc/lexer.js';
import { parseStream } from '../../src/mc/parser.js';
import type { Statement } from '../../src/mc/statements.js';
import { corpusRoot, hasCorpus, largeInputs, mcFilesUnder, repoRoot } from '../support/paths.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);

const shape = (tokens: IToken[]) => tokens.map((t) => [t.tokenType.name, t.image, t.startOffset, t.startLine, t.startColumn]);

/** Whether the direct parse took the file; checks it against parseStream either way. */
function expectSameAsStream(text: string, counts?: DirectParseCounts): boolean {
  const streamScanner = new Scanner(text);
  const streamed: Statement[] = [];
  const diagnostics = parseStream(streamScanner, (s) => streamed.push(s));
  const directScanner = new Scanner(text);
  const direct: Statement[] = [];
  const ok = parseDirect(directScanner, (s) => direct.push(s), counts);
  const clean = diagnostics.length === 0 && streamScanner.errors.length === 0;
  expect(ok, JSON.stringify(text.slice(0, 200))).toBe(clean);
  if (ok) {
    expect(direct).toStrictEqual(streamed);
    expect(shape(directScanner.comments)).toEqual(shape(streamScanner.comments));
  }
  return ok;
}

describe('direct parse = parseStream', () => {
  it('on every fixture .mc file (those with errors: given up)', () => {
    const files = mcFilesUnder(join(repoRoot, 'fixtures'));
    expect(files.length).toBeGreaterThan(30);
    const taken = files.filter((f) => expectSameAsStream(readFileSync(f, 'latin1'))).length;
    expect(taken).toBeGreaterThan(20);
    expect(taken).toBeLessThan(files.length);
  });

  it.skipIf(!hasCorpus)('on every corpus .mc file, the large ones taken whole', () => {
    for (const f of largeInputs().map((l) => l.path)) expect(expectSameAsStream(readFileSync(f, 'latin1')), f).toBe(true);
    for (const f of mcFilesUnder(join(corpusRoot, 'mc'))) expectSameAsStream(readFileSync(f, 'latin1'));
  });

  it('on each statement form, comments, line ends and the errors of the scanner', () => {
    const taken = [
      'MessageIdTypedef=DWORD MessageIdTypedefMacro=M ; c\r\n',
      'SeverityNames=(A=1:B C=0x2) ;x\nFacilityNames=() LanguageNames=(E=0x409:MSG E2=1:12)',
      'OutputBase=10 MessageId= Language=English\nx\n.\n',
      'messageid=+3 ;in\n OutputBase=16 Severity=Error Facility=System SymbolicName=X Language = English \r\nx\r\n.\r\nLanguage=German\n.\nOutputBase=10',
      'MessageId=0x10 Language=English\n',
      'MessageId=1 Language=English\nno terminator',
      '\ufeff\u00a0MessageId=1 Language=Eng:lish+\n.\n',
      '',
      '; only a comment',
    ];
    for (const text of taken) expect(expectSameAsStream(text), text).toBe(true);
    const given = [
      'MessageIdTypedef=1', 'SeverityNames=(A=1:2)', 'LanguageNames=(E=0x409)', 'OutputBase=X', 'MessageId=+', 'MessageId=1',
      'MessageId=1 Language=English\nx\n.\nSeverity=Error', 'MessageId=1 Language=English x\n', 'MessageId=1 Language=(\n',
      'MessageId=1 Language=English\r.\n', 'Severity=Error', '=', 'MessageId=1\u2028 Language=English\n.\n', 'Language=English\n.\n',
      'MessageId=0x10 Language=English',
    ];
    for (const text of given) expect(expectSameAsStream(text), text).toBe(false);
  });

  it(`on random statement soup (${RUNS} runs)`, () => {
    const piece = fc.constantFrom(
      'MessageId=', 'MessageId=+1', 'MessageId=0x10', 'Severity=Error', 'Facility=System', 'SymbolicName=X', 'OutputBase=10',
      'Language=English\n', 'Language=English\r\ntext\r\n.\r\n', 'Language=English\ntext\n.\n', 'text\n', '.\n', 'SeverityNames=(A=1:B)',
      'FacilityNames=(F=0x10)', 'LanguageNames=(E=0x409:M)', 'MessageIdTypedef=DWORD', 'MessageIdTypedefMacro=M', '=', '(', ')', ':', '+',
      '; comment\n', ';\r\n', ' ', '\n', '\r\n', '\t', 'Name', '12', '\u2028', '\u00a0',
    );
    let taken = 0;
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        if (expectSameAsStream(pieces.join(' '))) taken++;
      }),
      { numRuns: RUNS, seed: SEED },
    );
    expect(taken).toBeGreaterThan(RUNS / 50);
  });

  // The fast reading of messages (loops over the characters instead of tokens) must build what the
  // tokens build, and decline, leaving the tokens to it, on anything else.
  it('reads the usual messages by the fast reading, and the rest by tokens', () => {
    const fast = (text: string) => {
      const counts = { fastMessages: 0, fastLanguageBlocks: 0 };
      expect(expectSameAsStream(text, counts), text).toBe(true);
      return [counts.fastMessages, counts.fastLanguageBlocks];
    };
    expect(fast('MessageId=0x1 Severity=Error Facility=System SymbolicName=MSG_A\r\nLanguage=English\r\nA %1.\r\n.\r\n')).toEqual([1, 1]);
    expect(fast('messageid = +2\n\tSEVERITY=Warning\n  symbolicname = X\nlanguage = English \t\nx\n.\nLanguage=German\ny\n.\n')).toEqual([1, 2]);
    expect(fast('MessageId=\nOutputBase=10\nLanguage=Eng:lish+\n.\n')).toEqual([1, 1]);
    // Declined, read by tokens: a comment among the items, a space character other than space
    // or tab, no space before the next item, a Language line at the end of the file.
    expect(fast('MessageId=1 ;c\nLanguage=English\nx\n.\n')).toEqual([0, 1]);
    expect(fast('MessageId=1\u00a0Language=English\nx\n.\n')).toEqual([0, 1]);
    expect(fast('MessageId=Severity=Error Language=English\nx\n.\n')).toEqual([0, 1]);
    expect(fast('MessageId=1 Language=English\n')).toEqual([0, 0]);
    // Rejected by both: a keyword or a number where a name goes, a number token with more after it.
    for (const text of ['MessageId=1 Severity=Language Language=English\nx\n.\n', 'MessageId=1 SymbolicName=1X Language=English\nx\n.\n', 'MessageId=1 OutputBase=1-0 Language=English\nx\n.\n', 'MessageId=1- Language=English\nx\n.\n']) {
      expect(expectSameAsStream(text), text).toBe(false);
    }
  });

  it.skipIf(!hasCorpus)('reads nearly every message of the large corpus files by the fast reading', () => {
    let messages = 0;
    let fastMessages = 0;
    for (const f of largeInputs().map((l) => l.path)) {
      const counts = { fastMessages: 0, fastLanguageBlocks: 0 };
      const text = readFileSync(f, 'latin1');
      const statements: Statement[] = [];
      expect(parseDirect(new Scanner(text), (s) => statements.push(s), counts), f).toBe(true);
      messages += statements.filter((s) => s.kind === 'message').length;
      fastMessages += counts.fastMessages;
    }
    expect(fastMessages / messages).toBeGreaterThan(0.95);
  });

  it(`on random statement soup without spaces between the pieces (${RUNS} runs)`, () => {
    const piece = fc.constantFrom(
      'MessageId=', 'messageid =+ 1', 'MessageId=0x10', 'MessageId=1-', ' Severity=Error', 'SEVERITY = Language', ' Facility=System', ' SymbolicName=X',
      'SymbolicName=1X', ' OutputBase=10', 'OutputBase=1x', ' Language=English\n', 'Language = Eng:lish \t\r\n', 'Language=English\r\ntext\r\n.\r\n',
      'LANGUAGE=German\ntext\n.\n', 'text\n', '.\n', '.', ' SeverityNames=(A=1:B)', 'LanguageNames=(E=0x409:M)', '=', '+', ';c\n', ' ', '\n', '\r\n', '\r',
      '\t', 'Name', '12', '\u00a0', '\u000b',
    );
    let taken = 0;
    let fast = 0;
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const counts = { fastMessages: 0, fastLanguageBlocks: 0 };
        if (expectSameAsStream(pieces.join(''), counts)) taken++;
        fast += counts.fastMessages;
      }),
      { numRuns: RUNS, seed: SEED },
    );
    expect(taken).toBeGreaterThan(RUNS / 100);
    expect(fast).toBeGreaterThan(0);
  });
});
