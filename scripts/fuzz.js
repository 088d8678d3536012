#!/usr/bin/env node
// npm run fuzz: the compiler's property tests at full size. 4 properties × FUZZ_RUNS inputs
// (default 25,000 each: 100,000 generated inputs), seeded by FUZZ_SEED for reproduction.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const vitest = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
const env = { ...process.env, FUZZ_RUNS: process.env.FUZZ_RUNS ?? '25000', FUZZ_SEED: process.env.FUZZ_SEED ?? String(Date.now() % 1e9) };
console.log(`fuzz: ${env.FUZZ_RUNS} runs per property, seed ${env.FUZZ_SEED} (rerun with FUZZ_SEED=${env.FUZZ_SEED})`);
const r = spawnSync(process.execPath, [vitest, 'run', 'test/mc/fuzz.test.ts'], { env, stdio: 'inherit' });
process.exitCode = r.status ?? 1;
