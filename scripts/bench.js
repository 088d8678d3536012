#!/usr/bin/env node
// @ts-check
// `npm run bench`: times winmc against binutils' windmc and Wine's wmc (issue 9).
//
// Inputs: the large real .mc files of <corpus>/large (read in place) and seeded synthetic files
// of 1k, 10k, 40k and 100k messages (scripts/synthetic-mc.js, written to bench/work/).
// Tools, run alternately (one repetition of each in turn, the order rotating every round):
//   node -e 0        the floor: starting node and doing nothing
//   winmc            `node bin/winmc.js compile -h DIR -r DIR FILE`, the whole process
//   compileMc        the in-process API from dist/index.js on bytes already in memory
//   windmc, wmc      the peers, when installed
// Prints medians, ratios, MB/s and the fitted growth exponent over the synthetic sizes, checks
// the issue's targets, and writes everything (raw times included) to bench/results.json.
//
//   node scripts/bench.js [--reps N] [--budget SECONDS] [--sizes 1000,10000,40000,100000]
//                         [--peer-max-messages N] [--min-real-kb N] [--no-real] [--no-evtx] [--no-etl] [--no-manifests] [--no-build]
//                         [--build-only] [--build-reps N]
// --build-only runs the build part alone (issue 16) and writes bench/results-build.json.
// --build-reps sets that part's rounds apart (default 15): windmc's own time varies by a quarter
// from round to round on a shared machine, and 5 rounds left the ratio to chance.
// Manifests: scripts/bench-manifest.js (the CLR's manifest and synthetic ones of 1k/10k/50k events).
// Builds: scripts/bench-build.js (the large real files in one winmc process against windmc and wmc once per file).
//
// --budget caps the time one tool spends on one input: once its runs add up to more, it gets no
// further repetitions there (windmc needs over a minute per run on the 40k file).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { syntheticMc } from './synthetic-mc.js';
import { benchManifests } from './bench-manifest.js';
import { benchBuild } from './bench-build.js';

/** @typedef {import('./bench-build.js').BuildInput & ({ kind: 'real'; messages?: undefined } | { kind: 'synthetic'; messages: number })} BenchInput */
/** @typedef {import('./bench-build.js').BuildTool & { peer?: boolean }} ProcessTool */
/** @typedef {import('./bench-build.js').RunResult} RunResult */
/**
 * One input's figures, as bench/results.json keeps them.
 * @typedef {BenchInput & {
 *   firstCompileMcMs: number;
 *   medians: Record<string, number>;
 *   runs: Record<string, number[]>;
 *   failures: Record<string, string | undefined>;
 *   skipped: Record<string, string>;
 *   mbPerSecond: Record<string, number>;
 *   ratios: Record<string, number>;
 * }} BenchRow
 */
/** @typedef {{ name: string; value?: number; limit?: number; pass: boolean; shown: string }} Target */

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const corpus = process.env.WINMC_CORPUS ?? resolve(root, '../shared/corpus');
const work = join(root, 'bench', 'work');
const resultsPath = join(root, 'bench', 'results.json');

const args = parseArgs(process.argv.slice(2));
const REPS = args.reps;
const BUDGET_MS = args.budget * 1000;
const SEED = 1;

const PEERS = {
  windmc: 'x86_64-w64-mingw32-windmc',
  wmc: '/usr/lib/wine/wmc',
};

/** @param {string[]} argv */
function parseArgs(argv) {
  const out = { reps: 5, budget: 60, sizes: [1000, 10000, 40000, 100000], peerMaxMessages: 40000, minRealKb: 0, real: true, evtx: true, etl: true, manifests: true, build: true, buildOnly: false, buildReps: 15 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--reps') out.reps = positive(value(), a);
    else if (a === '--budget') out.budget = positive(value(), a);
    else if (a === '--sizes') out.sizes = value().split(',').map((s) => positive(s, a));
    else if (a === '--peer-max-messages') out.peerMaxMessages = positive(value(), a);
    else if (a === '--min-real-kb') out.minRealKb = positive(value(), a);
    else if (a === '--no-real') out.real = false;
    else if (a === '--no-evtx') out.evtx = false;
    else if (a === '--no-etl') out.etl = false;
    else if (a === '--no-manifests') out.manifests = false;
    else if (a === '--no-build') out.build = false;
    else if (a === '--build-reps') out.buildReps = positive(value(), a);
    else if (a === '--build-only') Object.assign(out, { buildOnly: true, build: true, evtx: false, etl: false, manifests: false, sizes: [] });
    else throw new Error(`unknown option ${a}`);
  }
  return out;
}

