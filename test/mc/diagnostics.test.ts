// The diagnostic catalogue: every code has a fixture in fixtures/diagnostics with the exact text
// winmc prints (`file(line[,col]) : error MCnnnn: text`), and a failing compile produces nothing.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCompileArgs } from '../../src/cli/compile.js';
import { compileMc, type Limits } from '../../src/mc/compile.js';
import { DIAGNOSTICS, formatDiagnostic } from '../../src/mc/diagnostics.js';
import { repoRoot } from '../support/paths.js';

const dir = join(repoRoot, 'fixtures/diagnostics');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.mc')).sort();

function compileFixture(file: string) {
  const sidecar = join(dir, file.replace(/\.mc$/, '.json'));
  const extra = existsSync(sidecar) ? (JSON.parse(readFileSync(sidecar, 'utf8')) as { args?: string[]; limits?: Partial<Limits> }) : {};
  const cmd = parseCompileArgs([...(extra.args ?? []), file]);
  expect(cmd.errors).toEqual([]);
  return compileMc(readFileSync(join(dir, file)), { ...cmd.options, limits: extra.limits });
}

describe('diagnostic fixtures', () => {
  for (const file of fixtures) {
    it(file, () => {
      const result = compileFixture(file);
      const expected = readFileSync(join(dir, file.replace(/\.mc$/, '.expected')), 'utf8').trimEnd().split('\n');
      expect(result.diagnostics.map((d) => formatDiagnostic(d, file))).toEqual(expected);
      const failed = result.diagnostics.some((d) => d.severity === 'error');
      expect(result.files.length === 0).toBe(failed);
    });
  }

  it('every file-level catalogue entry has a fixture', () => {
    const covered = new Set(fixtures.map((f) => /^(MC\d{4})/.exec(f)?.[1]));
    const fileLevel = Object.values(DIAGNOSTICS).filter((d) => d.code < 'MC1000');
    expect(fileLevel.filter((d) => !covered.has(d.code)).map((d) => d.code)).toEqual([]);
  });
});

describe('grammar', () => {
  it("passes chevrotain's validations (skipped at run time for start-up speed)", async () => {
    const { validateGrammar } = await import('../../src/mc/parser.js');
    expect(() => validateGrammar()).not.toThrow();
  });
});

describe('entry size in a double-byte code page', () => {
  it('-A with code page 932 measures entries in encoded bytes: a long Japanese text is MC0018, not a crash', () => {
    const text = '\u3042'.repeat(32766); // 2 bytes each in cp932: 65,533 bytes with the NUL
    const input = new TextEncoder().encode(`\ufeffMessageId=1 SymbolicName=MSG_JA\r\nLanguage=English\r\n${text}\r\n.\r\n`);
    const result = compileMc(input, { ansiBins: true, ansiCodepage: 932, noTrailingNewline: true });
    expect(result.files).toEqual([]);
    expect(result.diagnostics.map((d) => `${d.code} ${d.line}`)).toEqual(['MC0018 2']);
  });
});
