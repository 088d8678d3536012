// Build integration on the command line (issue 16): several inputs in one run, --list-outputs,
// --depfile, --watch, --cmake-dir and --msbuild-dir.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { depfilePath, depfileText, parseCompileArgs } from '../../src/cli/compile.js';
import { repoRoot, winmcBin } from '../support/paths.js';

const built = existsSync(join(repoRoot, 'dist/cli/main.js'));
if (!built) console.warn('test/build/cli: dist/ missing, run npm run build; CLI runs skipped');

const MC = (text: string) => `MessageIdTypedef=DWORD\r\nMessageId=1\r\nSymbolicName=MSG_ONE\r\nLanguage=English\r\n${text}\r\n.\r\n`;
const TWO_LANGUAGES = 'LanguageNames=(German=0x407:MSG00407)\r\nMessageId=1\r\nSymbolicName=MSG_ONE\r\nLanguage=English\r\nOne.\r\n.\r\nLanguage=German\r\nEins.\r\n.\r\n';
const MANIFEST = `<?xml version="1.0" encoding="UTF-8"?>
<instrumentationManifest xmlns="http://schemas.microsoft.com/win/2004/08/events" xmlns:win="http://manifests.microsoft.com/win/2004/08/windows/events">
  <instrumentation><events>
    <provider name="Demo-Provider" guid="{0B3B7A2C-1D2E-4F50-8A9B-0C1D2E3F4A5B}" symbol="DEMO_PROVIDER" resourceFileName="demo.dll" messageFileName="demo.dll">
      <events><event value="1" symbol="DemoStarted" level="win:Informational" message="$(string.Started)"/></events>
    </provider>
  </events></instrumentation>
  <localization><resources culture="en-US"><stringTable><string id="Started" value="Demo started."/></stringTable></resources></localization>
</instrumentationManifest>
`;

let work: string;
function winmc(args: string[], cwd = work) {
  const r = spawnSync(process.execPath, [winmcBin, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const tree = (dir: string) => (existsSync(join(work, dir)) ? readdirSync(join(work, dir)).sort() : []);

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'winmc-build-cli-'));
  writeFileSync(join(work, 'one.mc'), MC('One.'));
  writeFileSync(join(work, 'two.mc'), TWO_LANGUAGES);
  writeFileSync(join(work, 'demo.man'), MANIFEST);
  writeFileSync(join(work, 'bad.mc'), 'MessageId=1\r\nLanguage=English\r\nnever ends\r\n');
  writeFileSync(join(work, 'bad.man'), MANIFEST.replace('$(string.Started)', '$(string.Missing)'));
  writeFileSync(join(work, 'my header.hbs'), '// custom\r\n{{#each messages}}#define {{symbolicName}} {{value}}\r\n{{/each}}');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the command line', () => {
  it('takes several inputs; -z, --res and --dll name one input\'s outputs and are refused with several', () => {
    const cmd = parseCompileArgs(['-h', 'inc', 'a.mc', 'b.man', 'c.mc']);
    expect(cmd.errors).toEqual([]);
    expect([cmd.input, cmd.inputs]).toEqual(['a.mc', ['a.mc', 'b.man', 'c.mc']]);
    expect(parseCompileArgs(['-z', 'x', '--res', 'x.res', 'a.mc', 'b.mc']).errors.map((e) => `${e.code} ${e.message}`)).toEqual([
      'MC1001 -z names the outputs of one input, and 2 were given: compile them one at a time',
      'MC1001 --res names the outputs of one input, and 2 were given: compile them one at a time',
    ]);
    expect(parseCompileArgs(['--list-outputs', '--depfile', 'x.d', '--watch', 'a.mc']).errors.map((e) => e.message)).toEqual(['--list-outputs writes nothing, so there is nothing to --watch']);
    expect(parseCompileArgs(['--cmake-dir']).errors).toEqual([]);
  });

  it('writes depfiles as gcc -MD does: escaped spaces, # and $, one rule per input', () => {
    expect(depfilePath('a b/c#d$e.h')).toBe('a\\ b/c\\#d$$e.h');
    const out = (path: string) => ({ path, bytes: new Uint8Array() });
    const text = depfileText([
      { input: 'a.mc', exitCode: 0, outputs: [out('inc/a.h'), out('res/a.rc')], dependencies: ['a.mc', 't.hbs'] },
      { input: 'bad.mc', exitCode: 1, outputs: [], dependencies: ['bad.mc'] },
    ]);
    expect(text).toBe('inc/a.h res/a.rc: \\\n a.mc \\\n t.hbs\n');
    // --depfile-target (gcc -MT): one rule naming the given targets, the dependencies of every input that compiled.
    const b = { input: 'b.mc', exitCode: 0, outputs: [out('inc/b.h')], dependencies: ['b.mc', 't.hbs'] };
    expect(depfileText([{ input: 'a.mc', exitCode: 0, outputs: [out('inc/a.h')], dependencies: ['a.mc', 't.hbs'] }, b], ['stamp one'])).toBe('stamp\\ one: \\\n a.mc \\\n t.hbs \\\n b.mc\n');
  });
});

