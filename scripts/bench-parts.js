#!/usr/bin/env node
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
const api = await import(pathToFileURL(resolve(root, 'dist', 'index.js')).href);
const [count = 100000, rounds = 4] = process.argv.slice(2, 4).map(Number);
const input = Buffer.from(syntheticMc(count), 'latin1');
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const time = (f) => {
  const start = performance.now();
  f();
  return performance.now() - start;
};

if (process.env.WINMC_PARTS_HEAP) {
  // Child run with --expose-gc: heap in use before and after a compile whose model is kept.
  globalThis.gc();
  const before = process.memoryUsage().heapUsed;
  const kept = api.compileMc(input, { inputName: 'synthetic.mc', headerTemplate: 'x' }).model;
  globalThis.gc();
  const after = process.memoryUsage().heapUsed;
  console.log(JSON.stringify({ bytes: after - before, messages: kept.messages.length }));
  process.exit(0);
}

console.log(`bench-parts: synthetic file of ${count} messages (${(input.length / 1e6).toFixed(1)} MB), ${rounds} rounds, node ${process.version}`);

const child = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), String(count)], { env: { ...process.env, WINMC_PARTS_HEAP: '1' }, encoding: 'utf8' });
if (child.status !== 0) throw new Error(`bench-parts: the heap run failed: ${child.stderr}`);
const heap = JSON.parse(child.stdout);
console.log(`  model heap    ${(heap.bytes / 1e6).toFixed(1)} MB, ${Math.round(heap.bytes / heap.messages)} bytes a message`);

const full = [];
const noHeader = [];
api.compileMc(input, { inputName: 'synthetic.mc' }); // warm-up
for (let r = 0; r < rounds; r++) {
  full.push(time(() => api.compileMc(input, { inputName: 'synthetic.mc' })));
  noHeader.push(time(() => api.compileMc(input, { inputName: 'synthetic.mc', headerTemplate: 'x' })));
}
console.log(`  compileMc     ${median(full).toFixed(0)} ms with the header, ${median(noHeader).toFixed(0)} ms with a one-character header template (medians)`);

const language = api.compileMc(input, { inputName: 'synthetic.mc', headerTemplate: 'x' }).model.languages[0];
const entries = language.messages.map((m) => ({ id: m.value, text: m.text, unicode: true }));
const tables = [];
for (let r = 0; r < rounds * 2; r++) tables.push(time(() => api.writeMessageTable(entries)));
console.log(`  .bin table    ${median(tables).toFixed(0)} ms for ${entries.length} entries (${language.name}, median)`);
