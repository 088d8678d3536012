// The streaming parse (a segment at a time, statements handed on as they are parsed) against the
// parse of the whole token list at once: the same statements and the same diagnostics, also
// when a syntax error makes the stream fall back to the whole remaining input.
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Scanner, tokenize } from '../../src/mc/lexer.js';
import { parseStream, parseTokens } from '../../src/mc/parser.js';
import type { Statement } from '../../src/mc/statements.js';
import { repoRoot } from '../support/paths.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);

function both(text: string) {
  const streamed: Statement[] = [];
  const streamDiagnostics = parseStream(new Scanner(text), (s) => streamed.push(s));
  const whole: Statement[] = [];
  const wholeDiagnostics = parseTokens(tokenize(text).tokens, (s) => whole.push(s));
  return { streamed, streamDiagnostics, whole, wholeDiagnostics };
}

function expectSameParse(text: string): void {
  const r = both(text);
  expect(r.streamed).toEqual(r.whole);
  expect(r.streamDiagnostics).toEqual(r.wholeDiagnostics);
}

describe('streaming parse = whole-file parse', () => {
  it('on the diagnostics fixtures (every syntax error of the catalogue)', () => {
    const dir = join(repoRoot, 'fixtures/diagnostics');
    const files = readdirSync(dir).filter((f) => f.endsWith('.mc'));
    let withErrors = 0;
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'latin1');
      expectSameParse(text);
      if (both(text).streamDiagnostics.length > 0) withErrors++;
    }
    expect(withErrors).toBeGreaterThan(5);
  });

  it('when the error is the next segment\'s keyword (a message without a Language block)', () => {
    const text = 'MessageId=1\nSeverity=Error\nMessageId=2\nLanguage=English\nx\n.\n';
    const r = both(text);
    expect(r.streamDiagnostics.map((d) => d.message)).toEqual(["the message has no Language= block: expected Language=, found 'MessageId'"]);
    expectSameParse(text);
  });

  it(`on random statement soup (${RUNS} runs)`, () => {
    const piece = fc.constantFrom(
      'MessageId=', 'MessageId=+1', 'MessageId=0x10', 'Severity=Error', 'Facility=System', 'SymbolicName=X', 'OutputBase=10',
      'Language=English\n', 'text\n', '.\n', 'SeverityNames=(A=1:B)', 'FacilityNames=(F=0x10)', 'LanguageNames=(E=0x409:M)',
      'MessageIdTypedef=DWORD', '=', '(', ')', ':', '+', '; comment\n', ' ', '\n', 'Name', '12',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => expectSameParse(pieces.join(' '))),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
