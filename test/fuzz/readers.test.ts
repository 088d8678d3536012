// A slice of every reader's fuzz property (issue 17): mutants of real files, and the only exception
// is the reader's own located error. `npm run fuzz` runs the same properties at full size and
// reports the time per megabyte and the memory; no timing is asserted here.

import { describe, expect, it } from 'vitest';
import { envRuns, formatStats, fuzzSeed, runProperty } from './harness.js';
import { readerProperties } from './properties.js';

const runs = envRuns('FUZZ_READER_RUNS', 150);
const seed = fuzzSeed();
const properties = readerProperties();

describe(`reader fuzz (${runs} inputs a reader, FUZZ_SEED=${seed})`, () => {
  it('has a property for every reader whose seeds are there', () => {
    expect(properties.map((p) => p.reader)).toEqual(expect.arrayContaining(['packet bytes', 'packet hex', 'packet XML', '.bin', '.res', 'PE', 'regf']));
  });

  for (const p of properties) {
    it(`${p.reader}: ${p.seeds.length} seed files, no crash, every error located`, { timeout: 120_000 }, async () => {
      const stats = await runProperty(p, runs, seed);
      if (process.env.FUZZ_REPORT) console.log(formatStats(stats));
      expect(stats.crashes).toEqual([]);
      expect(stats.inputs).toBe(runs);
    });
  }
});
