// bin/bundle.js: when the CLI starts from its bundle and V8 code cache, and when it must not.
// A cache belongs to the bundle whose id (the stamp scripts/bundle.js writes) it names, whatever
// the files' times; only in a checkout does a main.js newer than the bundle (tsc ran alone) win.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// @ts-expect-error bin/bundle.js is plain JavaScript without type declarations
import { BUNDLE_ID_LINE, cacheHeader, loadBundledCli } from '../../bin/bundle.js';
import { repoRoot } from '../support/paths.js';

const distCli = join(repoRoot, 'dist', 'cli');
const built = existsSync(join(distCli, 'winmc.cjs'));

type Loaded = { cli: { main: unknown }; script: { createCachedData(): Buffer }; id: string | undefined; cached: boolean } | undefined;
const load = (cliDir: string, { useCache = true, checkout = false } = {}): Loaded => loadBundledCli({ cliDir, useCache, checkout });

describe.skipIf(!built)(`CLI bundle and code cache${built ? '' : ' (skipped: run npm run build first)'}`, () => {
  let dir: string;
  let id: string;
  const at = (name: string, seconds: number) => utimesSync(join(dir, name), seconds, seconds);
  const writeCache = (forId: string, data: Buffer) => writeFileSync(join(dir, 'winmc.cjs.cache'), Buffer.concat([cacheHeader(forId), data]));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'winmc-bundle-test-'));
    copyFileSync(join(distCli, 'main.js'), join(dir, 'main.js'));
    copyFileSync(join(distCli, 'winmc.cjs'), join(dir, 'winmc.cjs'));
    id = (BUNDLE_ID_LINE.exec(readFileSync(join(dir, 'winmc.cjs'), 'utf8')) as RegExpExecArray)[1]!;
    at('main.js', 1000);
    at('winmc.cjs', 2000);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('the build stamps the bundle with its id and the shipped cache names it', () => {
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(readFileSync(join(distCli, 'winmc.cjs.cache')).subarray(0, 60).toString('latin1')).toContain(`winmc-code-cache ${id}\n`);
    const loaded = loadBundledCli({ checkout: false });
    expect([loaded.id, loaded.cached]).toEqual([id, true]);
  });

  it('takes a cache V8 made for this bundle', () => {
    writeCache(id, load(dir, { useCache: false })!.script.createCachedData());
    const loaded = load(dir);
    expect(loaded!.cached).toBe(true);
    expect(typeof loaded!.cli.main).toBe('function');
  });

  it('uses the cache however npm laid the files out: times in any order (cache older than the bundle, main.js newest)', () => {
    writeCache(id, load(dir, { useCache: false })!.script.createCachedData());
    for (const [cache, bundle, main] of [
      [1500, 2000, 1000],
      [2000, 1000, 3000],
      [1000, 1000, 1000],
    ] as const) {
      at('winmc.cjs.cache', cache);
      at('winmc.cjs', bundle);
      at('main.js', main);
      expect(load(dir)!.cached, `cache ${cache}, bundle ${bundle}, main.js ${main}`).toBe(true);
    }
  });

  it('refuses a cache made for another bundle, even one of the same length (V8 would only compare lengths)', () => {
    const data = load(dir, { useCache: false })!.script.createCachedData();
    writeCache(id.replace(/^./, (c) => (c === '0' ? '1' : '0')), data);
    expect(load(dir)!.cached).toBe(false);
    writeFileSync(join(dir, 'winmc.cjs.cache'), data); // V8 data without the header (an old build's)
    expect(load(dir)!.cached).toBe(false);
  });

  it('compiles the bundle as usual when the cache is damaged or missing', () => {
    writeCache(id, Buffer.from('not a V8 code cache'));
    const loaded = load(dir);
    expect(loaded!.cached).toBe(false);
    expect(typeof loaded!.cli.main).toBe('function');
    rmSync(join(dir, 'winmc.cjs.cache'));
    expect(load(dir)!.cached).toBe(false);
  });

  it('in a checkout, is not used once tsc has written main.js after it; never when it is missing', () => {
    at('main.js', 3000);
    expect(load(dir, { checkout: true })).toBeUndefined();
    expect(load(dir, { checkout: false })).toBeDefined();
    rmSync(join(dir, 'winmc.cjs'));
    expect(load(dir)).toBeUndefined();
  });
});
