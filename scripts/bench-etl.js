#!/usr/bin/env node
// @ts-check
// .etl reading speed and memory: a large trace made by repeating the buffers of two corpus samples
// (ShutdownPerfDiagLogger's 64 KiB uncompressed buffers, net.4.5.2.x64's LZ77-compressed ones)
// after their first (header) buffer, written to a temp file and read back through the streaming
// reader (readEtlEvents over fileByteSource). Prints MB/s, records/s and the heap and RSS
// sampled while reading, whose growth from the first to the last quarter shows memory is flat.
//
//   node scripts/bench-etl.js [--mb N] [--dist DIR]     (default 256 MB, ./dist; npm run build first)

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, writeSync, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const corpus = process.env.WINMC_CORPUS ?? resolve(root, '../shared/corpus');
const args = process.argv.slice(2);
/** @type {(name: string, dflt: string) => string} */
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const targetMb = Number(opt('--mb', '256'));
const dist = resolve(opt('--dist', join(root, 'dist')));

const etlModule = join(dist, 'eventlog', 'etl', 'index.js');
const eventsModule = join(dist, 'eventlog', 'events.js');
if (!existsSync(etlModule)) {
  console.log(`etl bench: skipped: ${etlModule} is not built (npm run build)`);
  process.exit(0);
}
const { readEtlEvents } = await import(pathToFileURL(etlModule).href);
const { fileByteSource } = await import(pathToFileURL(eventsModule).href);

const tmp = mkdtempSync(join(tmpdir(), 'winmc-etl-bench-'));
/** @param {'shutdown' | 'net'} name */
function sampleBytes(name) {
  if (name === 'shutdown') return readFileSync(join(corpus, 'etl', 'airbus-cert__etl-parser__ShutdownPerfDiagLogger', 'ShutdownPerfDiagLogger.etl'));
  const zip = join(corpus, 'etl', 'microsoft__perfview__net.4.5.2.x64', 'net.4.5.2.x64.etl.zip');
  execFileSync('unzip', ['-o', '-q', zip, 'net.4.5.2.x64.etl', '-d', tmp]);
  return readFileSync(join(tmp, 'net.4.5.2.x64.etl'));
}

/**
 * [header buffer, the other buffers] walked by each buffer's own BufferSize.
 * @param {Uint8Array} bytes
 */
function split(bytes) {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const first = v.getUint32(0, true);
  return [bytes.subarray(0, first), bytes.subarray(first)];
}

/** @param {'shutdown' | 'net'} name */
async function bench(name) {
  const [head, body] = split(sampleBytes(name));
  const path = join(tmp, `${name}-large.etl`);
  const fd = openSync(path, 'w');
  writeSync(fd, head);
  let size = head.length;
  while (size < targetMb * 1e6) {
    writeSync(fd, body);
    size += body.length;
  }
  closeSync(fd);
  global.gc?.();
  const handle = await open(path, 'r');
  /** @type {{ at: number; heap: number; rss: number }[]} */
  const samples = [];
  let records = 0;
  const t0 = process.hrtime.bigint();
  try {
    for await (const e of readEtlEvents(await fileByteSource(handle), { warn: () => {} })) {
      records++;
      if ((records & 0x3fff) === 0) samples.push({ at: e.offset, heap: process.memoryUsage().heapUsed, rss: process.memoryUsage.rss() });
    }
  } finally {
    await handle.close();
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  rmSync(path);
  const q = Math.max(1, Math.floor(samples.length / 4));
  /** @type {(list: typeof samples, k: 'heap' | 'rss') => number} */
  const avg = (list, k) => list.reduce((s, x) => s + x[k], 0) / list.length / 1e6;
  const firstQ = samples.slice(0, q);
  const lastQ = samples.slice(-q);
  const mbs = size / 1e6 / (ms / 1000);
  console.log(
    `etl reading, ${name === 'shutdown' ? 'uncompressed 64 KiB buffers (ShutdownPerfDiagLogger)' : 'LZ77-compressed buffers (net.4.5.2.x64)'}: ` +
      `${(size / 1e6).toFixed(0)} MB, ${records} records in ${(ms / 1000).toFixed(1)} s: ${mbs.toFixed(1)} MB/s, ${Math.round(records / (ms / 1000))} records/s; ` +
      `heap ${avg(firstQ, 'heap').toFixed(0)} MB in the first quarter, ${avg(lastQ, 'heap').toFixed(0)} MB in the last; RSS ${avg(firstQ, 'rss').toFixed(0)} → ${avg(lastQ, 'rss').toFixed(0)} MB, max ${(Math.max(...samples.map((s) => s.rss)) / 1e6).toFixed(0)} MB`,
  );
  return { name, mb: size / 1e6, ms, mbPerSecond: mbs, records, heapFirstQuarterMb: avg(firstQ, 'heap'), heapLastQuarterMb: avg(lastQ, 'heap'), rssMaxMb: Math.max(...samples.map((s) => s.rss)) / 1e6 };
}

try {
  const results = [await bench('shutdown'), await bench('net')];
  if (args.includes('--json')) console.log(JSON.stringify(results));
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
