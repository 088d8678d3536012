#!/usr/bin/env node
// @ts-check
// `npm run bench:parts`: where a big compile's time and memory go, the figures docs/performance.md
// quotes beside `npm run bench`'s. On a seeded synthetic file (scripts/synthetic-mc.js):
//   model heap   bytes a message the resolved model keeps alive (heap after resolve, collected)
//   header       compileMc with the real header template against a one-character one,
//                alternating: the difference is what rendering and encoding the header costs
//   .bin table   writeMessageTable for the first language, entries in source order as compileMc passes them
//
//   node scripts/bench-parts.js [MESSAGES (100000)] [ROUNDS (4)]       after npm run build

import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { syntheticMc } from './synthetic-mc.js';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
/** @type {typeof import('../dist/index.js')} */
const api = await import(pathToFileURL(resolve(root, 'dist', 'index.js')).href);
const [count = 100000, rounds = 4] = process.argv.slice(2, 4).map(Number);
/** The model of a compile of the synthetic file, which always resolves. */
const modelOf = (/** @type {ReturnType<typeof api.compileMc>} */ result) => {
  if (!result.model) throw new Error('bench-parts: compileMc returned no model');
  return result.model;
};
const input = Buffer.from(syntheticMc(count), 'latin1');
/** @type {(xs: number[]) => number} */
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
/** @type {(f: () => unknown) => number} */
const time = (f) => {
  const start = performance.now();
  f();
  return performance.now() - start;
};

if (process.env.WINMC_PARTS_HEAP) {
  // Child run with --expose-gc: heap in use before and after a compile whose model is kept.
  const gc = /** @type {() => void} */ (globalThis.gc);
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept = modelOf(api.compileMc(input, { inputName: 'synthetic.mc', headerTemplate: 'x' }));
  gc();
  const after = process.memoryUsage().heapUsed;
  console.log(JSON.stringify({ bytes: after - before, messages: kept.messages.length }));
  process.exit(0);
}

console.log(`bench-parts: synthetic file of ${count} messages (${(input.length / 1e6).toFixed(1)} MB), ${rounds} rounds, node ${process.version}`);

const child = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), String(count)], { env: { ...process.env, WINMC_PARTS_HEAP: '1' }, encoding: 'utf8' });
if (child.status !== 0) throw new Error(`bench-parts: the heap run failed: ${child.stderr}`);
const heap = JSON.parse(child.stdout);
console.log(`  model heap    ${(heap.bytes / 1e6).toFixed(1)} MB, ${Math.round(heap.bytes / heap.messages)} bytes a message`);

/** @type {number[]} */
const full = [];
/** @type {number[]} */
const noHeader = [];
api.compileMc(input, { inputName: 'synthetic.mc' }); // warm-up
for (let r = 0; r < rounds; r++) {
  full.push(time(() => api.compileMc(input, { inputName: 'synthetic.mc' })));
  noHeader.push(time(() => api.compileMc(input, { inputName: 'synthetic.mc', headerTemplate: 'x' })));
}
console.log(`  compileMc     ${median(full).toFixed(0)} ms with the header, ${median(noHeader).toFixed(0)} ms with a one-character header template (medians)`);

const language = modelOf(api.compileMc(input, { inputName: 'synthetic.mc', headerTemplate: 'x' })).languages[0];
const entries = language.messages.map((m) => ({ id: m.value, text: m.text, unicode: true }));
/** @type {number[]} */
const tables = [];
for (let r = 0; r < rounds * 2; r++) tables.push(time(() => api.writeMessageTable(entries)));
console.log(`  .bin table    ${median(tables).toFixed(0)} ms for ${entries.length} entries (${language.name}, median)`);