/**
 * @param {string} s
 * @param {string} name
 */
function positive(s, name) {
  const n = Number(s);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} takes a positive number, not '${s}'`);
  return n;
}

/**
 * The path of `command` (a path, or a name looked up in PATH), if it exists.
 * @param {string} command
 * @returns {string | undefined}
 */
function which(command) {
  if (command.includes('/')) return existsSync(command) ? command : undefined;
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const p = join(dir, command);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

const median = (/** @type {number[]} */ xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Least-squares slope of log(y) against log(x): y ~ x^k.
 * @param {{ x: number; y: number }[]} points
 */
function growthExponent(points) {
  const pts = points.filter((p) => p.x > 0 && p.y > 0);
  if (pts.length < 2) return NaN;
  const lx = pts.map((p) => Math.log(p.x));
  const ly = pts.map((p) => Math.log(p.y));
  const mx = lx.reduce((a, b) => a + b) / pts.length;
  const my = ly.reduce((a, b) => a + b) / pts.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < pts.length; i++) {
    num += (lx[i] - mx) * (ly[i] - my);
    den += (lx[i] - mx) ** 2;
  }
  return num / den;
}

const fmt = (/** @type {number} */ ms) => (Number.isNaN(ms) ? '-' : ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(ms < 100 ? 1 : 0)} ms`);
const ratio = (/** @type {number} */ a, /** @type {number} */ b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : NaN);
const fmtRatio = (/** @type {number} */ r) => (Number.isNaN(r) ? '-' : `${r.toFixed(r < 10 ? 2 : 1)}x`);

// ---------------------------------------------------------------------------------------------
// Inputs

/** @returns {BenchInput[]} */
function realInputs() {
  const dir = join(corpus, 'large');
  if (!args.real) return [];
  if (!existsSync(dir)) {
    console.log(`bench: no real inputs, ${dir} is absent (set WINMC_CORPUS)`);
    return [];
  }
  /** @type {BenchInput[]} */
  const inputs = [];
  for (const name of readdirSync(dir).sort()) {
    for (const file of readdirSync(join(dir, name)).filter((f) => f.endsWith('.mc'))) {
      const path = join(dir, name, file);
      const size = statSync(path).size;
      if (file === 'winerror.mc') {
        console.log(`bench: ${name}/${file} left out: it uses Facility=Null, which only Wine's wmc predefines; mc.exe (and winmc) reject it`);
        continue;
      }
      if (size < args.minRealKb * 1024) continue;
      const codepage = file === 'ru-RU.mc' ? 1251 : 1252;
      inputs.push({ kind: 'real', name: file, path, bytes: size, codepage });
    }
  }
  return inputs;
}

/** @returns {BenchInput[]} */
function syntheticInputs() {
  mkdirSync(work, { recursive: true });
  return args.sizes.map((messages) => {
    const path = join(work, `synthetic-${messages}.mc`);
    const text = syntheticMc(messages, SEED);
    if (!existsSync(path) || readFileSync(path, 'latin1') !== text) writeFileSync(path, text, 'latin1');
    return { kind: 'synthetic', name: `synthetic-${messages}.mc`, path, bytes: statSync(path).size, messages, codepage: 1252 };
  });
}

// ---------------------------------------------------------------------------------------------
// Tools

