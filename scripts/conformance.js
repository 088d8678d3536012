#!/usr/bin/env node
// @ts-check
// Compiles every case of the mc.exe corpus with its recorded switches, flavor and code page,
// and compares each expected file byte for byte; then the same for the manifest corpus (`man/`,
// with each case's generation as --compat and its extraRuns as further runs). Prints a table per
// corpus, `conformance: N/M files identical` and `manifest conformance: N/M files identical`;
// exits 1 when a .mc file differs (known mismatches aside). Manifest differences are listed but
// do not fail the run while the manifest compiler is being completed (issue 13).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCorpusCase } from '../dist/mc/corpus.js';
import { runManifestCorpusCase } from '../dist/manifest/corpus.js';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const corpus = process.env.WINMC_CORPUS ?? resolve(root, '../shared/corpus');

/**
 * Runs one corpus folder; returns the number of unexpected differences.
 * @param {string} dir
 * @param {typeof runCorpusCase | typeof runManifestCorpusCase} run
 * @param {string} label
 */
function table(dir, run, label) {
  if (!existsSync(dir)) {
    console.log(`${label}: skipped, no corpus at ${dir} (set WINMC_CORPUS)`);
    return 0;
  }
  let identical = 0;
  let total = 0;
  let unexpected = 0;
  for (const name of readdirSync(dir).sort()) {
    const caseDir = join(dir, name);
    let result;
    try {
      result = run(caseDir, (f) => readFileSync(f));
    } catch (err) {
      // One case's crash is that case's failure, not the end of the table.
      const e = /** @type {{ message?: string } | undefined} */ (err);
      console.log(`${name.padEnd(70)} CRASHED ${e && e.message ? e.message.split('\n')[0] : err}`);
      /** @type {{ expected: unknown[]; extraRuns?: { expected: unknown[] }[] }} */
      const c = JSON.parse(readFileSync(join(caseDir, 'case.json'), 'utf8'));
      const count = c.expected.length + (c.extraRuns ?? []).reduce((n, r) => n + r.expected.length, 0);
      total += count;
      unexpected += count;
      continue;
    }
    for (const file of result.files) {
      total++;
      if (file.identical) identical++;
      else if (!file.knownMismatch) unexpected++;
      const status = file.identical ? 'identical' : file.knownMismatch ? `known mismatch: ${file.knownMismatch}` : `DIFFERS ${file.detail}`;
      console.log(`${name.padEnd(70)} ${file.name.padEnd(36)} ${status}`);
    }
    for (const d of result.diagnostics.slice(0, 3)) console.log(`${name.padEnd(70)} ${d}`);
    if (result.diagnostics.length > 3) console.log(`${name.padEnd(70)} ... and ${result.diagnostics.length - 3} more diagnostics`);
  }
  console.log(`${label}: ${identical}/${total} files identical${unexpected ? `, ${unexpected} unexpected difference(s)` : ''}`);
  return unexpected;
}

const mcUnexpected = table(join(corpus, 'mc'), runCorpusCase, 'conformance');
console.log('');
table(join(corpus, 'man'), runManifestCorpusCase, 'manifest conformance');
process.exitCode = mcUnexpected > 0 ? 1 : 0;