describe.skipIf(!built)('winmc compile A B C (skipped without a build)', () => {
  it('compiles each input as if alone: the same files and bytes as one run each', () => {
    const r = winmc(['-h', 'many', '-r', 'many', '-b', 'one.mc', 'two.mc', 'demo.man']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    for (const f of ['one.mc', 'two.mc', 'demo.man']) {
      const dir = `alone-${f}`;
      expect(winmc(['-h', dir, '-r', dir, '-b', f]).code).toBe(0);
      for (const name of tree(dir)) expect(readFileSync(join(work, 'many', name)), `${f}: ${name}`).toEqual(readFileSync(join(work, dir, name)));
    }
    expect(tree('many')).toEqual([...tree('alone-one.mc'), ...tree('alone-two.mc'), ...tree('alone-demo.man')].sort());
  });

  it('reports every file\'s errors, writes nothing for the failed ones, exits 1', () => {
    const r = winmc(['-h', 'mixed', '-r', 'mixed', '-b', 'bad.mc', 'one.mc', 'bad.man', 'two.mc']);
    expect(r.code).toBe(1);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^bad\.mc\(\d+,\d+\) : error MC0014: /);
    expect(lines.some((l) => /^bad\.man\(\d+,\d+\) : error MC2008: /.test(l))).toBe(true);
    expect(tree('mixed')).toEqual(['MSG00407.bin', 'one.h', 'one.rc', 'one_MSG00001.bin', 'two.h', 'two.rc', 'two_MSG00001.bin'].map((n) => n.replace('MSG00407', 'two_MSG00407')).sort());
  });

  it('exits 2 when a file gets a switch of the other kind, and still compiles the rest', () => {
    const r = winmc(['-h', 'kinds', '-r', 'kinds', '-d', 'demo.man', 'one.mc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('winmc : error MC1001: -d applies to message text files only, and demo.man is an instrumentation manifest\n');
    expect(tree('kinds')).toEqual(['MSG00001.bin', 'one.h', 'one.rc']);
  });

  it('refuses a second input that would overwrite the first one\'s outputs', () => {
    mkdirSync(join(work, 'sub'), { recursive: true });
    writeFileSync(join(work, 'sub/one.mc'), MC('Other.'));
    const r = winmc(['-h', 'clash', '-r', 'clash', 'one.mc', 'two.mc']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`two.mc : error MC1004: ${join('clash', 'MSG00001.bin')} is also an output of one.mc: give the inputs different base names, -b, or their own -r directory\n`);
    expect(tree('clash')).toEqual(['MSG00001.bin', 'one.h', 'one.rc']);
    expect(winmc(['-h', 'clash2', '-r', 'clash2', '-b', 'one.mc', 'sub/one.mc']).stderr).toContain('sub/one.mc : error MC1004: clash2/one.h is also an output of one.mc');
  });
});

describe.skipIf(!built)('--list-outputs and --depfile (skipped without a build)', () => {
  it('--list-outputs prints what a compile writes, .bin names from the languages inside, and writes nothing', () => {
    const r = winmc(['--list-outputs', '-h', 'inc', '-r', 'res', '-x', 'dbg', '--res', 'out/two.res', 'two.mc']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(['inc/two.h', 'res/two.rc', 'res/MSG00001.bin', 'res/MSG00407.bin', 'dbg/two.dbg', 'out/two.res', ''].map((p) => p && join(p)).join('\n'));
    expect(existsSync(join(work, 'inc')) || existsSync(join(work, 'res')) || existsSync(join(work, 'out'))).toBe(false);
    const m = winmc(['--list-outputs', '-h', 'inc', '-r', 'res', '-cs', 'Demo', 'demo.man']);
    expect(m).toMatchObject({ code: 0, stderr: '' });
    expect(m.stdout.split('\n')).toEqual(['inc/demo.cs', 'res/demo.rc', 'res/demoTEMP.BIN', 'res/MSG00001.bin', '']);
  });

  it('--list-outputs on a file with errors: its diagnostics, exit 1, nothing listed', () => {
    const r = winmc(['--list-outputs', 'bad.mc']);
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(r.stderr).toMatch(/^bad\.mc\(/);
  });

  it('--depfile: every output depends on the input and the header template', () => {
    const r = winmc(['-h', 'dep inc', '-r', 'dep', '-b', '--header-template', 'my header.hbs', '--depfile', 'dep/all.d', 'one.mc', 'two.mc']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(readFileSync(join(work, 'dep/all.d'), 'utf8')).toBe(
      'dep\\ inc/one.h dep/one.rc dep/one_MSG00001.bin: \\\n one.mc \\\n my\\ header.hbs\n' +
        'dep\\ inc/two.h dep/two.rc dep/two_MSG00001.bin dep/two_MSG00407.bin: \\\n two.mc \\\n my\\ header.hbs\n',
    );
    expect(readFileSync(join(work, 'dep inc/one.h'), 'latin1')).toBe('// custom\r\n#define MSG_ONE 1\r\n');
    expect(winmc(['-h', 'dep', '-r', 'dep', '--depfile', 'dep/man.d', 'demo.man']).code).toBe(0);
    expect(readFileSync(join(work, 'dep/man.d'), 'utf8')).toBe('dep/demo.h dep/demo.rc dep/demoTEMP.BIN dep/MSG00001.bin: \\\n demo.man\n');
  });

  it('make reads the depfile: a newer template makes the outputs out of date', () => {
    const make = spawnSync('make', ['--version'], { encoding: 'utf8' });
    if (make.status !== 0) return console.warn('make not installed: the make check skipped');
    writeFileSync(join(work, 'Makefile'), 'inc/one.h: one.mc\n\tnode ' + JSON.stringify(winmcBin) + ' -h inc -r res --header-template "my header.hbs" --depfile one.d one.mc\n-include one.d\n');
    const run = () => spawnSync('make', ['-s', 'inc/one.h'], { cwd: work, encoding: 'utf8' });
    expect(run().status).toBe(0);
    expect(spawnSync('make', ['-q', 'inc/one.h'], { cwd: work }).status).toBe(0); // up to date
    const later = new Date(Date.now() + 5000);
    spawnSync('touch', ['-d', later.toISOString(), join(work, 'my header.hbs')]);
    expect(spawnSync('make', ['-q', 'inc/one.h'], { cwd: work }).status).toBe(1); // out of date through the depfile
    rmSync(join(work, 'Makefile'));
  });

  it('--depfile-target names the rule\'s target in place of the outputs; it needs a --depfile', () => {
    expect(winmc(['-h', 'dt', '-r', 'dt', '--depfile', 'dt/one.d', '--depfile-target', 'dt/one.h', 'one.mc']).code).toBe(0);
    expect(readFileSync(join(work, 'dt/one.d'), 'utf8')).toBe('dt/one.h: \\\n one.mc\n');
    expect(winmc(['--depfile-target', 'x', 'one.mc'])).toMatchObject({ code: 2, stderr: 'winmc : error MC1001: --depfile-target names the target of the --depfile, and no --depfile was given\n' });
  });

  it('a failed compile leaves the depfile as it was', () => {
    writeFileSync(join(work, 'keep.d'), 'old\n');
    expect(winmc(['-h', 'k', '-r', 'k', '--depfile', 'keep.d', 'one.mc', 'bad.mc']).code).toBe(1);
    expect(readFileSync(join(work, 'keep.d'), 'utf8')).toBe('old\n');
  });
});

describe.skipIf(!built)('--watch (skipped without a build)', () => {
  it('recompiles on change, debounced; prints errors and keeps watching; stops on SIGTERM', async () => {
    const dir = join(work, 'watch');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'w.mc'), MC('First.'));
    const child = spawn(process.execPath, [winmcBin, '--watch', '-h', 'out', '-r', 'out', '--depfile', 'out/w.d', 'w.mc'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const until = async (what: string, test: () => boolean, ms = 15_000) => {
      const end = Date.now() + ms;
      while (!test()) {
        if (Date.now() > end) throw new Error(`--watch: timed out waiting for ${what}; stdout: ${stdout}; stderr: ${stderr}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    const rounds = () => stdout.split('\n').filter((l) => l.includes('watching for changes')).length;
    const bin = () => readFileSync(join(dir, 'out/MSG00001.bin')).subarray(16).toString('utf16le');
    try {
      await until('the first compile', () => rounds() === 1);
      expect(stdout).toBe('winmc: 1 of 1 file compiled; watching for changes\n');
      expect(bin()).toContain('First.');
      expect(existsSync(join(dir, 'out/w.d'))).toBe(true);

      // Three writes in quick succession: one recompile.
      for (const t of ['a', 'b', 'Second.']) writeFileSync(join(dir, 'w.mc'), MC(t));
      await until('the recompile', () => rounds() === 2);
      expect(bin()).toContain('Second.');
      const mtime = statSync(join(dir, 'out/w.h')).mtimeMs;

      // An error: printed, the outputs kept, still running.
      writeFileSync(join(dir, 'w.mc'), 'MessageId=1\r\nLanguage=English\r\nnever ends\r\n');
      await until('the error', () => rounds() === 3);
      expect(stderr).toMatch(/^w\.mc\(\d+,\d+\) : error MC0014: /);
      expect(stdout.split('\n')[2]).toBe('winmc: 0 of 1 file compiled, errors above; watching for changes');
      expect(statSync(join(dir, 'out/w.h')).mtimeMs).toBe(mtime);
      expect(child.exitCode).toBeNull();

      // Fixed again, through an editor-style save: write aside and rename over it.
      writeFileSync(join(dir, 'w.mc.tmp'), MC('Third.'));
      spawnSync('mv', [join(dir, 'w.mc.tmp'), join(dir, 'w.mc')]);
      await until('the fix', () => rounds() === 4);
      expect(bin()).toContain('Third.');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});

describe.skipIf(!built)('--cmake-dir and --msbuild-dir (skipped without a build)', () => {
  it('print the package\'s directories, with or without the compile command', () => {
    for (const args of [['--cmake-dir'], ['compile', '--cmake-dir']]) expect(winmc(args)).toMatchObject({ code: 0, stdout: join(repoRoot, 'cmake') + '\n', stderr: '' });
    expect(winmc(['--msbuild-dir']).stdout).toBe(join(repoRoot, 'msbuild') + '\n');
    expect(existsSync(join(winmc(['--cmake-dir']).stdout.trim(), 'winmc-config.cmake'))).toBe(true);
    expect(existsSync(join(winmc(['--msbuild-dir']).stdout.trim(), 'winmc.targets'))).toBe(true);
  });
});
