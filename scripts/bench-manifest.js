#!/usr/bin/env node
// @ts-check
// The manifest part of `npm run bench` (issue 13): compileManifest in process, every output
// (-um header, .rc, TEMP.BIN, message tables), on the CLR's real manifest and on seeded synthetic
// manifests of 1k, 10k and 50k events (scripts/synthetic-man.js). No peer compiles manifests on
// this machine (windmc and wmc have no manifest mode), so it prints MB/s, the growth exponent
// (target <= 1.05) and the whole-process CLI time as a ratio to `node -e 0`, measured alike.
//
//   node scripts/bench-manifest.js [--reps N] [--sizes 1000,10000,50000]   (after npm run build)
//   import { benchManifests } from './bench-manifest.js'                    (from scripts/bench.js)

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { syntheticManifest } from './synthetic-man.js';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

const median = (/** @type {number[]} */ xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Least-squares slope of log(ms) against log(size): ms ~ size^k.
 * @param {{ size: number; ms: number }[]} points
 */
function fit(points) {
  const xs = points.map((p) => Math.log(p.size));
  const ys = points.map((p) => Math.log(p.ms));
  const n = xs.length;
  if (n < 2) return NaN;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) (num += (xs[i] - mx) * (ys[i] - my)), (den += (xs[i] - mx) ** 2);
  return num / den;
}

/**
 * Wall time of one run of `cmd`, in milliseconds.
 * @param {string} cmd
 * @param {string[]} args
 */
function wall(cmd, args) {
  const s = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return Number(process.hrtime.bigint() - s) / 1e6;
}

/**
 * Compiles each input `reps` times; `corpus` is where ClrEtwAll.man is looked for.
 * @param {{ reps?: number; sizes?: number[]; corpus?: string }} [options]
 */
export async function benchManifests({ reps = 5, sizes = [1000, 10000, 50000], corpus } = {}) {
  /** @type {typeof import('../dist/index.js')} */
  const api = await import(pathToFileURL(join(root, 'dist', 'index.js')).href);
  if (typeof api.compileManifest !== 'function') return { skipped: 'dist/index.js has no compileManifest (npm run build)' };
  const work = join(root, 'bench', 'work');
  mkdirSync(work, { recursive: true });
  /** @type {{ name: string; path: string; events?: number }[]} */
  const inputs = [];
  const clr = corpus && join(corpus, 'etl', 'ClrEtwAll.man');
  if (clr && existsSync(clr)) inputs.push({ name: 'ClrEtwAll.man', path: clr });
  else console.log('bench: ClrEtwAll.man left out: no corpus (set WINMC_CORPUS)');
  for (const n of sizes) {
    const path = join(work, `synthetic-${n}.man`);
    writeFileSync(path, syntheticManifest(n, 1));
    inputs.push({ name: `synthetic-${n}.man`, path, events: n });
  }

  console.log('\nmanifests (compileManifest -um, every output, in process; winmc CLI and `node -e 0` as whole processes):');
  const results = [];
  for (const input of inputs) {
    const bytes = readFileSync(input.path);
    const opts = { inputName: input.name, userMode: true };
    const first = api.compileManifest(bytes, opts);
    const errors = first.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) {
      console.log(`  ${input.name}: ${errors.length} error(s), first: ${api.formatDiagnostic(errors[0], input.name)}; skipped`);
      continue;
    }
    /** @type {number[]} */
    const runs = [];
    // CPU time too: on a shared machine the wall time is mostly the other processes' load.
    /** @type {number[]} */
    const cpuRuns = [];
    for (let i = 0; i < reps; i++) {
      const s = process.hrtime.bigint();
      const c = process.cpuUsage();
      api.compileManifest(bytes, opts);
      const u = process.cpuUsage(c);
      runs.push(Number(process.hrtime.bigint() - s) / 1e6);
      cpuRuns.push((u.user + u.system) / 1e3);
    }
    const ms = median(runs);
    const cpuMs = median(cpuRuns);
    const outDir = join(work, 'man-out');
    mkdirSync(outDir, { recursive: true });
    /** @type {number[]} */
    const cliRuns = [];
    /** @type {number[]} */
    const floorRuns = [];
    for (let i = 0; i < Math.min(reps, 3); i++) {
      floorRuns.push(wall(process.execPath, ['-e', '0']));
      cliRuns.push(wall(process.execPath, [join(root, 'bin', 'winmc.js'), 'compile', '-um', '-h', outDir, '-r', outDir, input.path]));
    }
    const r = {
      name: input.name,
      bytes: bytes.length,
      events: input.events,
      runs,
      medianMs: ms,
      mbPerSecond: bytes.length / 1e6 / (ms / 1000),
      cpuRuns,
      cpuMedianMs: cpuMs,
      cpuMbPerSecond: bytes.length / 1e6 / (cpuMs / 1000),
      cliMedianMs: median(cliRuns),
      nodeFloorMs: median(floorRuns),
    };
    results.push(r);
    console.log(
      `  ${input.name.padEnd(24)} ${(bytes.length / 1e6).toFixed(2).padStart(6)} MB  in process ${ms.toFixed(0).padStart(6)} ms  ${r.mbPerSecond.toFixed(1).padStart(5)} MB/s  ` +
        `(CPU ${cpuMs.toFixed(0)} ms, ${r.cpuMbPerSecond.toFixed(1)} MB/s)  ` +
        `CLI ${r.cliMedianMs.toFixed(0)} ms = ${(r.cliMedianMs / r.nodeFloorMs).toFixed(1)}x node -e 0`,
    );
  }
  // Only the synthetic inputs have an event count.
  const synthetic = results.filter((r) => r.events).map((r) => ({ size: /** @type {number} */ (r.events), ms: r.medianMs }));
  const exponent = fit(synthetic);
  const cpuExponent = fit(results.filter((r) => r.events).map((r) => ({ size: /** @type {number} */ (r.events), ms: r.cpuMedianMs })));
  const pass = exponent <= 1.05;
  console.log(`  growth exponent over ${synthetic.map((p) => p.size).join(', ')} events: ${Number.isNaN(exponent) ? '-' : exponent.toFixed(3)} (${pass ? 'MET' : 'MISSED'} target <= 1.05); on CPU time ${Number.isNaN(cpuExponent) ? '-' : cpuExponent.toFixed(3)}`);
  return { inputs: results, growthExponent: exponent, cpuGrowthExponent: cpuExponent, target: { name: 'manifest growth exponent <= 1.05', pass } };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const argv = process.argv.slice(2);
  const get = (/** @type {string} */ name) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const corpus = process.env.WINMC_CORPUS ?? resolve(root, '../shared/corpus');
  benchManifests({ reps: Number(get('--reps') ?? 5), sizes: get('--sizes')?.split(',').map(Number), corpus }).catch((err) => {
    console.error(`bench: ${err?.stack ?? err}`);
    process.exitCode = 1;
  });
}
