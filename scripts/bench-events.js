// @ts-check
// Event-log reader benchmark: builds an EVTX log of about 100 MB by repeating the chunks of a
// corpus sample, reads it record by record through the streaming reader, and reports the
// throughput and the peak memory growth (which must stay flat: one chunk at a time).
//
//   node scripts/bench-events.js [MB]          (after npm run build)
//   import { benchEvents } from './bench-events.js'   (from scripts/bench.js)

import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { largeEvtxPieces } from '../dist/eventlog/evtx.js';
import { readEventLogFile } from '../dist/eventlog/events.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Builds the log, reads it, removes it; `sample` is the .evtx whose chunks are repeated.
 * @param {{ megabytes?: number; sample?: string }} [options]
 */
export async function benchEvents({ megabytes = 100, sample } = {}) {
  const samplePath = sample ?? resolve(process.env.WINMC_CORPUS ?? resolve(root, '../shared/corpus'), 'evtx/system.evtx');
  const path = join(tmpdir(), `winmc-bench-${process.pid}.evtx`);
  const fd = openSync(path, 'w');
  let bytes = 0;
  try {
    for (const piece of largeEvtxPieces(readFileSync(samplePath), megabytes * 1024 * 1024)) {
      writeSync(fd, piece);
      bytes += piece.length;
    }
  } finally {
    closeSync(fd);
  }
  try {
    const memory = () => {
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    globalThis.gc?.();
    const baseline = memory();
    let peak = baseline;
    let records = 0;
    let warnings = 0;
    const start = process.hrtime.bigint();
    for await (const _event of readEventLogFile(path, () => warnings++)) {
      if (++records % 2000 === 0) peak = Math.max(peak, memory());
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return {
      name: 'events: read EVTX',
      fileMB: bytes / 1024 / 1024,
      records,
      warnings,
      seconds,
      mbPerSecond: bytes / 1024 / 1024 / seconds,
      recordsPerSecond: records / seconds,
      peakGrowthMB: (peak - baseline) / 1024 / 1024,
    };
  } finally {
    rmSync(path, { force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await benchEvents({ megabytes: Number(process.argv[2] ?? 100) });
  console.log(
    `${r.name}: ${r.fileMB.toFixed(1)} MB, ${r.records} records in ${r.seconds.toFixed(2)} s = ` +
      `${r.mbPerSecond.toFixed(1)} MB/s (${Math.round(r.recordsPerSecond)} records/s); ` +
      `memory growth at most ${r.peakGrowthMB.toFixed(1)} MB; ${r.warnings} warnings`,
  );
}
