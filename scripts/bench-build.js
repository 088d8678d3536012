// @ts-check
// The build part of `npm run bench` (issue 16): the large real .mc files compiled as a build
// compiles them. winmc takes them all in ONE process (`winmc compile -b -h DIR -r DIR A.mc B.mc …`,
// -b so that the MSGnnnnn.bin names do not collide); windmc and wmc have no such mode and run
// once per file, one after the other, and their per-file times are added up. Also timed: winmc
// once per file (what a build without the many-files mode pays) and `node -e 0` (node's own
// start-up, paid once by the one process and once per file by the per-file runs).
//
// When the environment sets NODE_EXTRA_CA_CERTS (this project's sandbox does, for its network
// proxy), node reads and parses that certificate bundle at every start, before any script runs
// (most of `node -e 0`'s time here: docs/performance.md). winmc makes no network connection and
// needs no certificate, so the one process and `node -e 0` are also timed with the variable
// removed, and the target is printed both ways.
//
// Every tool runs once per round, the order rotating; medians of the round totals. The inputs
// of one run share one --ansi-codepage, so ru-RU.mc (code page 1251, compiled with -C 1251 by
// windmc in its per-file run) is decoded with the default 1252 in the one-process run: the same
// work, a table lookup per byte, with other characters.

import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** @typedef {{ name: string; path: string; bytes: number; codepage: number }} BuildInput */
/**
 * One of bench.js's process tools; `args(input, dir)` gives one file's command line, run in `dir`
 * when `cwd` is set.
 * @typedef {{ name: string; command: string; args: (input: BuildInput, dir: string) => string[]; cwd?: boolean }} BuildTool
 */
/** @typedef {{ ms: number; ok: boolean; error?: string }} RunResult */

const CLEAN_ONE = 'winmc, one process, without NODE_EXTRA_CA_CERTS';
const CLEAN_NODE = 'node -e 0, without NODE_EXTRA_CA_CERTS';

