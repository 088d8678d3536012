// @ts-check
// Loads the bundled CLI (dist/cli/winmc.cjs, written by scripts/bundle.js) with V8's code cache
// for it (winmc.cjs.cache), so a process starts without parsing and compiling the code a compile
// runs: about 30 ms of every `winmc compile`. The cache is made at build time by the Node that
// builds; another V8 rejects it and the bundle is compiled as usual.
//
// Which cache belongs to which bundle is decided by content, never by file times: npm extracts a
// tarball in its own order (and a global install, a copy or a cache restore sets times of its
// own), so an installed package's files have no useful mtimes. The build writes a stamp, the
// bundle's id (a hash of its text), as the bundle's first line and in the cache's header; a cache
// is used only with the bundle whose id it names. V8 itself checks only the script's length.
//
// One check is about time: in a checkout (tsconfig.build.json beside dist/), where a developer may
// run tsc alone after `npm run build`, a dist/cli/main.js newer than the bundle means the bundle
// is older than the modules tsc wrote, and bin/winmc.js uses those. An installed package has no
// tsc and no tsconfig: the check does not apply there.
//
// CommonJS (bin/package.json), like bin/winmc.js: started as ES modules, node's module loader
// set up its ESM machinery and a facade of every builtin imported, about 10 ms of each process.
'use strict';
const { isAscii } = require('node:buffer');
const { existsSync, readFileSync, statSync } = require('node:fs');
const Module = require('node:module');
const { join } = require('node:path');
const vm = require('node:vm');

const distCli = join(__dirname, '..', 'dist', 'cli');
const packageRoot = join(__dirname, '..');
const codeCachePath = join(distCli, 'winmc.cjs.cache');

/** The bundle's first line: `//# winmc-bundle <id>`. */
const BUNDLE_ID_LINE = /^\/\/# winmc-bundle ([0-9a-f]{16,64})\r?\n/;
/** The code cache file: this header line (naming the bundle's id), then V8's data. */
const CACHE_MAGIC = 'winmc-code-cache';

/**
 * The header a code cache file starts with, for the bundle with this id.
 * @param {string} id
 */
function cacheHeader(id) {
  return Buffer.from(`${CACHE_MAGIC} ${id}\n`, 'latin1');
}

/**
 * The V8 data of a cache file made for the bundle `id`; undefined for another bundle's or a damaged one.
 * @param {Buffer} file
 * @param {string} id
 * @returns {Buffer | undefined}
 */
function cachedDataFor(file, id) {
  const head = Buffer.from(`${CACHE_MAGIC} ${id}\n`, 'latin1');
  if (file.length <= head.length || !file.subarray(0, head.length).equals(head)) return undefined;
  return file.subarray(head.length);
}

/**
 * The bundle's exports, its vm.Script (for createCachedData), its id and whether V8 took the code
 * cache; undefined when there is no bundle, or (in a checkout) tsc has written main.js since it was
 * made. `cliDir` is dist/cli and `checkout` whether tsconfig.build.json is there, unless a test
 * says otherwise.
 */
function loadBundledCli({ useCache = true, cliDir = distCli, checkout = existsSync(join(packageRoot, 'tsconfig.build.json')) } = {}) {
  const bundle = join(cliDir, 'winmc.cjs');
  let text;
  try {
    // The build writes an ASCII bundle (scripts/bundle.js): Latin-1 reads it in a third of the time of UTF-8.
    const bytes = readFileSync(bundle);
    text = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
  } catch {
    return undefined;
  }
  if (checkout) {
    const mainTime = statSync(join(cliDir, 'main.js'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
    if (mainTime > statSync(bundle).mtimeMs) return undefined;
  }
  const id = BUNDLE_ID_LINE.exec(text)?.[1];
  let cachedData;
  if (useCache && id !== undefined) {
    try {
      cachedData = cachedDataFor(readFileSync(`${bundle}.cache`), id);
    } catch {
      cachedData = undefined;
    }
  }
  const script = new vm.Script(Module.wrap(text), { filename: bundle, cachedData });
  const bundleModule = { exports: {} };
  script.runInThisContext()(bundleModule.exports, Module.createRequire(bundle), bundleModule, bundle, cliDir);
  const cli = /** @type {typeof import("../dist/cli/main.js")} */ (bundleModule.exports);
  return { cli, script, id, cached: cachedData !== undefined && script.cachedDataRejected === false };
}

module.exports = { BUNDLE_ID_LINE, CACHE_MAGIC, cacheHeader, cachedDataFor, codeCachePath, loadBundledCli };
