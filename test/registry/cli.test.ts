// `winmc register` / `winmc unregister` end to end: spawns bin/winmc.js, which needs
// `npm run build` (or `npx tsc -p tsconfig.build.json`) first. Hive results are read by hivex.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RegfHive } from '../../src/registry/regf.js';
import { HIVEXGET, HIVEXSH, hivexValues, multiSz, repoRoot, run, utf16z } from './peers.js';

const bin = join(repoRoot, 'bin', 'winmc.js');
const built = existsSync(join(repoRoot, 'dist', 'cli', 'main.js'));
const hasHivex = HIVEXSH !== undefined && HIVEXGET !== undefined;
const dir = mkdtempSync(join(tmpdir(), 'winmc-register-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function winmc(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function systemHive(): string {
  const path = join(dir, `SYSTEM-${Math.random().toString(36).slice(2)}`);
  writeFileSync(path, RegfHive.create().toBytes());
  const script = ['add Select', 'cd Select', 'setval 1', 'Current', 'dword:2', 'cd ..',
    'add ControlSet002', 'cd ControlSet002', 'add Services', 'cd Services', 'add EventLog', 'cd EventLog', 'add System', 'commit'].join('\n') + '\n';
  expect(run(HIVEXSH!, ['-w', path], script).status).toBe(0);
  return path;
}

const KEY = '\\ControlSet002\\Services\\EventLog\\System';

describe.skipIf(!built)(`winmc register/unregister${built ? '' : ' (skipped: run npm run build first, dist/cli/main.js is missing)'}`, () => {
  it.skipIf(!hasHivex)('registers into an offline hive at \\Select\\Current\'s control set, and unregisters', () => {
    const hive = systemHive();
    const r = winmc('register', '--log', 'System', '--source', 'MyDrv', '--message-file', '%SystemRoot%\\System32\\IoLogMsg.dll;%SystemRoot%\\System32\\drivers\\mydrv.sys',
      '--category-file', '%SystemRoot%\\System32\\drivers\\mydrv.sys', '--category-count', '4', '--types', '0x7', '--target', `hive:${hive}`);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`6 change(s) written to ${hive}\n`);
    const v = hivexValues(hive, `${KEY}\\MyDrv`)!;
    expect(v.get('EventMessageFile')).toEqual({ type: 2, data: utf16z('%SystemRoot%\\System32\\IoLogMsg.dll;%SystemRoot%\\System32\\drivers\\mydrv.sys') });
    expect(v.get('CategoryCount')).toEqual({ type: 4, data: Buffer.from([4, 0, 0, 0]) });
    expect(hivexValues(hive, KEY)!.get('Sources')).toEqual({ type: 7, data: multiSz(['MyDrv']) });

    expect(winmc('register', '--log', 'System', '--source', 'MyDrv', '--message-file', '%SystemRoot%\\System32\\IoLogMsg.dll;%SystemRoot%\\System32\\drivers\\mydrv.sys',
      '--category-file', '%SystemRoot%\\System32\\drivers\\mydrv.sys', '--category-count', '4', '--target', `hive:${hive}`).stdout).toBe(`${hive} already matches; not rewritten\n`);

    const u = winmc('unregister', '--log', 'System', '--source', 'MyDrv', '--target', `hive:${hive}`);
    expect([u.status, u.stdout]).toEqual([0, `6 change(s) written to ${hive}\n`]);
    expect(hivexValues(hive, `${KEY}\\MyDrv`)).toBeUndefined();
    expect(hivexValues(hive, KEY)!.get('Sources')).toEqual({ type: 7, data: multiSz([]) });
  });

  it.skipIf(!hasHivex)('--dry-run prints the plan and the exact changes, and leaves the hive alone', () => {
    const hive = systemHive();
    const before = readFileSync(hive);
    const r = winmc('register', '--log', 'System', '--source', 'MyDrv', '--message-file', '%SystemRoot%\\a.dll', '--provider-guid', '{12345678-1234-1234-1234-123456789abc}', '--target', `hive:${hive}`, '--dry-run');
    expect(r.status).toBe(0);
    const src = 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\EventLog\\System\\MyDrv';
    expect(r.stdout).toBe(
      [
        `register source 'MyDrv' in log 'System', target hive:${hive}`,
        'plan:',
        `  create key   ${src}`,
        `  set value    ${src} : EventMessageFile = REG_EXPAND_SZ "%SystemRoot%\\a.dll"`,
        `  set value    ${src} : TypesSupported = REG_DWORD 7`,
        `  set value    ${src} : ProviderGuid = REG_SZ "{12345678-1234-1234-1234-123456789abc}"`,
        `  delete value ${src} : CategoryMessageFile (if present)`,
        `  delete value ${src} : CategoryCount (if present)`,
        `  delete value ${src} : ParameterMessageFile (if present)`,
        `  add to list  HKLM\\SYSTEM\\CurrentControlSet\\Services\\EventLog\\System : Sources += "MyDrv" (if absent)`,
        'changes:',
        `  create key   ${src}`,
        `  set value    ${src} : EventMessageFile = REG_EXPAND_SZ "%SystemRoot%\\a.dll"`,
        `  set value    ${src} : TypesSupported = REG_DWORD 7`,
        `  set value    ${src} : ProviderGuid = REG_SZ "{12345678-1234-1234-1234-123456789abc}"`,
        `  set value    HKLM\\SYSTEM\\CurrentControlSet\\Services\\EventLog\\System : Sources = REG_MULTI_SZ ["MyDrv"]`,
        '',
      ].join('\n'),
    );
    expect(readFileSync(hive).equals(before)).toBe(true);
  });

  it('--dry-run for a .reg target prints the plan without writing the file', () => {
    const out = join(dir, 'dry.reg');
    const r = winmc('unregister', '--log', 'Application', '--source', 'App1', '--target', `reg:${out}`, '--dry-run');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("unregister source 'App1' in log 'Application', target reg:");
    expect(r.stdout).toContain('  remove item  HKLM\\SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application : Sources -= "App1" (if present)\n');
    expect(r.stdout).toContain('changes: not known here');
    expect(existsSync(out)).toBe(false);
  });

  it('writes .reg and .inf targets, warning about steps a .reg cannot express blind', () => {
    const reg = join(dir, 'out.reg');
    const r = winmc('register', '--log', 'System', '--source', 'MyDrv', '--message-file', 'C:\\d\\my.sys', '--target', `reg:${reg}`);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('winmc : warning MC7010: ');
    const text = readFileSync(reg).subarray(2).toString('utf16le');
    expect(text.startsWith('Windows Registry Editor Version 5.00\r\n')).toBe(true);
    expect(text).toContain('"TypesSupported"=dword:00000007\r\n');
    const inf = join(dir, 'out.inf');
    expect(winmc('register', '--log', 'System', '--source', 'MyDrv', '--message-file', 'C:\\d\\my.sys', '--target', `inf:${inf}`).status).toBe(0);
    expect(readFileSync(inf, 'latin1')).toContain('HKR,,EventMessageFile,0x00020000,"C:\\d\\my.sys"\r\n');
  });

  it('reports errors as winmc : error MCnnnn: 1 for a bad registration, 2 for a bad command line', () => {
    const bad = winmc('register', '--log', 'System', '--source', 'a\\b', '--message-file', 'x', '--target', 'reg:x.reg');
    expect([bad.status, bad.stderr]).toEqual([1, "winmc : error MC7001: source: 'a\\b' contains a backslash\n"]);
    const target = winmc('register', '--log', 'System', '--source', 'a', '--message-file', 'x', '--target', 'ftp:x');
    expect(target.status).toBe(2);
    expect(target.stderr.split('\n')[0]).toBe("winmc : error MC7008: --target 'ftp:x' is not live, reg:FILE, inf:FILE or hive:FILE");
    const types = winmc('register', '--log', 'System', '--source', 'a', '--message-file', 'x', '--types', 'seven', '--target', 'reg:x.reg');
    expect(types.stderr.split('\n')[0]).toBe("winmc : error MC7008: --types 'seven' is not a number");
    const unknown = winmc('unregister', '--log', 'System', '--source', 'a', '--message-file', 'x');
    expect(unknown.stderr.split('\n')[0]).toBe("winmc : error MC7008: unknown option --message-file for 'winmc unregister'");
    const notHive = join(dir, 'not-a-hive');
    writeFileSync(notHive, 'hello');
    const h = winmc('register', '--log', 'System', '--source', 'a', '--message-file', 'x', '--target', `hive:${notHive}`);
    expect([h.status, h.stderr]).toEqual([1, `winmc : error MC7003: ${notHive}: file is 5 bytes, shorter than the 4096-byte base block\n`]);
    if (process.platform !== 'win32') {
      const live = winmc('register', '--log', 'System', '--source', 'a', '--message-file', 'x');
      expect(live.stderr).toBe(`winmc : error MC7005: the live registry is only available on Windows (this is ${process.platform}); use --target reg:FILE, inf:FILE or hive:FILE\n`);
    }
  });
});
