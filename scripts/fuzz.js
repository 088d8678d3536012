#!/usr/bin/env node
// npm run fuzz: the compiler's property tests at full size, seeded by FUZZ_SEED for reproduction:
// the 4 compile properties of fuzz.test.ts (100,000 generated inputs at the default FUZZ_RUNS of
// 25,000), and the scanner and streamed parse checked against their references on as many.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const vitest = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
const env = { ...process.env, FUZZ_RUNS: process.env.FUZZ_RUNS ?? '25000', FUZZ_SEED: process.env.FUZZ_SEED ?? String(Date.now() % 1e9) };
console.log(`fuzz: ${env.FUZZ_RUNS} runs per property, seed ${env.FUZZ_SEED} (rerun with FUZZ_SEED=${env.FUZZ_SEED})`);
const r = spawnSync(process.execPath, [vitest, 'run', 'test/mc/fuzz.test.ts', 'test/mc/lexer.test.ts', 'test/mc/parser.test.ts', 'test/manifest/fuzz.test.ts'], { env, stdio: 'inherit' });
process.exitCode = r.status ?? 1;
