#!/usr/bin/env node
// Compiles every case of the mc.exe corpus with its recorded switches, flavor and code page,
// and compares each expected file byte for byte. Prints a table and
// `conformance: N/M files identical`; exits 1 when a file differs (known mismatches aside).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCorpusCase } from '../dist/mc/corpus.js';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const corpus = process.env.WINMC_CORPUS ?? resolve(root, '../shared/corpus');
const dir = join(corpus, 'mc');
if (!existsSync(dir)) {
  console.log(`conformance: skipped, no corpus at ${dir} (set WINMC_CORPUS)`);
  process.exit(0);
}

let identical = 0;
let total = 0;
let unexpected = 0;
for (const name of readdirSync(dir).sort()) {
  const caseDir = join(dir, name);
  const result = runCorpusCase(caseDir, (f) => readFileSync(f));
  for (const file of result.files) {
    total++;
    if (file.identical) identical++;
    else if (!file.knownMismatch) unexpected++;
    const status = file.identical ? 'identical' : file.knownMismatch ? `known mismatch: ${file.knownMismatch}` : `DIFFERS ${file.detail}`;
    console.log(`${name.padEnd(70)} ${file.name.padEnd(36)} ${status}`);
  }
  for (const d of result.diagnostics) console.log(`${name.padEnd(70)} ${d}`);
}
console.log(`conformance: ${identical}/${total} files identical${unexpected ? `, ${unexpected} unexpected difference(s)` : ''}`);
process.exitCode = unexpected > 0 ? 1 : 0;
