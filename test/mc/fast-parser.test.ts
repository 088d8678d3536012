// The hand-written segment parser (src/mc/fast-parser.ts) against the chevrotain grammar
// (src/mc/parser.ts parseTokens): on any token list it accepts exactly what the grammar accepts
// without an error, and builds the same statements; on anything else it gives up (undefined), so
// that chevrotain reports the error.
import fc from 'fast-check';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSegment } from '../../src/mc/fast-parser.js';
import { tokenize } from '../../src/mc/lexer.js';
import { parseTokens } from '../../src/mc/parser.js';
import type { Statement } from '../../src/mc/statements.js';
import { corpusRoot, hasCorpus, largeInputs, repoRoot } from '../support/paths.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);

/** Both parsers on the whole token list of `text`; whether the grammar accepted it. */
function expectSameAsGrammar(text: string): boolean {
  const tokens = tokenize(text).tokens;
  const grammar: Statement[] = [];
  const diagnostics = parseTokens(tokens, (s) => grammar.push(s));
  const fast = parseSegment(tokens);
  if (diagnostics.length > 0) {
    expect(fast).toBeUndefined();
    return false;
  }
  expect(fast).toStrictEqual(grammar);
  return true;
}

function mcFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.mc'))
    .map((e) => join(e.parentPath, e.name));
}

describe('hand-written segment parser = chevrotain grammar', () => {
  it('on every fixture .mc file (those with syntax errors: both reject)', () => {
    const files = mcFilesUnder(join(repoRoot, 'fixtures'));
    expect(files.length).toBeGreaterThan(30);
    const accepted = files.filter((f) => expectSameAsGrammar(readFileSync(f, 'latin1'))).length;
    expect(accepted).toBeGreaterThan(20);
    expect(accepted).toBeLessThan(files.length);
  });

  it.skipIf(!hasCorpus)('on every corpus .mc file, the large ones included', () => {
    const files = [...mcFilesUnder(join(corpusRoot, 'mc')), ...largeInputs().map((l) => l.path)];
    expect(files.length).toBeGreaterThan(30);
    for (const f of largeInputs().map((l) => l.path)) expect(expectSameAsGrammar(readFileSync(f, 'latin1')), f).toBe(true);
    for (const f of files) expectSameAsGrammar(readFileSync(f, 'latin1'));
  });

  it('on each statement form and on errors at each place', () => {
    const accepted = [
      'MessageIdTypedef=DWORD MessageIdTypedefMacro=M',
      'SeverityNames=(A=1:B C=0x2) FacilityNames=() LanguageNames=(E=0x409:MSG E2=1:12)',
      'OutputBase=10 MessageId= Language=English\nx\n.\n',
      'MessageId=+3 OutputBase=16 Severity=Error Facility=System SymbolicName=X Language=English\r\nx\r\n.\r\nLanguage=German\n.\nOutputBase=10',
      'MessageId=0x10 Language=English\n',
      'MessageId=1 Language=English\nno terminator',
      '',
    ];
    for (const text of accepted) expect(expectSameAsGrammar(text), text).toBe(true);
    const rejected = [
      'MessageIdTypedef=1', 'MessageIdTypedef DWORD', 'SeverityNames=(A=1:2)', 'SeverityNames=(A=1', 'LanguageNames=(E=0x409)',
      'LanguageNames=(E=0x409:(', 'OutputBase=X', 'MessageId=+', 'MessageId=1', 'MessageId=1 Severity=Error',
      'MessageId=1 Language=English\nx\n.\nSeverity=Error', 'MessageId=1 Language=English x', 'Severity=Error', '=',
    ];
    for (const text of rejected) expect(expectSameAsGrammar(text), text).toBe(false);
  });

  it(`on random statement soup (${RUNS} runs)`, () => {
    const piece = fc.constantFrom(
      'MessageId=', 'MessageId=+1', 'MessageId=0x10', 'Severity=Error', 'Facility=System', 'SymbolicName=X', 'OutputBase=10',
      'Language=English\n', 'Language=English\ntext\n.\n', 'text\n', '.\n', 'SeverityNames=(A=1:B)', 'FacilityNames=(F=0x10)',
      'LanguageNames=(E=0x409:M)', 'MessageIdTypedef=DWORD', 'MessageIdTypedefMacro=M', '=', '(', ')', ':', '+', '; comment\n', ' ', '\n', 'Name', '12',
    );
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        if (expectSameAsGrammar(pieces.join(' '))) accepted++;
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // Both outcomes are exercised, not just the errors.
    expect(accepted).toBeGreaterThan(RUNS / 50);
  });
});
