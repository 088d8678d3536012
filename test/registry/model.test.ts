// Validation of the registration model, and the plan/resolve stages, on their own. Views here
// are parsed from .reg text, the same reader the Wine tests check against reg export.

import { describe, expect, it } from 'vitest';
import { RegistryError } from '../../src/registry/errors.js';
import { expandEnvironment, validateRegistration } from '../../src/registry/model.js';
import { describeChange, plan, resolve } from '../../src/registry/plan.js';
import { RegFileView, parseRegFile } from '../../src/registry/reg-file.js';

const base = { log: 'System', source: 'MyDrv', eventMessageFiles: ['%SystemRoot%\\System32\\IoLogMsg.dll'] };

function errorOf(f: () => unknown): RegistryError {
  try {
    f();
  } catch (err) {
    if (err instanceof RegistryError) return err;
    throw err;
  }
  throw new Error('no error');
}

function view(text: string): RegFileView {
  return new RegFileView(parseRegFile(new TextEncoder().encode('Windows Registry Editor Version 5.00\r\n\r\n' + text), 'view.reg'));
}

describe('validateRegistration', () => {
  it('accepts a source name of exactly the .NET limit (254 with the EventLog key path)', () => {
    expect(validateRegistration({ ...base, source: 'x'.repeat(212) }).source).toHaveLength(212);
  });

  it('fills in TypesSupported 7 and Sources updating, and normalises the GUID to braces', () => {
    expect(validateRegistration({ ...base, providerGuid: '12345678-1234-1234-1234-123456789ABC' })).toEqual({
      ...base,
      typesSupported: 7,
      updateSources: true,
      providerGuid: '{12345678-1234-1234-1234-123456789ABC}',
    });
  });

  it.each([
    [{ ...base, source: 'a\\b' }, 'MC7001', "source: 'a\\b' contains a backslash"],
    [{ ...base, log: '' }, 'MC7001', 'log: is required'],
    [{ ...base, source: 'system' }, 'MC7001', "source: 'system' is the name of its log"],
    [{ ...base, source: 'x'.repeat(213) }, 'MC7001', `source: '${'x'.repeat(213)}' is too long: name + 'SYSTEM\\CurrentControlSet\\Services\\EventLog' must fit in 254 characters`],
    [{ ...base, eventMessageFiles: [] }, 'MC7001', 'message-file: at least one message file is required'],
    [{ ...base, eventMessageFiles: ['a.dll', 'b;c.dll'] }, 'MC7001', "message-file[2]: 'b;c.dll' contains ';', which separates message files"],
    [{ ...base, typesSupported: 0 }, 'MC7001', 'types: 0 is out of range 1..31'],
    [{ ...base, typesSupported: 0x20 }, 'MC7001', 'types: 32 is out of range 1..31'],
    [{ ...base, categoryMessageFile: 'c.dll' }, 'MC7001', 'category-count: category file and category count go together'],
    [{ ...base, categoryCount: 2 }, 'MC7001', 'category-file: category file and category count go together'],
    [{ ...base, categoryMessageFile: 'c.dll', categoryCount: 0x10000 }, 'MC7001', 'category-count: 65536 is out of range 1..65535'],
    [{ ...base, providerGuid: '{1234}' }, 'MC7001', "provider-guid: '{1234}' is not a GUID like {12345678-1234-1234-1234-123456789abc}"],
  ])('rejects %o', (input, code, message) => {
    const err = errorOf(() => validateRegistration(input));
    expect([err.code, err.message]).toEqual([code, message]);
  });

  it('checks that message files exist after %VAR% expansion, only when asked', () => {
    const seen: string[] = [];
    const fileExists = (p: string) => (seen.push(p), p.startsWith('C:\\Windows'));
    const env = { SystemRoot: 'C:\\Windows' };
    validateRegistration(base, { fileExists, env });
    expect(seen).toEqual(['C:\\Windows\\System32\\IoLogMsg.dll']);
    expect(errorOf(() => validateRegistration({ ...base, eventMessageFiles: ['D:\\x.dll'] }, { fileExists, env })).message).toBe("message-file[1]: 'D:\\x.dll' does not exist");
    expect(errorOf(() => validateRegistration({ ...base, eventMessageFiles: ['%Nope%\\x.dll'] }, { fileExists, env })).code).toBe('MC7002');
    expect(validateRegistration({ ...base, eventMessageFiles: ['D:\\x.dll'] }).eventMessageFiles).toEqual(['D:\\x.dll']);
  });

  it('expands %VAR% case-insensitively, as ExpandEnvironmentStrings does', () => {
    expect(expandEnvironment('%systemroot%\\a;%SYSTEMROOT%\\b', { SystemRoot: 'C:\\W' })).toBe('C:\\W\\a;C:\\W\\b');
    expect(expandEnvironment('%X%', {})).toBeUndefined();
  });
});

