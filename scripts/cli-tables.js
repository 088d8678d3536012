#!/usr/bin/env node
// @ts-check
// Rewrites the option tables of README.md and docs/*.md (each after an `<!-- options: COMMAND/GROUP -->`
// marker) from the commands' option tables in src/cli (run `npm run build` first).
// test/cli/kit.test.ts fails when a document and a table disagree.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdownTable } from '../dist/cli/kit.js';
import { commandSpecs, withTables } from '../dist/cli/specs.js';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const specs = await commandSpecs();
const files = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];
for (const file of files) {
  const path = join(root, file);
  const before = readFileSync(path, 'utf8');
  /** @type {string[]} */
  const found = [];
  const after = withTables(before, specs, markdownTable, found);
  if (after !== before) writeFileSync(path, after);
  if (found.length > 0) console.log(`${file}: ${found.join(', ')}${after !== before ? ' (rewritten)' : ''}`);
}
