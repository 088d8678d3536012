// bin/bundle.js: when the CLI starts from its bundle and V8 code cache, and when it must not.
import { copyFileSync, existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// @ts-expect-error bin/bundle.js is plain JavaScript without type declarations
import { loadBundledCli } from '../../bin/bundle.js';
import { repoRoot } from '../support/paths.js';

const distCli = join(repoRoot, 'dist', 'cli');
const built = existsSync(join(distCli, 'winmc.cjs'));

type Loaded = { cli: { main: unknown }; script: { createCachedData(): Buffer }; cached: boolean } | undefined;
const load = (cliDir: string, useCache = true): Loaded => loadBundledCli({ cliDir, useCache });

describe.skipIf(!built)(`CLI bundle and code cache${built ? '' : ' (skipped: run npm run build first)'}`, () => {
  let dir: string;
  const at = (name: string, seconds: number) => utimesSync(join(dir, name), seconds, seconds);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'winmc-bundle-test-'));
    copyFileSync(join(distCli, 'main.js'), join(dir, 'main.js'));
    copyFileSync(join(distCli, 'winmc.cjs'), join(dir, 'winmc.cjs'));
    at('main.js', 1000);
    at('winmc.cjs', 2000);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('takes a cache V8 made for this bundle', () => {
    writeFileSync(join(dir, 'winmc.cjs.cache'), load(dir, false)!.script.createCachedData());
    at('winmc.cjs.cache', 2000);
    const loaded = load(dir);
    expect(loaded!.cached).toBe(true);
    expect(typeof loaded!.cli.main).toBe('function');
  });

  it('compiles the bundle as usual when the cache is damaged', () => {
    writeFileSync(join(dir, 'winmc.cjs.cache'), Buffer.from('not a V8 code cache'));
    at('winmc.cjs.cache', 2000);
    const loaded = load(dir);
    expect(loaded!.cached).toBe(false);
    expect(typeof loaded!.cli.main).toBe('function');
  });

  it('does not load a cache older than the bundle (V8 would only compare lengths)', () => {
    writeFileSync(join(dir, 'winmc.cjs.cache'), load(dir, false)!.script.createCachedData());
    at('winmc.cjs.cache', 1500);
    expect(load(dir)!.cached).toBe(false);
  });

  it('is not used once tsc has written main.js after it, nor when it is missing', () => {
    at('main.js', 3000);
    expect(load(dir)).toBeUndefined();
    rmSync(join(dir, 'winmc.cjs'));
    expect(load(dir)).toBeUndefined();
  });
});