/** @param {string} tool */
function outDir(tool) {
  const dir = join(work, 'out', tool);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

function processTools() {
  /** @type {ProcessTool[]} */
  const tools = [
    { name: 'node -e 0', command: process.execPath, args: () => ['-e', '0'] },
    {
      name: 'winmc',
      command: process.execPath,
      args: (input, dir) => [join(root, 'bin', 'winmc.js'), 'compile', '-h', dir, '-r', dir, ...(input.codepage !== 1252 ? ['--ansi-codepage', String(input.codepage)] : []), input.path],
    },
  ];
  const windmc = which(PEERS.windmc);
  if (windmc) {
    tools.push({ name: 'windmc', peer: true, command: windmc, args: (input, dir) => [...(input.codepage !== 1252 ? ['-C', String(input.codepage)] : []), '-h', dir, '-r', dir, input.path] });
  } else console.log(`bench: windmc skipped: ${PEERS.windmc} is not installed (Debian package binutils-mingw-w64-x86-64)`);
  const wmc = which(PEERS.wmc);
  if (wmc) {
    // wmc writes its .bin files into the working directory.
    tools.push({ name: 'wmc', peer: true, cwd: true, command: wmc, args: (input, dir) => ['-H', join(dir, 'out.h'), '-o', join(dir, 'out.rc'), input.path] });
  } else console.log(`bench: wmc skipped: ${PEERS.wmc} is not installed (Debian package wine64-tools or wine-tools)`);
  return tools;
}

/**
 * @param {ProcessTool} tool
 * @param {BenchInput} input
 * @returns {RunResult}
 */
function runProcess(tool, input) {
  const dir = outDir(tool.name.replace(/\W+/g, '_'));
  const log = join(dir, 'log.txt');
  const start = process.hrtime.bigint();
  const r = spawnSync(tool.command, tool.args(input, dir), { cwd: tool.cwd ? dir : root, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) {
    writeFileSync(log, `${r.stdout}\n${r.stderr}`);
    return { ms, ok: false, error: `exit ${r.status ?? r.signal}: ${String(r.stderr || r.stdout).trim().split('\n')[0]}` };
  }
  return { ms, ok: true };
}

// ---------------------------------------------------------------------------------------------

async function main() {
  /** @type {typeof import('../dist/index.js')} */
  const api = await import(pathToFileURL(join(root, 'dist', 'index.js')).href);
  // `npm run build` bundles the CLI; after a later plain tsc run bin/winmc.js uses the slow unbundled one.
  const { loadBundledCli } = await import(pathToFileURL(join(root, 'bin', 'bundle.js')).href);
  const loaded = loadBundledCli();
  const bundled = loaded?.cached === true;
  if (!bundled) console.log('bench: WARNING the CLI bundle or its code cache is missing or stale (tsc ran after npm run build?): winmc start-up is measured without them');
  const startLoad = loadavg();
  const tools = processTools();
  const real = realInputs();
  const inputs = args.buildOnly ? [] : [...real, ...syntheticInputs()];
  /** @type {BenchRow[]} */
  const results = [];

  console.log(`bench: ${REPS} repetitions (time budget ${BUDGET_MS / 1000} s per tool and input), node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load ${startLoad.map((l) => l.toFixed(2)).join(' ')}`);
  for (const input of inputs) {
    const bytes = readFileSync(input.path);
    const options = { inputName: input.path, ansiCodepage: input.codepage };
    // The first call builds the lexer and parser and compiles the templates: timed apart.
    const t0 = process.hrtime.bigint();
    const first = api.compileMc(bytes, options);
    const firstMs = Number(process.hrtime.bigint() - t0) / 1e6;
    // Then warm up for a while, untimed, so that the first input timed is not measured on colder
    // code than the later ones (that would bend the growth exponent).
    const warmStart = process.hrtime.bigint();
    while (Number(process.hrtime.bigint() - warmStart) / 1e6 < 300) api.compileMc(bytes, options);
    const errors = first.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) {
      console.log(`bench: ${input.name}: winmc reports ${errors.length} error(s), first: ${api.formatDiagnostic(errors[0], input.name)}; input skipped`);
      continue;
    }

    /** @type {Map<string, number[]>} */
    const times = new Map();
    for (const name of [...tools.map((t) => t.name), 'compileMc']) times.set(name, []);
    /** @type {Map<string, string | undefined>} */
    const failures = new Map();
    /** @type {Map<string, string>} */
    const skipped = new Map();
    for (const t of tools) {
      if (t.peer && input.messages !== undefined && input.messages > args.peerMaxMessages) {
        skipped.set(t.name, `more than ${args.peerMaxMessages} messages (--peer-max-messages): the peers take minutes here`);
      }
    }
    const order = [...tools.map((t) => t.name), 'compileMc'];
    for (let rep = 0; rep < REPS; rep++) {
      for (let k = 0; k < order.length; k++) {
        const name = order[(k + rep) % order.length];
        const runs = /** @type {number[]} */ (times.get(name));
        const spent = runs.reduce((a, b) => a + b, 0);
        if (skipped.has(name) || failures.has(name) || spent > BUDGET_MS) continue;
        if (name === 'compileMc') {
          // In process a small file takes milliseconds, so one round runs it until a tenth of a
          // second has passed: the small sizes anchor the growth exponent and need stable medians.
          const roundStart = process.hrtime.bigint();
          do {
            const s = process.hrtime.bigint();
            api.compileMc(bytes, options);
            runs.push(Number(process.hrtime.bigint() - s) / 1e6);
          } while (Number(process.hrtime.bigint() - roundStart) / 1e6 < 100);
          continue;
        }
        const r = runProcess(/** @type {ProcessTool} */ (tools.find((t) => t.name === name)), input);
        if (r.ok) runs.push(r.ms);
        else failures.set(name, r.error);
      }
    }

    const med = Object.fromEntries([...times].map(([k, v]) => [k, median(v)]));
    /** @type {BenchRow} */
    const row = {
      ...input,
      firstCompileMcMs: firstMs,
      medians: med,
      runs: Object.fromEntries([...times].map(([k, v]) => [k, v])),
      failures: Object.fromEntries(failures),
      skipped: Object.fromEntries(skipped),
      mbPerSecond: {
        winmc: input.bytes / 1e6 / (med.winmc / 1000),
        compileMc: input.bytes / 1e6 / (med.compileMc / 1000),
      },
      ratios: {
        winmcToFloor: ratio(med.winmc, med['node -e 0']),
        windmcToWinmc: ratio(med.windmc, med.winmc),
        wmcToWinmc: ratio(med.wmc, med.winmc),
      },
    };
    results.push(row);
    printRow(row);
  }

  const synthetic = results.filter((r) => r.kind === 'synthetic');
  /** @type {Record<string, { exponent: number; sizes: number[] }>} */
  const exponents = {};
  for (const tool of ['compileMc', 'winmc', 'windmc', 'wmc']) {
    const pts = synthetic.filter((r) => Number.isFinite(r.medians[tool])).map((r) => ({ x: r.messages, y: r.medians[tool] }));
    exponents[tool] = { exponent: growthExponent(pts), sizes: pts.map((p) => p.x) };
  }
  // Whole-process time less the floor: what the compile itself adds to a run.
  const floorPts = synthetic.filter((r) => Number.isFinite(r.medians.winmc)).map((r) => ({ x: r.messages, y: r.medians.winmc - r.medians['node -e 0'] }));
  exponents['winmc minus floor'] = { exponent: growthExponent(floorPts), sizes: floorPts.map((p) => p.x) };
  if (!args.buildOnly) console.log('\ngrowth exponent (log-log least squares over the synthetic sizes; 1 = linear):');
  for (const [tool, e] of args.buildOnly ? [] : Object.entries(exponents)) {
    console.log(`  ${tool.padEnd(18)} ${Number.isNaN(e.exponent) ? '- (fewer than two sizes)' : e.exponent.toFixed(3)}  over ${e.sizes.join(', ') || '-'}`);
  }

  const evtx = args.evtx ? await evtxThroughput() : { skipped: 'disabled with --no-evtx' };
  const etl = args.etl ? etlThroughput() : { skipped: 'disabled with --no-etl' };
  const manifests = args.manifests ? await benchManifests({ reps: REPS, corpus }) : { skipped: 'disabled with --no-manifests' };
  const build = args.build ? benchBuild({ inputs: real, tools, root, work, reps: args.buildReps }) : { skipped: 'disabled with --no-build' };
  const targets = args.buildOnly ? [] : checkTargets(results, exponents);
  if (build.target) {
    targets.push(build.target);
    console.log(`\ntarget (issue 16):\n  ${build.target.pass ? 'MET   ' : 'MISSED'} ${build.target.name}: ${build.target.shown}`);
    if (build.cleanTarget) {
      targets.push(build.cleanTarget);
      console.log(`  ${build.cleanTarget.pass ? 'MET   ' : 'MISSED'} ${build.cleanTarget.name}: ${build.cleanTarget.shown}`);
    }
  }
  if (manifests.target) targets.push({ ...manifests.target, shown: Number.isNaN(manifests.growthExponent) ? '-' : manifests.growthExponent.toFixed(3) });
  const endLoad = loadavg();
  console.log(`\nload average at start ${startLoad.map((l) => l.toFixed(2)).join(' ')}, at end ${endLoad.map((l) => l.toFixed(2)).join(' ')}`);

  mkdirSync(join(root, 'bench'), { recursive: true });
  const json = {
    date: new Date().toISOString(),
    machine: { node: process.version, platform: process.platform, arch: process.arch, cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryBytes: totalmem(), loadAverageStart: startLoad, loadAverageEnd: endLoad },
    settings: { cliBundled: bundled, buildOnly: args.buildOnly, reps: REPS, buildReps: args.buildReps, budgetSeconds: BUDGET_MS / 1000, sizes: args.sizes, seed: SEED, peerMaxMessages: args.peerMaxMessages, corpus },
    inputs: results,
    growthExponents: exponents,
    evtx,
    etl,
    manifests,
    build,
    targets,
  };
  const written = args.buildOnly ? join(root, 'bench', 'results-build.json') : resultsPath;
  writeFileSync(written, JSON.stringify(json, null, 2) + '\n');
  console.log(`bench: wrote ${written}`);
}

/** @param {BenchRow} r */
function printRow(r) {
  const size = r.bytes >= 1e6 ? `${(r.bytes / 1e6).toFixed(1)} MB` : `${(r.bytes / 1e3).toFixed(0)} kB`;
  console.log(`\n${r.name} (${size}${r.messages ? `, ${r.messages} messages` : ''}${r.codepage !== 1252 ? `, code page ${r.codepage}` : ''})`);
  for (const [tool, runs] of Object.entries(r.runs)) {
    const why = r.failures[tool] ? `failed: ${r.failures[tool]}` : r.skipped[tool] ? `skipped: ${r.skipped[tool]}` : '';
    if (why) {
      console.log(`  ${tool.padEnd(10)} ${why}`);
      continue;
    }
    const med = r.medians[tool];
    let extra = '';
    if (tool === 'winmc' || tool === 'compileMc') extra = `  ${r.mbPerSecond[tool].toFixed(2)} MB/s`;
    if (tool === 'winmc') extra += `  ${fmtRatio(r.ratios.winmcToFloor)} the floor`;
    if (tool === 'windmc') extra = `  ${fmtRatio(r.ratios.windmcToWinmc)} winmc's time`;
    if (tool === 'wmc') extra = `  ${fmtRatio(r.ratios.wmcToWinmc)} winmc's time`;
    if (tool === 'compileMc') extra += `  (first call ${fmt(r.firstCompileMcMs)})`;
    console.log(`  ${tool.padEnd(10)} median ${fmt(med).padStart(9)}  (${runs.length} run${runs.length === 1 ? '' : 's'})${extra}`);
  }
}

/**
 * @param {BenchRow[]} results
 * @param {Record<string, { exponent: number; sizes: number[] }>} exponents
 */
function checkTargets(results, exponents) {
  /** @type {Target[]} */
  const targets = [];
  /** @type {(name: string, value: number | undefined, limit: number, pass: boolean, shown: string) => unknown} */
  const add = (name, value, limit, pass, shown) => targets.push({ name, value, limit, pass, shown });
  const e = exponents.compileMc.exponent;
  add('growth exponent of compileMc over 1k..100k messages <= 1.05', e, 1.05, e <= 1.05, Number.isNaN(e) ? '-' : e.toFixed(3));
  const ew = exponents.winmc.exponent;
  add('growth exponent of winmc (whole process) <= 1.05', ew, 1.05, ew <= 1.05, Number.isNaN(ew) ? '-' : ew.toFixed(3));
  const s40 = results.find((r) => r.messages === 40000);
  for (const peer of ['windmc', 'wmc']) {
    const v = s40?.ratios[`${peer}ToWinmc`];
    add(`40k synthetic: winmc >= 10x faster than ${peer} (whole process)`, v, 10, v !== undefined && v >= 10, v === undefined || Number.isNaN(v) ? '- (not measured)' : fmtRatio(v));
  }
  const err = results.find((r) => r.name === 'errcodes.mc');
  const ef = err?.ratios.winmcToFloor;
  add('errcodes.mc whole process <= 1.5x node -e 0', ef, 1.5, ef !== undefined && ef <= 1.5, err === undefined || ef === undefined || Number.isNaN(ef) ? '- (not measured)' : `${fmtRatio(ef)} (${fmt(err.medians.winmc)} vs ${fmt(err.medians['node -e 0'])})`);
  const largest = results.filter((r) => r.kind === 'synthetic').sort((a, b) => b.messages - a.messages)[0];
  const mbs = largest?.mbPerSecond.compileMc;
  add(`compileMc throughput on the largest synthetic (${largest?.messages ?? '-'} messages) >= 30 MB/s`, mbs, 30, mbs >= 30, mbs === undefined ? '-' : `${mbs.toFixed(1)} MB/s`);
  console.log('\ntargets (issue 9):');
  for (const t of targets) console.log(`  ${t.pass ? 'MET   ' : 'MISSED'} ${t.name}: ${t.shown}`);
  return targets;
}

/** Reading throughput of the EVTX reader over a large log made from a real one. */
async function evtxThroughput() {
  const sample = join(corpus, 'evtx', 'system.evtx');
  const evtxModule = join(root, 'dist', 'eventlog', 'evtx.js');
  const eventsModule = join(root, 'dist', 'eventlog', 'events.js');
  if (!existsSync(sample)) return note(`no sample log at ${sample}`);
  if (!existsSync(evtxModule) || !existsSync(eventsModule)) return note('dist/eventlog/evtx.js or events.js is not built');
  const evtx = await import(pathToFileURL(evtxModule).href);
  const events = await import(pathToFileURL(eventsModule).href);
  if (typeof evtx.makeLargeEvtx !== 'function' || typeof events.readEventRecords !== 'function' || typeof events.memoryByteSource !== 'function') {
    return note('src/eventlog does not export makeLargeEvtx, readEventRecords and memoryByteSource');
  }
  const bytes = evtx.makeLargeEvtx(readFileSync(sample), 64 * 1024 * 1024);
  const runs = [];
  let records = 0;
  for (let rep = 0; rep < Math.min(REPS, 3); rep++) {
    records = 0;
    const s = process.hrtime.bigint();
    for await (const _ of events.readEventRecords(events.memoryByteSource(bytes))) records++;
    runs.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  const ms = median(runs);
  const result = { sample: basename(sample), bytes: bytes.length, records, runs, medianMs: ms, mbPerSecond: bytes.length / 1e6 / (ms / 1000), recordsPerSecond: records / (ms / 1000) };
  console.log(`\nevent-log reading: ${(bytes.length / 1e6).toFixed(1)} MB EVTX (chunks of ${basename(sample)} repeated), ${records} records: median ${fmt(ms)}, ${result.mbPerSecond.toFixed(1)} MB/s, ${Math.round(result.recordsPerSecond)} records/s`);
  return result;

  /** @param {string} why */
  function note(why) {
    console.log(`\nevent-log reading: skipped (${why})`);
    return { skipped: why };
  }
}

/** .etl reading speed and memory (scripts/bench-etl.js: a 32 MB trace of repeated buffers, uncompressed and compressed). */
function etlThroughput() {
  console.log('\n.etl reading (scripts/bench-etl.js):');
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'bench-etl.js'), '--mb', '32', '--json'], { encoding: 'utf8' });
  const lines = (r.stdout ?? '').trim().split('\n');
  const last = lines.pop() ?? '';
  for (const line of lines) console.log(`  ${line}`);
  try {
    return { results: JSON.parse(last) };
  } catch {
    console.log(`  skipped: ${last || r.stderr?.trim() || 'no output'}`);
    return { skipped: last || 'no output' };
  }
}

main().catch((err) => {
  console.error(`bench: ${err && err.stack ? err.stack : err}`);
  process.exitCode = 1;
});