describe('plan and resolve', () => {
  const reg = validateRegistration({ ...base, categoryMessageFile: 'c.dll', categoryCount: 2 });
  const SRC = 'SYSTEM\\CurrentControlSet\\Services\\EventLog\\System\\MyDrv';

  it('against an empty registry, creates every missing key and writes each value once', () => {
    const changes = resolve(plan(reg), view('')).changes.map(describeChange);
    expect(changes).toEqual([
      'create key   HKLM\\SYSTEM',
      'create key   HKLM\\SYSTEM\\CurrentControlSet',
      'create key   HKLM\\SYSTEM\\CurrentControlSet\\Services',
      'create key   HKLM\\SYSTEM\\CurrentControlSet\\Services\\EventLog',
      'create key   HKLM\\SYSTEM\\CurrentControlSet\\Services\\EventLog\\System',
      `create key   HKLM\\${SRC}`,
      `set value    HKLM\\${SRC} : EventMessageFile = REG_EXPAND_SZ "%SystemRoot%\\System32\\IoLogMsg.dll"`,
      `set value    HKLM\\${SRC} : TypesSupported = REG_DWORD 7`,
      `set value    HKLM\\${SRC} : CategoryMessageFile = REG_EXPAND_SZ "c.dll"`,
      `set value    HKLM\\${SRC} : CategoryCount = REG_DWORD 2`,
      'set value    HKLM\\SYSTEM\\CurrentControlSet\\Services\\EventLog\\System : Sources = REG_MULTI_SZ ["MyDrv"]',
    ]);
  });

  it('adds to Sources case-insensitively once, and refuses a Sources that is not REG_MULTI_SZ', () => {
    const present = view('[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\EventLog\\System]\r\n"Sources"=hex(7):4d,00,59,00,44,00,52,00,56,00,00,00,00,00\r\n');
    expect(resolve(plan(reg), present).changes.some((c) => 'name' in c && c.name === 'Sources')).toBe(false);
    const wrong = view('[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\EventLog\\System]\r\n"Sources"="MyDrv"\r\n');
    expect(errorOf(() => resolve(plan(reg), wrong)).message).toBe(
      'HKLM\\SYSTEM\\CurrentControlSet\\Services\\EventLog\\System\\Sources is REG_SZ, not REG_MULTI_SZ; not changing it',
    );
  });

  it('refuses a source that is a log name or registered in another log', () => {
    const logs = view('[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\EventLog\\MyDrv]\r\n');
    expect(errorOf(() => resolve(plan(reg), logs)).message).toBe("source 'MyDrv' has the name of the log 'MyDrv'");
    const other = view('[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\mydrv]\r\n');
    expect(errorOf(() => resolve(plan(reg), other)).code).toBe('MC7006');
  });

  it('unregister deletes only its own values, and the key only when nothing else is left', () => {
    const unreg = plan(validateRegistration({ log: 'System', source: 'MyDrv' }, { forUnregister: true }), 'unregister');
    const keep = view(`[HKEY_LOCAL_MACHINE\\${SRC}]\r\n"EventMessageFile"="x"\r\n"CustomSource"=dword:00000001\r\n`);
    expect(resolve(unreg, keep).changes.map(describeChange)).toEqual([`delete value HKLM\\${SRC} : EventMessageFile`]);
    const sub = view(`[HKEY_LOCAL_MACHINE\\${SRC}\\Sub]\r\n`);
    expect(resolve(unreg, sub).changes).toEqual([]);
    const only = view(`[HKEY_LOCAL_MACHINE\\${SRC}]\r\n"TypesSupported"=dword:00000007\r\n`);
    expect(resolve(unreg, only).changes.map(describeChange)).toEqual([`delete value HKLM\\${SRC} : TypesSupported`, `delete key   HKLM\\${SRC}`]);
  });
});
