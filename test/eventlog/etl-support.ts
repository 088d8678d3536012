// The .etl corpus samples for the tests: paths, unzipped into a temp directory at test time
// (the zips are never copied into the repo), and small helpers to read and count events.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusPath } from '../support/paths.js';
import { memoryByteSource } from '../../src/eventlog/events.js';
import { readEtlEvents, type EtlEvent, type EtlFileInfo, type EtlReadOptions } from '../../src/eventlog/etl/index.js';

export const etlDir = corpusPath('etl');
export const hasEtlCorpus = existsSync(join(etlDir, 'airbus-cert__etl-parser__ShutdownPerfDiagLogger'));
export const etlSkipNote = `ETL corpus not found at ${etlDir} (set WINMC_CORPUS): skipped`;

export function sampleDir(name: string): string {
  return join(etlDir, name);
}

let tmp: string | null = null;
/** The file `inner` of a sample's zip, unzipped into a temp directory (once per test file). */
export function unzipped(sample: string, zip: string, inner: string): string | null {
  const zipPath = join(sampleDir(sample), zip);
  if (!existsSync(zipPath)) return null;
  tmp ??= mkdtempSync(join(tmpdir(), 'winmc-etl-'));
  const out = join(tmp, inner);
  if (!existsSync(out)) {
    try {
      execFileSync('unzip', ['-o', '-q', zipPath, inner, '-d', tmp]);
    } catch {
      return null;
    }
  }
  return out;
}

export function cleanupUnzipped(): void {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = null;
}

export async function readAll(bytes: Uint8Array, options: EtlReadOptions = {}): Promise<{ events: EtlEvent[]; warnings: string[]; info: EtlFileInfo }> {
  const events: EtlEvent[] = [];
  const warnings: string[] = [];
  const info: EtlFileInfo = { header: null, buffers: 0, compressedBuffers: 0 };
  for await (const e of readEtlEvents(memoryByteSource(bytes), { ...options, warn: (w) => warnings.push(w.message) }, info)) events.push(e);
  return { events, warnings, info };
}

export function readFile(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}

export const SHUTDOWN_ETL = join('airbus-cert__etl-parser__ShutdownPerfDiagLogger', 'ShutdownPerfDiagLogger.etl');
export const LXCORE_ETL = join('airbus-cert__etl-parser__lxcore_kernel', 'lxcore_kernel.etl');

/** The first `n` buffers of a file, walked by their own BufferSize (compressed ones vary). */
export function firstBuffers(bytes: Uint8Array, n: number): Uint8Array {
  let at = 0;
  for (let i = 0; i < n && at + 4 <= bytes.length; i++) at += new DataView(bytes.buffer, bytes.byteOffset + at).getUint32(0, true);
  return bytes.slice(0, Math.min(at, bytes.length));
}

/**
 * The samples small enough to mutate, those of them that are there: lxcore_kernel (TraceLogging),
 * four buffers of ShutdownPerfDiagLogger (the kernel logger), primitive-types (TraceLogging
 * in-types) and seven buffers of net.4.5.2.x64 (LZ77-compressed, CLR manifest events).
 */
export function mutableSamples(): { name: string; bytes: Uint8Array }[] {
  const out: { name: string; bytes: Uint8Array }[] = [];
  const lx = join(etlDir, LXCORE_ETL);
  if (existsSync(lx)) out.push({ name: 'lxcore_kernel', bytes: readFile(lx) });
  const shutdown = join(etlDir, SHUTDOWN_ETL);
  if (existsSync(shutdown)) out.push({ name: 'ShutdownPerfDiagLogger (4 buffers)', bytes: readFile(shutdown).slice(0, 4 * 65536) });
  const prim = unzipped('microsoft__perfview__primitive-types', 'primitive-types.etl.zip', 'primitive-types.etl');
  if (prim) out.push({ name: 'primitive-types', bytes: readFile(prim) });
  const net = unzipped('microsoft__perfview__net.4.5.2.x64', 'net.4.5.2.x64.etl.zip', 'net.4.5.2.x64.etl');
  if (net) out.push({ name: 'net.4.5.2.x64 (7 buffers, 6 compressed)', bytes: firstBuffers(readFile(net), 7) });
  return out;
}

export function countBy<T>(items: Iterable<T>, key: (t: T) => string | null): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of items) {
    const k = key(t);
    if (k !== null) m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

/** Rows of a tab-separated oracle with a header line. */
export function readTsv(path: string): Record<string, string>[] {
  const [head, ...rows] = readFileSync(path, 'utf8').trim().split('\n');
  const names = head!.split('\t');
  return rows.map((line) => Object.fromEntries(line.split('\t').map((v, i) => [names[i]!, v])));
}

/**
 * A field value as TraceEvent's GeneralParsing baseline writes it: numbers with thousands
 * separators, True/False, times as yy/MM/dd HH:mm:ss.fffffff, and anything over 20 characters
 * cut to 20 and `...`.
 */
export function baselineValue(v: unknown): string {
  let s: string;
  if (typeof v === 'number') s = Number.isInteger(v) ? v.toLocaleString('en-US') : String(v);
  else if (typeof v === 'boolean') s = v ? 'True' : 'False';
  else if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?$/.test(v)) {
    const [date, time] = v.replace('Z', '').split('T') as [string, string];
    const [hms, frac = ''] = time.split('.');
    s = `${date.slice(2).replace(/-/g, '/')} ${hms}.${frac.padEnd(7, '0')}`;
  } else s = String(v);
  return s.length > 20 ? s.slice(0, 20) + '...' : s;
}

/** The EVENT lines of a TraceEvent baseline: name and the `field=value` pairs after the header ones. */
export function baselineEvents(text: string): { name: string; fields: Record<string, string> }[] {
  const out: { name: string; fields: Record<string, string> }[] = [];
  for (const line of text.split('\n')) {
    const m = /^EVENT [\d,.]+: (\S+(?: \S+)*?) PID=/.exec(line);
    if (!m) continue;
    const pairs = line.slice(line.indexOf(' PID=') + 1).split('; ').filter((p) => p.includes('='));
    const fields: Record<string, string> = {};
    for (const p of pairs) {
      const at = p.indexOf('=');
      fields[p.slice(0, at)] = p.slice(at + 1).replace(/; $/, '');
    }
    for (const k of ['PID', 'TID', 'PName', 'ProceNum', 'DataLen']) delete fields[k];
    out.push({ name: m[1]!, fields });
  }
  return out;
}
