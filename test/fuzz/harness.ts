// The reader fuzz harness (issue 17): each property mutates real files (the corpus, the fixtures and
// files the writers make) the way a hostile user would — bit flips, boundary values in length and
// offset fields, truncation, splicing, self-references — and runs a reader on every mutant. It checks
// that the only exception is the format's own error class and that it says where (a file offset, a
// line), and measures the time per megabyte and the memory.
//
// `npm test` runs a slice (FUZZ_READER_RUNS, default 150 inputs a reader); `npm run fuzz` runs
// FUZZ_RUNS a reader and prints the counts, the slowest MB/s and the peak RSS (scripts/fuzz.js).

export interface FuzzStats {
  reader: string;
  inputs: number;
  /** Inputs the reader accepted, and those it refused with its own located error. */
  accepted: number;
  refused: number;
  /** Any other exception, an unlocated error, or a reader that did not return. */
  crashes: string[];
  /** The slowest input after 20 of warm-up, as seconds per megabyte (inputs under 4 KiB count as 4 KiB). */
  worstSecondsPerMb: number;
  worstInputBytes: number;
  totalSeconds: number;
  peakRssMb: number;
}

/** A small seeded generator (mulberry32): the same FUZZ_SEED gives the same inputs. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

const BOUNDARY_32 = [0, 1, 2, 3, 4, 7, 8, 0x10, 0x18, 0x1f, 0x20, 0x7f, 0x80, 0xff, 0x100, 0x1000, 0xfffe, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

/** One mutation of `input` (a new array; the input is not changed). */
export function mutate(input: Uint8Array, rng: Rng): Uint8Array {
  const n = input.length;
  if (n === 0) return Uint8Array.of(rng.int(256));
  const out = input.slice();
  const view = new DataView(out.buffer);
  const at = rng.int(n);
  switch (rng.int(10)) {
    case 0: // flip one bit
      out[at]! ^= 1 << rng.int(8);
      return out;
    case 1: // a random byte
      out[at] = rng.int(256);
      return out;
    case 2: // a boundary value in an aligned u16 field
    case 3: {
      const a = at & ~1;
      if (a + 2 <= n) view.setUint16(a, rng.pick(BOUNDARY_32) & 0xffff, true);
      return out;
    }
    case 4: // a boundary value, the file length or an offset into it, in an aligned u32 field
    case 5: {
      const a = at & ~3;
      const values = [...BOUNDARY_32, n, n - 1, n + 1, rng.int(n), a, a + 4];
      if (a + 4 <= n) view.setUint32(a, rng.pick(values) >>> 0, true);
      return out;
    }
    case 6: // truncate
      return input.slice(0, rng.int(n));
    case 7: {
      // splice: a copy of another range over this one (structures pointing at themselves, repeats)
      const from = rng.int(n);
      const len = Math.min(1 + rng.int(64), n - from, n - at);
      out.copyWithin(at, from, from + len);
      return out;
    }
    case 8: {
      // insert or delete a few bytes (everything after moves)
      const len = 1 + rng.int(16);
      if (rng.int(2) === 0) return new Uint8Array([...input.subarray(0, at), ...new Uint8Array(len).map(() => rng.int(256)), ...input.subarray(at)]);
      return new Uint8Array([...input.subarray(0, at), ...input.subarray(Math.min(n, at + len))]);
    }
    default: {
      // a run of zeros or 0xFF
      const len = Math.min(1 + rng.int(32), n - at);
      out.fill(rng.int(2) === 0 ? 0 : 0xff, at, at + len);
      return out;
    }
  }
}

/** One to four mutations on top of each other. */
export function mutant(input: Uint8Array, rng: Rng): Uint8Array {
  let out = input;
  for (let i = 1 + rng.int(4); i > 0; i--) out = mutate(out, rng);
  return out;
}

/**
 * What a reader did with one input: 'accepted', 'refused' (its own error, located), or a string
 * saying what went wrong (an unexpected exception or an unlocated error).
 */
export type Outcome = 'accepted' | 'refused' | string;

