// `npm run fuzz`'s reader part (scripts/fuzz.js runs it with vitest): every reader property at
// FUZZ_RUNS inputs, then a megabyte input per reader, and a report line each. Skipped unless
// FUZZ_FULL=1 (scripts/fuzz.js sets it); in `npm test` test/fuzz/readers.test.ts runs the slice.

import { appendFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { envRuns, formatStats, fuzzSeed, megabyteSeconds, runProperty } from './harness.js';
import { readerProperties } from './properties.js';

const runs = envRuns('FUZZ_RUNS', 25_000);
const seed = fuzzSeed();
const lines: string[] = [];

describe.skipIf(process.env.FUZZ_FULL !== '1')(`reader fuzz at full size (${runs} inputs a reader, FUZZ_SEED=${seed})`, () => {
  for (const p of readerProperties()) {
    it(p.reader, { timeout: 24 * 3600_000 }, async () => {
      const stats = await runProperty(p, runs, seed);
      const mb = await megabyteSeconds(p, seed);
      const line = `${formatStats(stats)}  1 MiB: ${mb.toFixed(3)} s`;
      lines.push(line);
      const report = [`fuzz: ${line}`, ...stats.crashes.filter(Boolean).slice(0, 5).map((c) => `fuzz:   ${c}`)].join('\n') + '\n';
      if (process.env.FUZZ_REPORT_FILE) appendFileSync(process.env.FUZZ_REPORT_FILE, report);
      else console.log(report);
      expect(stats.crashes.length).toBe(0);
    });
  }
});
