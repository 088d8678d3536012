// The command line as a build uses it: mc.exe's switches, output directories, exit codes, and
// all-or-nothing outputs.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCompileArgs } from '../../src/cli/compile.js';
import { repoRoot, winmcBin } from '../support/paths.js';

const example = join(repoRoot, 'fixtures/compile/spec-example/input/example.mc');
const expectedDir = join(repoRoot, 'fixtures/compile/spec-example/expected');
let work: string;

function winmc(args: string[], cwd = work) {
  const r = spawnSync(process.execPath, [winmcBin, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'winmc-cli-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('switch parsing', () => {
  it('reads mc.exe switches with - and /, combined boolean flags and value switches', () => {
    const cmd = parseCompileArgs(['/h', 'inc', '-r', 'res', '-cU', '/b', '-e', 'hpp', '-m', '80', '-cp', 'utf-16', 'x.mc']);
    expect(cmd.errors).toEqual([]);
    expect(cmd.headerDir).toBe('inc');
    expect(cmd.rcDir).toBe('res');
    expect(cmd.options).toMatchObject({ customerBit: true, binPrefix: true, headerExtension: 'hpp', maxMessageLength: 80, textEncoding: 'utf-16', inputName: 'x.mc' });
  });

  it('keeps an absolute input path that starts with / as the input', () => {
    expect(parseCompileArgs(['/tmp/dir/x.mc']).input).toBe('/tmp/dir/x.mc');
  });

  it('reads -um as one manifest switch instead of splitting it into -u -m', () => {
    const cmd = parseCompileArgs(['-um', 'x.man']);
    expect(cmd.errors).toEqual([]);
    expect(cmd.manifest).toMatchObject({ userMode: true, kernelMode: false });
    expect(cmd.options.unicodeInput).toBeUndefined();
    expect(cmd.manifestOnlySwitches).toEqual(['-um']);
  });

  it('refuses the manifest switches winmc does not implement, with the reason (MC1002)', () => {
    expect(parseCompileArgs(['-mof', '-um', 'x.man']).errors.map((e) => `${e.code}: ${e.message}`)).toEqual([
      'MC1002: -mof is refused: the MOF classes and pre-Vista logging code it asks for are not generated',
    ]);
    expect(parseCompileArgs(['-um', '-cs', 'N', 'x.man']).errors.map((e) => e.message)).toEqual(['-um and -cs exclude each other: mc.exe generates one kind of logging code at a time']);
  });
});

describe('winmc CLI', () => {
  it('compiles like mc.exe without a subcommand, into -h and -r', () => {
    const r = winmc(['-h', 'inc', '-r', 'res', example]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(readFileSync(join(work, 'inc/example.h'))).toEqual(readFileSync(join(expectedDir, 'example.h')));
    expect(readFileSync(join(work, 'res/example.rc'))).toEqual(readFileSync(join(expectedDir, 'example.rc')));
    expect(readFileSync(join(work, 'res/MSG00001.bin'))).toEqual(readFileSync(join(expectedDir, 'MSG00001.bin')));
  });

  it('compile subcommand with -v lists what it wrote; -x writes the .dbg', () => {
    const r = winmc(['compile', '-v', '-x', 'dbg', '-h', 'v', '-r', 'v', example]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(join('v', 'example.h'));
    const dbg = readFileSync(join(work, 'dbg/example.dbg'), 'latin1');
    expect(dbg).toContain('{ 0xC1000010L, "MSG_FAIL" },\r\n');
    expect(dbg).toContain('{ 0xFFFFFFFFL, (char *)0 }');
  });

  it('reports switch errors in the canonical form and exits non-zero', () => {
    const r = winmc(['-q', '-z', '../up', example]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("winmc : error MC1001: unknown switch -q\nwinmc : error MC0023: -z takes a base name, not a path: '../up'\n");
    expect(winmc(['--compat', 'ancient', example]).stderr).toBe(
      "winmc : error MC1001: --compat takes modern, middle or legacy (.mc) or sdk8.1, sdk10.0.10240, sdk10.0.16299, sdk-newest (manifests), not 'ancient'\n",
    );
    expect(winmc(['--ansi-codepage', '99999', example]).stderr).toBe('winmc : error MC1005: code page 99999 is not known\n');
    expect(winmc(['missing.mc']).stderr).toMatch(/^winmc : error MC1003: ENOENT: no such file or directory, open 'missing\.mc'\n$/);
  });

  it('prints usage for -? and exits 0', () => {
    const r = winmc(['-?']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: winmc compile [switches] FILE.mc');
  });

  it('warnings alone exit 0 and write outputs; --warnings-as-errors exits 1 and writes nothing', () => {
    const ok = winmc(['-m', '3', '-h', 'w1', '-r', 'w1', example]);
    expect(ok.code).toBe(0);
    expect(ok.stderr.split('\n')[0]).toBe(`${example}(6,1) : warning MC0020: message MSG_HELLO (English) is 7 characters long, more than -m 3`);
    expect(existsSync(join(work, 'w1/example.h'))).toBe(true);
    const strict = winmc(['-m', '3', '--warnings-as-errors', '-h', 'w2', '-r', 'w2', example]);
    expect(strict.code).toBe(1);
    expect(existsSync(join(work, 'w2'))).toBe(false);
  });

  it('a failing compile leaves existing outputs byte for byte as they were, and no temporary files', () => {
    const dir = join(work, 'atomic');
    mkdirSync(dir);
    const before = { 'example.h': 'old header\r\n', 'example.rc': 'old rc\r\n', 'MSG00001.bin': '\x01\x02' };
    for (const [name, text] of Object.entries(before)) writeFileSync(join(dir, name), text, 'latin1');
    const broken = join(dir, 'example.mc');
    writeFileSync(broken, readFileSync(example, 'latin1').replace('Severity=Error', 'Severity=Fatal'), 'latin1');
    const r = winmc(['-h', dir, '-r', dir, broken]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error MC0010');
    for (const [name, text] of Object.entries(before)) expect(readFileSync(join(dir, name), 'latin1')).toBe(text);
    expect(readdirSync(dir).sort()).toEqual(['MSG00001.bin', 'example.h', 'example.mc', 'example.rc']);
  });

  it('a write failure after some outputs were staged leaves the old outputs and removes the temporaries', () => {
    const dir = join(work, 'writefail');
    mkdirSync(join(dir, 'inc'), { recursive: true });
    writeFileSync(join(dir, 'inc/example.h'), 'old\r\n');
    writeFileSync(join(dir, 'res'), 'a file where the -r directory should be');
    const r = winmc(['-h', join(dir, 'inc'), '-r', join(dir, 'res'), example]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error MC1004: /);
    expect(readFileSync(join(dir, 'inc/example.h'), 'utf8')).toBe('old\r\n');
    expect(readdirSync(join(dir, 'inc'))).toEqual(['example.h']);
  });

  it('--header-template generates the header from a user template over the same model', () => {
    const r = winmc(['--header-template', join(repoRoot, 'fixtures/templates/constants.ts.hbs'), '-e', 'ts', '-h', 'tpl', '-r', 'tpl', example]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(readFileSync(join(work, 'tpl/example.ts'), 'utf8')).toBe(readFileSync(join(repoRoot, 'fixtures/templates/constants.expected.ts'), 'utf8'));
  });

  it('--res and --dll package the tables; dump reads back the same messages from both', () => {
    const r = winmc(['-h', 'pk', '-r', 'pk', '--res', 'pk/example.res', '--dll', 'pk/example.dll', '--machine', 'x86', example]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const texts = (file: string) => {
      const d = winmc(['dump', '--json', file]);
      expect(d.code).toBe(0);
      const json = JSON.parse(d.stdout) as { files: { tables: { languageId: number; messages: { id: number; text: string }[] }[] }[] };
      return json.files[0]!.tables.map((t) => [t.languageId, t.messages.map((m) => [m.id, m.text])]);
    };
    const want = [[0x409, [[1, 'Hello\r\n'], [2, 'Name? %0\r\n'], [0xc1000010, 'Failed: %1\r\n']]]];
    expect(texts('pk/example.res')).toEqual(want);
    expect(texts('pk/example.dll')).toEqual(want);
  });

  it('compiles the README example from a copy of fixtures/', () => {
    const dir = join(work, 'readme');
    cpSync(join(repoRoot, 'fixtures/compile/spec-example/input'), dir, { recursive: true });
    expect(winmc(['compile', 'example.mc'], dir).code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['MSG00001.bin', 'example.h', 'example.mc', 'example.rc']);
  });
});
