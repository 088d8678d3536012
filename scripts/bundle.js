#!/usr/bin/env node
// @ts-check
// Second build step (after tsc): bundles the CLI so `winmc` starts fast (docs/performance.md).
//
// Loading the unbundled CLI resolves, reads and compiles several hundred ES modules (chevrotain
// alone pulls in lodash-es, one file per function): about 0.6 s of CPU before the first byte is
// compiled. esbuild writes dist/cli/main.js and everything it imports as one CommonJS script,
// dist/cli/winmc.cjs: a script (not a module) can be compiled with V8's code cache, which
// bin/bundle.js loads from dist/cli/winmc.cjs.cache. The cache is made here by compiling a
// fixture in process with the bundle and asking V8 for the code of everything that ran. The
// subcommands stay lazy: their modules are in the script but only evaluated when asked for.
//
// The bundle and its cache are matched by content (bin/bundle.js): the bundle's first line is
// `//# winmc-bundle ID`, ID a hash of the rest of its text, and the cache file starts with a
// `winmc-code-cache ID` line, so an installed package uses its cache whatever times npm gave the
// files. In a checkout, bin/winmc.js also uses the bundle only while it is newer than
// dist/cli/main.js: a later plain tsc run makes it fall back to the modules tsc wrote (slower to
// start, never stale).
//
// Modules find files relative to themselves (templates/, package.json) through import.meta.url.
// In the bundle each module's import.meta.url is replaced by the URL its unbundled file has,
// computed relative to the bundle's own file at run time.

