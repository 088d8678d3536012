// Loads the bundled CLI (dist/cli/winmc.cjs, written by scripts/bundle.js) with V8's code cache
// for it (winmc.cjs.cache), so a process starts without parsing and compiling the code a compile
// runs: about 30 ms of every `winmc compile`. The cache is made at build time by the Node that
// builds; another V8 rejects it and the bundle is compiled as usual.
import { existsSync, readFileSync, statSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const cliDir = fileURLToPath(new URL('../dist/cli/', import.meta.url));
export const bundlePath = `${cliDir}winmc.cjs`;
export const codeCachePath = `${bundlePath}.cache`;

/**
 * The bundle's exports, its vm.Script (for createCachedData) and whether V8 took the code cache;
 * undefined when there is no bundle, or tsc has written dist/cli/main.js since it was made.
 */
export function loadBundledCli({ useCache = true } = {}) {
  if (!existsSync(bundlePath)) return undefined;
  const bundleTime = statSync(bundlePath).mtimeMs;
  if (statSync(`${cliDir}main.js`).mtimeMs > bundleTime) return undefined;
  // V8 checks a cache against the script's length, not its text: one older than the bundle is not used.
  const cachedData = useCache && existsSync(codeCachePath) && statSync(codeCachePath).mtimeMs >= bundleTime ? readFileSync(codeCachePath) : undefined;
  const script = new vm.Script(Module.wrap(readFileSync(bundlePath, 'utf8')), { filename: bundlePath, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundlePath), module, bundlePath, cliDir);
  return { cli: module.exports, script, cached: cachedData !== undefined && script.cachedDataRejected === false };
}
