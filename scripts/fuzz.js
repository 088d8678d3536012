#!/usr/bin/env node
// @ts-check
// npm run fuzz: the compiler's property tests at full size, seeded by FUZZ_SEED for reproduction:
// the 4 compile properties of fuzz.test.ts (100,000 generated inputs at the default FUZZ_RUNS of
// 25,000), and the scanner and streamed parse checked against their references on as many; then
// every reader (test/fuzz/full.test.ts: .evtx, .evt, .etl, packet bytes/hex/XML, .bin, .res, PE, CRIM,
// manifest XML, regf) on READER_FUZZ_RUNS mutants of real files each (default 4 x FUZZ_RUNS),
// with the time of a megabyte and the peak memory reported. FUZZ_ONLY=readers skips the compiler.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const vitest = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
const env = { ...process.env, FUZZ_RUNS: process.env.FUZZ_RUNS ?? '25000', FUZZ_SEED: process.env.FUZZ_SEED ?? String(Date.now() % 1e9) };
console.log(`fuzz: ${env.FUZZ_RUNS} runs per property, seed ${env.FUZZ_SEED} (rerun with FUZZ_SEED=${env.FUZZ_SEED})`);
let status = 0;
if (process.env.FUZZ_ONLY !== 'readers') {
  const r = spawnSync(process.execPath, [vitest, 'run', 'test/mc/fuzz.test.ts', 'test/mc/lexer.test.ts', 'test/mc/parser.test.ts', 'test/manifest/fuzz.test.ts'], { env, stdio: 'inherit' });
  status = r.status ?? 1;
}
if (process.env.FUZZ_ONLY !== 'compiler') {
  const readerRuns = process.env.READER_FUZZ_RUNS ?? String(Number(env.FUZZ_RUNS) * 4);
  console.log(`fuzz: readers, ${readerRuns} inputs each, seed ${env.FUZZ_SEED}`);
  const started = Date.now();
  const reportFile = join(mkdtempSync(join(tmpdir(), 'winmc-fuzz-')), 'report.txt');
  writeFileSync(reportFile, '');
  const r = spawnSync(
    process.execPath,
    [vitest, 'run', '--reporter', 'dot', 'test/fuzz/full.test.ts'],
    { env: { ...env, FUZZ_RUNS: readerRuns, FUZZ_FULL: '1', FUZZ_REPORT_FILE: reportFile }, stdio: 'inherit' },
  );
  process.stdout.write(readFileSync(reportFile, 'utf8'));
  console.log(`fuzz: readers done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  status ||= r.status ?? 1;
}
process.exitCode = status;
