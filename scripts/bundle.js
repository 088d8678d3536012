#!/usr/bin/env node
// Second build step (after tsc): bundles the CLI so `winmc` starts fast (docs/performance.md).
//
// Loading the unbundled CLI resolves, reads and compiles several hundred ES modules
// (chevrotain alone pulls in lodash-es, one file per function): about 0.6 s of CPU before the
// first byte is compiled. esbuild turns dist/cli/main.js and everything it imports into one
// entry file plus one chunk per lazily imported subcommand, written over dist/cli/main.js and
// beside it, so the lazy loading of main.ts is kept.
//
// A plain `tsc` run rewrites dist/cli/main.js with the unbundled module again, which still
// works (only slower): the bundle never goes stale behind a newer tsc output.
//
// Modules find files relative to themselves (templates/, package.json, yargs' locales) through
// import.meta.url. In a bundle that URL would be the chunk's, so each module's import.meta.url
// is replaced by the URL its unbundled file has, computed relative to the chunk at run time.

import { build } from 'esbuild';
import Handlebars from 'handlebars';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const outdir = resolve(root, 'dist', 'cli');
const entry = resolve(outdir, 'main.js');
export const BUNDLE_MARKER = '/* winmc bundle (scripts/bundle.js) */';

const importMetaUrlOfOrigin = {
  name: 'import-meta-url-of-origin',
  setup(b) {
    b.onLoad({ filter: /\.(m?js|cjs)$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      // Every chunk is written to outdir, so one relative path serves wherever the code lands.
      const fromChunk = relative(outdir, args.path).split(sep).join('/');
      const url = `new URL(${JSON.stringify(fromChunk)}, import.meta.url).href`;
      return { contents: source.replaceAll('import.meta.url', url), loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

if (readFileSync(entry, 'utf8').startsWith(BUNDLE_MARKER)) {
  console.error('bundle: dist/cli/main.js is already a bundle; run tsc -p tsconfig.build.json first (npm run build does both)');
  process.exit(1);
}

// Chunks of an earlier build (their names carry a content hash, so new ones never overwrite them).
const CHUNK_NAME = /-[A-Z0-9]{8}\.js$/;
for (const f of readdirSync(outdir)) if (CHUNK_NAME.test(f)) rmSync(resolve(outdir, f));

const result = await build({
  entryPoints: { main: entry },
  outdir,
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: '[name]-[hash]',
  // The CommonJS packages (handlebars, iconv-lite) call require() for node: built-ins.
  banner: { js: `${BUNDLE_MARKER}\nimport { createRequire as __winmcCreateRequire } from 'node:module';\nconst require = __winmcCreateRequire(import.meta.url);` },
  // native-reg is an optional native addon loaded at run time on Windows only.
  external: ['native-reg'],
  plugins: [importMetaUrlOfOrigin],
  logLevel: 'warning',
  metafile: true,
  legalComments: 'none',
});

// templates/*.hbs precompiled with the options and line ends src/mc/render.ts compiles them with,
// keyed by the source it is given: a compile then needs only the handlebars runtime.
const { normalizeTemplate, TEMPLATE_OPTIONS } = await import(new URL('../dist/mc/render.js', import.meta.url).href);
const templates = resolve(root, 'templates');
const specs = readdirSync(templates)
  .filter((f) => f.endsWith('.hbs'))
  .sort()
  .map((f) => {
    const source = readFileSync(resolve(templates, f), 'utf8');
    return [source, Handlebars.precompile(normalizeTemplate(source), TEMPLATE_OPTIONS)];
  });
writeFileSync(resolve(root, 'dist', 'templates.precompiled.json'), JSON.stringify(specs));

const outputs = Object.entries(result.metafile.outputs).map(([file, o]) => `${relative(root, file)} ${(o.bytes / 1024).toFixed(0)} KB`);
console.log(`bundle: ${outputs.join(', ')}; ${specs.length} templates precompiled into dist/templates.precompiled.json`);