const median = (/** @type {number[]} */ xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (/** @type {number} */ ms) => (Number.isNaN(ms) ? '-' : ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(ms < 100 ? 1 : 0)} ms`);
const fmtRatio = (/** @type {number} */ r) => (Number.isFinite(r) ? `${r.toFixed(r < 10 ? 2 : 1)}x` : '-');

/**
 * @param {string} command
 * @param {string[]} args
 * @param {string} cwd
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {RunResult}
 */
function timed(command, args, cwd, env = process.env) {
  const start = process.hrtime.bigint();
  const r = spawnSync(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return r.status === 0 ? { ms, ok: true } : { ms, ok: false, error: `exit ${r.status ?? r.signal}: ${String(r.stderr || r.stdout).trim().split('\n')[0]}` };
}

/**
 * @param {string} work
 * @param {string} name
 */
function freshDir(work, name) {
  const dir = join(work, 'build', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * inputs: the real .mc inputs of bench.js ({ name, path, codepage }); tools: bench.js's process
 * tools (node -e 0, winmc, windmc, wmc), whose `args(input, dir)` give one file's command line.
 * @param {{ inputs: BuildInput[]; tools: BuildTool[]; root: string; work: string; reps: number }} options
 */
export function benchBuild({ inputs, tools, root, work, reps }) {
  if (inputs.length === 0) {
    console.log('\nbuild (many files): skipped, no real inputs');
    return { skipped: 'no real inputs' };
  }
  const node = process.execPath;
  const oneProcess = (/** @type {NodeJS.ProcessEnv} */ env) => () => {
    const dir = freshDir(work, 'winmc-one');
    return timed(node, [join(root, 'bin', 'winmc.js'), 'compile', '-b', '-h', dir, '-r', dir, ...inputs.map((i) => i.path)], root, env);
  };
  /** @type {Record<string, () => RunResult>} */
  const runs = {
    'winmc, one process': oneProcess(process.env),
    'node -e 0': () => timed(node, ['-e', '0'], root),
  };
  const extraCerts = process.env.NODE_EXTRA_CA_CERTS !== undefined;
  if (extraCerts) {
    const clean = { ...process.env };
    delete clean.NODE_EXTRA_CA_CERTS;
    runs[CLEAN_ONE] = oneProcess(clean);
    runs[CLEAN_NODE] = () => timed(node, ['-e', '0'], root, clean);
  }
  for (const t of tools.filter((t) => t.name !== 'node -e 0')) {
    runs[`${t.name}, once per file`] = () => {
      let ms = 0;
      for (const input of inputs) {
        const dir = freshDir(work, t.name.replace(/\W+/g, '_'));
        const r = timed(t.command, t.args(input, dir), t.cwd ? dir : root);
        if (!r.ok) return { ...r, error: `${input.name}: ${r.error}` };
        ms += r.ms;
      }
      return { ms, ok: true };
    };
  }
  const names = Object.keys(runs);
  /** @type {Record<string, number[]>} */
  const times = Object.fromEntries(names.map((n) => [n, []]));
  /** @type {Record<string, string | undefined>} */
  const failures = {};
  for (let rep = 0; rep < reps; rep++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + rep) % names.length];
      if (failures[name]) continue;
      const r = runs[name]();
      if (r.ok) times[name].push(r.ms);
      else failures[name] = r.error;
    }
  }
  const med = Object.fromEntries(names.map((n) => [n, median(times[n])]));
  const oneMedian = med['winmc, one process'];
  const ratios = {
    windmcPerFileToWinmcOneProcess: med['windmc, once per file'] / oneMedian,
    wmcPerFileToWinmcOneProcess: med['wmc, once per file'] / oneMedian,
    winmcPerFileToWinmcOneProcess: med['winmc, once per file'] / oneMedian,
    winmcOneProcessToNodeStartup: oneMedian / med['node -e 0'],
  };
  // Round by round too: both runs of a round are seconds apart, so a machine that slows down or
  // speeds up between rounds moves both.
  const perRound = (/** @type {string} */ peer, /** @type {string} */ base) => {
    const b = times[base] ?? [];
    return times[peer].length === b.length ? times[peer].map((ms, r) => ms / b[r]) : [];
  };
  const cleanRatio = extraCerts ? med['windmc, once per file'] / med[CLEAN_ONE] : NaN;
  const windmcRounds = perRound('windmc, once per file', 'winmc, one process');
  const cleanRounds = extraCerts ? perRound('windmc, once per file', CLEAN_ONE) : [];
  const bytes = inputs.reduce((a, i) => a + i.bytes, 0);
  console.log(`\nbuild: the ${inputs.length} large real .mc files (${(bytes / 1e6).toFixed(2)} MB), as a build compiles them (${reps} rounds, medians of round totals)`);
  const width = Math.max(...names.map((n) => n.length));
  for (const n of names) {
    if (failures[n]) {
      console.log(`  ${n.padEnd(width)} failed: ${failures[n]}`);
      continue;
    }
    let extra = '';
    if (n === CLEAN_ONE) extra = `  ${fmtRatio(cleanRatio)} in windmc's per-file total, ${fmtRatio(med[CLEAN_ONE] / med[CLEAN_NODE])} node's start-up`;
    if (n === 'windmc, once per file') extra = `  ${fmtRatio(ratios.windmcPerFileToWinmcOneProcess)} winmc's one process`;
    if (n === 'wmc, once per file') extra = `  ${fmtRatio(ratios.wmcPerFileToWinmcOneProcess)} winmc's one process`;
    if (n === 'winmc, once per file') extra = `  ${fmtRatio(ratios.winmcPerFileToWinmcOneProcess)} winmc's one process`;
    if (n === 'winmc, one process') extra = `  ${fmtRatio(ratios.winmcOneProcessToNodeStartup)} node's start-up`;
    console.log(`  ${n.padEnd(width)} ${fmt(med[n]).padStart(9)}  (${times[n].length} run${times[n].length === 1 ? '' : 's'})${extra}`);
  }
  const wmcEach = med['wmc, once per file'] / inputs.length;
  console.log(
    `  what limits the wmc ratio: winmc's one process starts node once (node -e 0: ${fmt(med['node -e 0'])}, ${fmtRatio(med['node -e 0'] / oneMedian)} of its time), ` +
      `while wmc takes ${fmt(wmcEach)} a file on average, start-up included; ru-RU.mc decoded with code page 1252 in the one-process run (one --ansi-codepage per run)`,
  );
  for (const [rounds, which] of /** @type {const} */ ([[windmcRounds, "winmc's one process"], [cleanRounds, 'the one process without NODE_EXTRA_CA_CERTS']])) {
    if (rounds.length === 0) continue;
    const faster = rounds.filter((r) => r > 1).length;
    const sorted = [...rounds].sort((a, b) => a - b);
    console.log(
      `  round by round, windmc / ${which}: median ${fmtRatio(median(rounds))}, from ${fmtRatio(sorted[0])} to ${fmtRatio(sorted[sorted.length - 1])}; winmc faster in ${faster} of ${rounds.length} rounds`,
    );
  }
  if (extraCerts) {
    console.log(
      `  NODE_EXTRA_CA_CERTS is set here: node parses ${process.env.NODE_EXTRA_CA_CERTS} at every start, ${fmt(med['node -e 0'] - med[CLEAN_NODE])} of each node process ` +
        `(node -e 0 ${fmt(med['node -e 0'])} with it, ${fmt(med[CLEAN_NODE])} without); winmc makes no network connection and needs no certificate`,
    );
  }
  const name = `build: ${inputs.length} large .mc files in one winmc process faster than windmc once per file`;
  const targetOf = (/** @type {string} */ targetName, /** @type {number} */ ratio) => ({ name: targetName, value: ratio, limit: 1, pass: ratio > 1, shown: fmtRatio(ratio) });
  const target = targetOf(name, ratios.windmcPerFileToWinmcOneProcess);
  const cleanTarget = extraCerts ? targetOf(`${name}, node started without NODE_EXTRA_CA_CERTS`, cleanRatio) : undefined;
  return { inputs: inputs.map((i) => i.name), bytes, reps, runs: times, medians: med, failures, ratios, windmcRounds, cleanRounds, target, cleanTarget };
}