export interface ReaderProperty {
  reader: string;
  seeds: Uint8Array[];
  /** Runs the reader on one input and classifies the result. May be async (the log readers are). */
  run(input: Uint8Array): Outcome | Promise<Outcome>;
  /** A real input of about a megabyte for megabyteSeconds (else the largest seed, repeated). */
  megabyte?: () => Uint8Array | undefined;
}

export const envRuns = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
};
export const fuzzSeed = (): number => envRuns('FUZZ_SEED', 17);

/** Runs `runs` mutants of the property's seeds; the seeds themselves come first. */
export async function runProperty(p: ReaderProperty, runs: number, seed: number): Promise<FuzzStats> {
  const rng = new Rng(seed ^ hashName(p.reader));
  const stats: FuzzStats = { reader: p.reader, inputs: 0, accepted: 0, refused: 0, crashes: [], worstSecondsPerMb: 0, worstInputBytes: 0, totalSeconds: 0, peakRssMb: 0 };
  const started = performance.now();
  for (let i = 0; i < runs; i++) {
    const base = p.seeds[i % p.seeds.length]!;
    const input = i < p.seeds.length ? base : mutant(base, rng);
    const t0 = performance.now();
    let outcome: Outcome;
    try {
      outcome = await p.run(input);
    } catch (err) {
      outcome = `threw ${(err as Error)?.name}: ${(err as Error)?.message?.slice(0, 300)}\n${(err as Error)?.stack?.split('\n').slice(1, 4).join('\n')}`;
    }
    const seconds = (performance.now() - t0) / 1000;
    const perMb = seconds / (Math.max(input.length, 4096) / (1024 * 1024));
    if (i >= 20 && perMb > stats.worstSecondsPerMb) {
      stats.worstSecondsPerMb = perMb;
      stats.worstInputBytes = input.length;
    }
    stats.inputs++;
    if (outcome === 'accepted') stats.accepted++;
    else if (outcome === 'refused') stats.refused++;
    else if (stats.crashes.length < 20) stats.crashes.push(`input ${i} (${input.length} bytes, seed ${seed}): ${outcome}`);
    else stats.crashes.push('');
    if ((i & 63) === 0) stats.peakRssMb = Math.max(stats.peakRssMb, process.memoryUsage().rss / (1024 * 1024));
  }
  stats.totalSeconds = (performance.now() - started) / 1000;
  stats.peakRssMb = Math.max(stats.peakRssMb, process.memoryUsage().rss / (1024 * 1024));
  return stats;
}

function hashName(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function formatStats(s: FuzzStats): string {
  const crashes = s.crashes.length;
  return `${s.reader.padEnd(22)} ${String(s.inputs).padStart(7)} inputs  ${String(s.accepted).padStart(7)} accepted  ${String(s.refused).padStart(7)} refused  ${crashes} crashes  worst ${s.worstSecondsPerMb.toFixed(3)} s/MB (${s.worstInputBytes} B)  ${s.totalSeconds.toFixed(1)} s  peak RSS ${s.peakRssMb.toFixed(0)} MiB`;
}

/**
 * Seconds the reader takes on a megabyte: the largest seed repeated (and cut) to 1 MiB, then
 * mutated, `times` times; the slowest run. For `npm run fuzz`'s report (no test asserts a time).
 */
export async function megabyteSeconds(p: ReaderProperty, seed: number, times = 5): Promise<number> {
  const rng = new Rng(seed ^ 0x5eed);
  let mb = p.megabyte?.();
  if (mb === undefined) {
    const largest = p.seeds.reduce((a, b) => (b.length > a.length ? b : a));
    mb = new Uint8Array(1 << 20);
    for (let at = 0; at < mb.length; at += largest.length) mb.set(largest.subarray(0, Math.min(largest.length, mb.length - at)), at);
  }
  let worst = 0;
  for (let i = 0; i <= times; i++) {
    const input = i === 0 ? mb : mutant(mb, rng);
    const t0 = performance.now();
    try {
      await p.run(input);
    } catch {
      // classified by the property runs; here only the time counts
    }
    if (i > 0) worst = Math.max(worst, (performance.now() - t0) / 1000);
  }
  return worst;
}
