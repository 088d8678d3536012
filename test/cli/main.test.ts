// The winmc command itself: commands, unknown commands, version, usage; one exit convention.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, winmcBin } from '../support/paths.js';

const built = existsSync(join(repoRoot, 'dist/cli/main.js'));

function winmc(...args: string[]) {
  const r = spawnSync(process.execPath, [winmcBin, ...args], { cwd: repoRoot, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!built)('winmc (skipped without a build)', () => {
  it('-V and --version print the package version', () => {
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    expect(winmc('-V')).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(winmc('--version').stdout).toBe(`${version}\n`);
  });

  it('nothing given: the usage on stderr, exit 2; --help: on stdout, exit 0', () => {
    const none = winmc();
    expect([none.code, none.stdout]).toEqual([2, '']);
    expect(none.stderr).toMatch(/^Usage: winmc <command>/);
    const help = winmc('--help');
    expect([help.code, help.stderr]).toEqual([0, '']);
    expect(help.stdout).toMatch(/^Usage: winmc <command>/);
  });

  it('an unknown command is one (not a missing file), a near one is suggested', () => {
    expect(winmc('frob')).toMatchObject({ code: 2, stderr: expect.stringMatching(/^winmc : error MC1001: unknown command 'frob' \(commands: /) });
    expect(winmc('compil', 'a.mc')).toMatchObject({ code: 2, stderr: expect.stringMatching(/^winmc : error MC1001: unknown command 'compil'; did you mean compile\?/) });
    // A name with an extension is an input file, as for mc.exe.
    expect(winmc('missing.mc')).toMatchObject({ code: 1, stderr: expect.stringMatching(/^winmc : error MC1003: ENOENT/) });
  });

  it('every command: an unknown option exits 2 with the nearest option', () => {
    expect(winmc('dump', '--jsn', 'x.bin')).toMatchObject({ code: 2, stderr: 'winmc : error MC1001: unknown switch --jsn; did you mean --json?\n' });
    expect(winmc('events', '--packet', 'x.evtx')).toMatchObject({ code: 2, stderr: 'winmc : error MC6001: unknown option --packet; did you mean --packets?\n' });
    expect(winmc('packet', 'limits', '--sise', '3')).toMatchObject({ code: 2, stderr: 'winmc : error MC4001: unknown option --sise; did you mean --size?\n' });
    expect(winmc('register', '--lg', 'System')).toMatchObject({ code: 2, stderr: "winmc : error MC7008: unknown option --lg for 'winmc register'; did you mean --log?\n" });
    expect(winmc('compile', '--warnings-as-error', 'a.mc')).toMatchObject({ code: 2, stderr: 'winmc : error MC1001: unknown switch --warnings-as-error; did you mean --warnings-as-errors?\n' });
  });

  it('an option that needs a value refuses to run without one', () => {
    expect(winmc('events', 'x.evtx', '--provider')).toMatchObject({ code: 2, stderr: 'winmc : error MC6001: --provider needs a value (NAME)\n' });
    expect(winmc('events', 'x.evtx', '--messages')).toMatchObject({ code: 2, stderr: 'winmc : error MC6001: --messages needs a value ([PROVIDER=]FILE)\n' });
  });

  it('winmc packet alone prints its usage on stderr, exit 2; an unknown verb is suggested', () => {
    const r = winmc('packet');
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toMatch(/^Usage: winmc packet build/);
    expect(winmc('packet', 'buld')).toMatchObject({ code: 2, stderr: "winmc : error MC4001: unknown packet command 'buld'; did you mean build? (expected build, decode or limits)\n" });
  });
});
