// Loads the bundled CLI (dist/cli/winmc.cjs, written by scripts/bundle.js) with V8's code cache
// for it (winmc.cjs.cache), so a process starts without parsing and compiling the code a compile
// runs: about 30 ms of every `winmc compile`. The cache is made at build time by the Node that
// builds; another V8 rejects it and the bundle is compiled as usual.
import { readFileSync, statSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const distCli = fileURLToPath(new URL('../dist/cli/', import.meta.url));
export const codeCachePath = join(distCli, 'winmc.cjs.cache');

/**
 * The bundle's exports, its vm.Script (for createCachedData) and whether V8 took the code cache;
 * undefined when there is no bundle, or tsc has written main.js since it was made. `cliDir` is
 * dist/cli unless a test points it elsewhere.
 */
export function loadBundledCli({ useCache = true, cliDir = distCli } = {}) {
  const bundle = join(cliDir, 'winmc.cjs');
  const cache = `${bundle}.cache`;
  const bundleStat = statSync(bundle, { throwIfNoEntry: false });
  if (!bundleStat) return undefined;
  if ((statSync(join(cliDir, 'main.js'), { throwIfNoEntry: false })?.mtimeMs ?? 0) > bundleStat.mtimeMs) return undefined;
  // V8 checks a cache against the script's length, not its text: one older than the bundle is not used.
  const cacheStat = useCache ? statSync(cache, { throwIfNoEntry: false }) : undefined;
  const cachedData = cacheStat && cacheStat.mtimeMs >= bundleStat.mtimeMs ? readFileSync(cache) : undefined;
  const script = new vm.Script(Module.wrap(readFileSync(bundle, 'utf8')), { filename: bundle, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, cliDir);
  return { cli: module.exports, script, cached: cachedData !== undefined && script.cachedDataRejected === false };
}