import { build, transform } from 'esbuild';
import Handlebars from 'handlebars';
import { Buffer, isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const outdir = resolve(root, 'dist', 'cli');
const entry = resolve(outdir, 'main.js');
const bundle = resolve(outdir, 'winmc.cjs');

/** @type {import('esbuild').Plugin} */
const importMetaUrlOfOrigin = {
  name: 'import-meta-url-of-origin',
  setup(b) {
    b.onLoad({ filter: /\.(m?js|cjs)$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const fromBundle = relative(outdir, args.path).split(sep).join('/');
      const url = `new URL(${JSON.stringify(fromBundle)}, __winmcBundleUrl).href`;
      return { contents: source.replaceAll('import.meta.url', url), loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

// Outputs of earlier builds: the ES module chunks of the old bundle layout, the old cache.
const OLD_CHUNK = /-[A-Z0-9]{8}\.js$/;
for (const f of readdirSync(outdir)) if (OLD_CHUNK.test(f) || f === 'winmc.cjs.cache') rmSync(resolve(outdir, f));

const result = await build({
  entryPoints: [entry],
  outfile: bundle,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // A script run through vm.Script has no host for import(): esbuild turns each lazy import() of
  // a bundled module into a deferred require() instead.
  supported: { 'dynamic-import': false },
  banner: { js: "const __winmcBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  // native-reg is an optional native addon loaded at run time on Windows only.
  external: ['native-reg'],
  plugins: [importMetaUrlOfOrigin],
  logLevel: 'warning',
  metafile: true,
  legalComments: 'none',
});

// The stamp: the bundle's id, a hash of its text, as its first line (bin/bundle.js BUNDLE_ID_LINE).
let bundleText = readFileSync(bundle, 'utf8');
// ASCII, so that bin/bundle.js reads it as Latin-1 (a third of the time of UTF-8) and V8 holds
// it as a one-byte string (half the memory). esbuild escapes non-ASCII characters in code but
// keeps comments as they are written (…, →): each is made '?', once esbuild has shown that this
// touches comments only: the bundle with and without the change prints the same without comments.
if (!isAscii(Buffer.from(bundleText))) {
  const ascii = bundleText.replace(/[^\x00-\x7f]/g, '?');
  /** @param {string} code */
  const code = async (code) => (await transform(code, { loader: 'js', minifyWhitespace: true, legalComments: 'none', charset: 'ascii' })).code;
  if ((await code(ascii)) === (await code(bundleText))) bundleText = ascii;
  else console.warn('bundle: WARNING the bundle has characters outside ASCII in its code, not only in comments: bin/bundle.js reads it as UTF-8');
}
const bundleId = createHash('sha256').update(bundleText).digest('hex').slice(0, 32);
writeFileSync(bundle, `//# winmc-bundle ${bundleId}\n${bundleText}`);

// templates/*.hbs precompiled with the options and line ends src/mc/render.ts compiles them with,
// keyed by the source it is given: a compile then needs only the handlebars runtime.
const { normalizeTemplate, TEMPLATE_OPTIONS } = await import(new URL('../dist/mc/render.js', import.meta.url).href);
// The templates of an .mc compile also as plain function bodies (src/mc/template-direct.ts, which
// test/mc/template-direct.test.ts checks against handlebars on those templates); null for the others.
const { compileDirect } = await import(new URL('../dist/mc/template-direct.js', import.meta.url).href);
const DIRECT = new Set(['header.h.hbs', 'rc.hbs', 'dbg.hbs']);
// templates/manifest/ too (the manifest compiler renders through the same function); not
// templates/registry/, which src/registry/templates.ts renders with handlebars' defaults.
const templates = resolve(root, 'templates');
const specs = ['', 'manifest']
  .flatMap((dir) => readdirSync(resolve(templates, dir)).filter((f) => f.endsWith('.hbs')).sort().map((f) => join(dir, f)))
  .map((f) => {
    const source = readFileSync(resolve(templates, f), 'utf8');
    const normalized = normalizeTemplate(source);
    const direct = DIRECT.has(f) ? compileDirect(Handlebars.parse(normalized, TEMPLATE_OPTIONS)) : undefined;
    if (DIRECT.has(f) && direct === undefined) console.warn(`bundle: WARNING templates/${f} uses more than src/mc/template-direct.ts covers: handlebars renders it (slower)`);
    return [source, Handlebars.precompile(normalized, TEMPLATE_OPTIONS), direct ?? null];
  });
writeFileSync(resolve(root, 'dist', 'templates.precompiled.json'), JSON.stringify(specs));

// The code cache: compile a fixture with the bundle, in this process, then take the code of
// everything that ran. Made after the templates so that the compile uses the precompiled ones.
// A second run compiles two inputs at once, one of them not ASCII, so that the many-files path
// and the code page tables (iconv-lite) are in the cache too: code left out of it is compiled
// when first called, in every process.
const { loadBundledCli, codeCachePath, cacheHeader } = await import(pathToFileURL(resolve(root, 'bin', 'bundle.js')).href);
const loaded = loadBundledCli({ useCache: false, checkout: false });
if (loaded?.id !== bundleId) throw new Error(`bundle: ${bundle} does not carry the id just written`);
const scratch = mkdtempSync(join(tmpdir(), 'winmc-bundle-'));
try {
  const fixture = resolve(root, 'fixtures', 'compile', 'spec-example', 'input', 'example.mc');
  const code = await loaded.cli.main(['compile', '-h', scratch, '-r', scratch, '--res', join(scratch, 'example.res'), fixture]);
  if (code !== 0) throw new Error(`bundle: the warm-up compile of ${fixture} exited ${code}`);
  const ansi = join(scratch, 'ansi.mc');
  const text = [
    '; // code page 1252',
    'MessageIdTypedef=DWORD',
    'SeverityNames=(Success=0x0:STATUS_SEVERITY_SUCCESS Error=0x3:STATUS_SEVERITY_ERROR)',
    'FacilityNames=(System=0x0:FACILITY_SYSTEM)',
    'LanguageNames=(German=0x407:MSG00407)',
    'OutputBase=16',
    'MessageId=0x1 Severity=Error Facility=System SymbolicName=MSG_GRUSS',
    'Language=German',
    'Gr\xfc\xdfe, \x84%1\x93.',
    '.',
    'MessageId=+1 SymbolicName=MSG_LEER',
    'Language=German',
    '.',
    '',
  ].join('\r\n');
  writeFileSync(ansi, Buffer.from(text, 'latin1'));
  const many = await loaded.cli.main(['compile', '-b', '-h', scratch, '-r', scratch, fixture, ansi]);
  if (many !== 0) throw new Error(`bundle: the warm-up compile of ${fixture} and ${ansi} exited ${many}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
const cache = loaded.script.createCachedData();
writeFileSync(codeCachePath, Buffer.concat([cacheHeader(bundleId), cache]));

const outputs = Object.entries(result.metafile.outputs).map(([file, o]) => `${relative(root, file)} ${(o.bytes / 1024).toFixed(0)} KB`);
console.log(`bundle: ${outputs.join(', ')}, code cache ${(cache.length / 1024).toFixed(0)} KB (bundle id ${bundleId}); ${specs.length} templates precompiled into dist/templates.precompiled.json (${specs.filter((s) => s[2] !== null).length} also as plain functions)`);
