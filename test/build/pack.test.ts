// docs/build.md's npm-script recipe, from the packed tarball as a user installs it: `npm pack`,
// `npm install <tarball>` into a fresh project (offline, from npm's cache: skipped with a message
// where the cache cannot serve winmc's dependencies), then `npm run build` with
// `"prebuild": "winmc -h include -r res src/msgs.mc"`. The tarball carries the CMake and MSBuild
// packages, and `npx winmc --cmake-dir` of the installed package names its own cmake/.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, winmcBin } from '../support/paths.js';
import { GCC_X64, which } from '../manifest/support/toolchain.js';

const built = existsSync(join(repoRoot, 'dist/cli/main.js'));
let work: string;
let tarball: string | undefined;
let installed: string | undefined;
let why = built ? '' : 'dist/ missing (npm run build)';

function npm(args: string[], cwd: string) {
  const r = spawnSync('npm', args, { cwd, encoding: 'utf8', timeout: 240_000, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
  return { code: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'winmc-pack-'));
  if (!built) return;
  // --ignore-scripts: the prepack build would rebuild dist/, which the test run already has.
  const pack = npm(['pack', '--ignore-scripts', '--pack-destination', work], repoRoot);
  const name = readdirSync(work).find((f) => f.endsWith('.tgz'));
  if (pack.code !== 0 || !name) {
    why = `npm pack failed: ${pack.out.trim().split('\n').pop()}`;
    return;
  }
  tarball = join(work, name);
  const app = join(work, 'app');
  mkdirSync(join(app, 'src'), { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, scripts: { prebuild: 'winmc -h include -r res src/msgs.mc', build: 'node -e "console.log(\'built\')"' } }, null, 2));
  cpSync(join(repoRoot, 'test/build/project/msgs.mc'), join(app, 'src/msgs.mc'));
  const install = npm(['install', '--offline', tarball], app);
  if (install.code !== 0) why = `npm install --offline of the tarball failed (npm's cache cannot serve winmc's dependencies?): ${install.out.trim().split('\n').slice(-2).join(' ')}`;
  else installed = app;
}, 300_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the npm package', () => {
  it('the tarball carries the CLI, the templates, the CMake and the MSBuild packages', () => {
    if (!tarball) return console.warn(`test/build/pack: ${why}: skipped`);
    const files = spawnSync('tar', ['tzf', tarball], { encoding: 'utf8' }).stdout.split('\n');
    for (const f of ['bin/winmc.js', 'dist/cli/main.js', 'templates/header.h.hbs', 'cmake/winmc-config.cmake', 'cmake/winmc-config-version.cmake', 'msbuild/winmc.props', 'msbuild/winmc.targets']) {
      expect(files, f).toContain(`package/${f}`);
    }
  });

  it('"prebuild": "winmc -h include -r res src/msgs.mc" writes what winmc itself writes', () => {
    if (!installed) return console.warn(`test/build/pack: ${why}: skipped`);
    const r = npm(['run', 'build'], installed);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('built');
    const direct = join(work, 'direct');
    expect(spawnSync(process.execPath, [winmcBin, '-h', direct, '-r', direct, join(installed, 'src/msgs.mc')]).status).toBe(0);
    expect(readdirSync(join(installed, 'include'))).toEqual(['msgs.h']);
    expect(readdirSync(join(installed, 'res')).sort()).toEqual(['MSG00001.bin', 'msgs.rc']);
    for (const f of ['msgs.h', 'msgs.rc', 'MSG00001.bin']) expect(readFileSync(join(installed, f.endsWith('.h') ? 'include' : 'res', f)), f).toEqual(readFileSync(join(direct, f)));
  });

  it('npx winmc --cmake-dir names the installed package\'s cmake/, which find_package uses', () => {
    if (!installed) return console.warn(`test/build/pack: ${why}: skipped`);
    const r = spawnSync('npx', ['--no-install', 'winmc', '--cmake-dir'], { cwd: installed, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const dir = r.stdout.trim();
    expect(dir).toBe(join(installed, 'node_modules/winmc/cmake'));
    expect(existsSync(join(dir, 'winmc-config.cmake'))).toBe(true);
    if (!which('cmake') || !which(GCC_X64)) return console.warn('test/build/pack: cmake or mingw-w64 gcc missing: the configure from the installed package skipped');
    const src = join(work, 'cmake-src');
    cpSync(join(repoRoot, 'test/build/project'), src, { recursive: true });
    const build = join(work, 'cmake-build');
    const conf = spawnSync('cmake', ['-S', src, '-B', build, `-DCMAKE_TOOLCHAIN_FILE=${join(src, 'mingw-w64.cmake')}`, `-Dwinmc_DIR=${dir}`], { encoding: 'utf8', timeout: 240_000 });
    expect(conf.status, conf.stdout + conf.stderr).toBe(0);
    // The package's own winmc runs, not the repository's.
    expect(readFileSync(join(build, 'CMakeCache.txt'), 'utf8')).toMatch(new RegExp(`^winmc_DIR:\\w+=${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    expect(readFileSync(join(build, 'CMakeFiles/hello.dir/build.make'), 'utf8')).toContain(join(installed, 'node_modules/winmc/bin/winmc.js'));
    const cmd = spawnSync('cmake', ['--build', build, '--target', 'hello'], { encoding: 'utf8', timeout: 240_000 });
    expect(cmd.status, cmd.stdout + cmd.stderr).toBe(0);
    expect(existsSync(join(build, 'hello.exe'))).toBe(true);
  });
});
