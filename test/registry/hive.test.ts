// The hive backend edits a SYSTEM-like hive that hivexsh built (on top of an empty hive from our
// writer), and every result is read back by hivex (hivexget, hivexsh) and libregf (regfexport).

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HiveRegistry, applyToHiveFile } from '../../src/registry/hive.js';
import { validateRegistration, type RegistrationInput } from '../../src/registry/model.js';
import { plan } from '../../src/registry/plan.js';
import { RegistryError } from '../../src/registry/errors.js';
import { RegfHive, baseBlockChecksum } from '../../src/registry/regf.js';
import { HIVEXGET, HIVEXSH, REGFEXPORT, hivexValues, multiSz, regfexportTypes, run, utf16z, SAMPLE_SOURCE } from './peers.js';

const hasHivex = HIVEXSH !== undefined && HIVEXGET !== undefined;
if (!hasHivex) console.warn('hive backend tests skipped: hivexsh/hivexget (libhivex-bin) not installed');
if (!REGFEXPORT) console.warn('regfexport checks skipped: regfexport (libregf-utils) not installed');

const SYSTEM_KEY = '\\ControlSet001\\Services\\EventLog\\System';

const A: RegistrationInput = { ...SAMPLE_SOURCE, parameterMessageFile: '%SystemRoot%\\System32\\kernel32.dll' };
const B: RegistrationInput = { log: 'System', source: 'WinmcB', eventMessageFiles: ['%SystemRoot%\\System32\\drivers\\winmcb.sys'], typesSupported: 0x1f };

function hexOf(data: Buffer): string {
  return [...data].map((b) => b.toString(16).padStart(2, '0')).join(',');
}

/** Empty hive from our writer; the SYSTEM layout is added by hivexsh, so its cells are hivex's. */
function makeSystemHive(path: string, sources: string[] = ['System']): void {
  writeFileSync(path, RegfHive.create().toBytes());
  const script = [
    'add Select', 'cd Select', 'setval 1', 'Current', 'dword:1', 'cd ..',
    'add ControlSet001', 'cd ControlSet001', 'add Services', 'cd Services', 'add EventLog', 'cd EventLog',
    'add Application', 'add System', 'cd System', 'add Tcpip', 'cd Tcpip', 'setval 1', 'EventMessageFile', 'expandstring:%SystemRoot%\\System32\\netevent.dll', 'cd ..',
    'setval 1', 'Sources', `hex:7:${hexOf(multiSz(sources))}`,
    'commit',
  ].join('\n') + '\n';
  const r = run(HIVEXSH!, ['-w', path], script);
  if (r.status !== 0) throw new Error(`hivexsh failed: ${r.stderr}`);
}

function register(hive: string, input: RegistrationInput, faultAfter?: number) {
  return applyToHiveFile(hive, plan(validateRegistration(input), 'register'), { faultAfter });
}
function unregister(hive: string, source: string) {
  return applyToHiveFile(hive, plan(validateRegistration({ log: 'System', source }, { forUnregister: true }), 'unregister'));
}

function sourcesOf(hive: string): string[] {
  const v = hivexValues(hive, SYSTEM_KEY)!.get('Sources')!;
  expect(v.type).toBe(7);
  return v.data.toString('utf16le').split('\0').filter((s) => s !== '');
}

function subkeysOf(hive: string, key: string): string[] {
  const r = run(HIVEXSH!, [hive], `cd ${key}\nls\n`);
  expect(r.status).toBe(0);
  return r.stdout.split('\n').filter((s) => s !== '');
}

describe.skipIf(!hasHivex)(`hive backend, checked by hivex and libregf${hasHivex ? '' : ' (skipped: hivexsh not installed)'}`, () => {
  let dir: string;
  let hive: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'winmc-hive-'));
    hive = join(dir, 'SYSTEM');
    makeSystemHive(hive);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('register → query → unregister → query round-trips, values typed exactly', () => {
    const before = run(HIVEXGET!, [hive, SYSTEM_KEY]).stdout;
    expect(register(hive, A).written).toBe(true);

    const a = hivexValues(hive, `${SYSTEM_KEY}\\WinmcA`)!;
    expect(a.get('EventMessageFile')).toEqual({ type: 2, data: utf16z('%SystemRoot%\\System32\\IoLogMsg.dll;%SystemRoot%\\System32\\drivers\\winmca.sys') });
    expect(a.get('TypesSupported')).toEqual({ type: 4, data: Buffer.from([7, 0, 0, 0]) });
    expect(a.get('CategoryMessageFile')).toEqual({ type: 2, data: utf16z('%SystemRoot%\\System32\\drivers\\winmca.sys') });
    expect(a.get('CategoryCount')).toEqual({ type: 4, data: Buffer.from([3, 0, 0, 0]) });
    expect(a.get('ParameterMessageFile')).toEqual({ type: 2, data: utf16z('%SystemRoot%\\System32\\kernel32.dll') });
    expect(a.get('ProviderGuid')).toEqual({ type: 1, data: utf16z('{12345678-1234-1234-1234-123456789abc}') });
    expect(a.size).toBe(6);
    expect(sourcesOf(hive)).toEqual(['System', 'WinmcA']);
    // hivexget's single-value form prints the stored string: unexpanded.
    expect(run(HIVEXGET!, [hive, `${SYSTEM_KEY}\\WinmcA`, 'EventMessageFile']).stdout.trim()).toBe(
      '%SystemRoot%\\System32\\IoLogMsg.dll;%SystemRoot%\\System32\\drivers\\winmca.sys',
    );

    if (REGFEXPORT) {
      const r = regfexportTypes(hive);
      expect(r.status, r.stderr).toBe(0);
      const types = r.keys.get('root\\controlset001\\services\\eventlog\\system\\winmca');
      expect(Object.fromEntries(types!)).toEqual({
        EventMessageFile: 'REG_EXPAND_SZ',
        TypesSupported: 'REG_DWORD_LITTLE_ENDIAN',
        CategoryMessageFile: 'REG_EXPAND_SZ',
        CategoryCount: 'REG_DWORD_LITTLE_ENDIAN',
        ParameterMessageFile: 'REG_EXPAND_SZ',
        ProviderGuid: 'REG_SZ',
      });
    }

    expect(unregister(hive, 'WinmcA').written).toBe(true);
    expect(hivexValues(hive, `${SYSTEM_KEY}\\WinmcA`)).toBeUndefined();
    expect(subkeysOf(hive, SYSTEM_KEY)).toEqual(['Tcpip']);
    expect(run(HIVEXGET!, [hive, SYSTEM_KEY]).stdout).toBe(before);
    if (REGFEXPORT) expect(regfexportTypes(hive).status).toBe(0);
  });

  it('a second source keeps the first one\'s key and Sources entry; unregistering one keeps the other', () => {
    register(hive, A);
    const aBefore = hivexValues(hive, `${SYSTEM_KEY}\\WinmcA`);
    register(hive, B);
    expect(hivexValues(hive, `${SYSTEM_KEY}\\WinmcA`)).toEqual(aBefore);
    expect(hivexValues(hive, `${SYSTEM_KEY}\\WinmcB`)!.get('TypesSupported')!.data).toEqual(Buffer.from([0x1f, 0, 0, 0]));
    expect(sourcesOf(hive)).toEqual(['System', 'WinmcA', 'WinmcB']);
    expect(subkeysOf(hive, SYSTEM_KEY)).toEqual(['Tcpip', 'WinmcA', 'WinmcB']);

    unregister(hive, 'WinmcA');
    expect(sourcesOf(hive)).toEqual(['System', 'WinmcB']);
    expect(hivexValues(hive, `${SYSTEM_KEY}\\WinmcB`)!.size).toBe(2);
    expect(hivexValues(hive, `${SYSTEM_KEY}\\Tcpip`)!.get('EventMessageFile')!.type).toBe(2);
  });

  it('both directions are idempotent: a repeat changes nothing and leaves the file untouched', () => {
    register(hive, A);
    const once = readFileSync(hive);
    const again = register(hive, A);
    expect(again).toEqual({ changes: [], written: false });
    expect(readFileSync(hive).equals(once)).toBe(true);

    unregister(hive, 'WinmcA');
    const removed = readFileSync(hive);
    expect(unregister(hive, 'WinmcA')).toEqual({ changes: [], written: false });
    expect(readFileSync(hive).equals(removed)).toBe(true);
  });

  it('re-registering without a category file removes the old category values', () => {
    register(hive, A);
    register(hive, { ...A, categoryMessageFile: undefined, categoryCount: undefined, parameterMessageFile: undefined, providerGuid: undefined });
    expect([...hivexValues(hive, `${SYSTEM_KEY}\\WinmcA`)!.keys()].sort()).toEqual(['EventMessageFile', 'TypesSupported']);
  });

  it('a registration that fails after its first write leaves the hive file exactly as it was', () => {
    register(hive, A);
    const before = readFileSync(hive);
    expect(() => register(hive, B, 1)).toThrow(/MC7009|injected fault after 1 change.*restored HKLM\\SYSTEM\\CurrentControlSet\\Services\\EventLog\\System\\WinmcB/);
    try {
      register(hive, B, 1);
    } catch (err) {
      expect((err as { code: string }).code).toBe('MC7009');
      expect((err as Error).message).toContain('restored HKLM\\SYSTEM\\CurrentControlSet\\Services\\EventLog\\System\\WinmcB');
    }
    expect(readFileSync(hive).equals(before)).toBe(true);
    expect(hivexValues(hive, `${SYSTEM_KEY}\\WinmcB`)).toBeUndefined();
  });

  it('writes a clean header: equal sequence numbers, advanced, and a checksum hivex accepts', () => {
    const seqBefore = readFileSync(hive).readUInt32LE(4);
    register(hive, A);
    const bytes = readFileSync(hive);
    expect(bytes.readUInt32LE(4)).toBe(seqBefore + 1);
    expect(bytes.readUInt32LE(8)).toBe(seqBefore + 1);
    expect(bytes.readUInt32LE(508)).toBe(baseBlockChecksum(bytes));
    expect(bytes.length).toBe(4096 + bytes.readUInt32LE(40));
    // hivex refuses a hive whose checksum is wrong; prove it is checking.
    const broken = Buffer.from(bytes);
    broken.writeUInt32LE((bytes.readUInt32LE(508) ^ 1) >>> 0, 508);
    const brokenPath = join(dir, 'BROKEN');
    writeFileSync(brokenPath, broken);
    expect(run(HIVEXGET!, [brokenPath, SYSTEM_KEY]).status).not.toBe(0);
  });

  it('writes a Sources list over 16344 bytes as big data (db) that hivex and libregf read back', () => {
    // hivexsh cannot take a value this long on one line, so the long list is set through our editor.
    const many = Array.from({ length: 1000 }, (_, i) => `Source${String(i).padStart(4, '0')}`);
    const h = new HiveRegistry(RegfHive.open(readFileSync(hive)));
    h.setValue('SYSTEM\\CurrentControlSet\\Services\\EventLog\\System', 'Sources', { type: 7, data: multiSz(['System', ...many]) });
    writeFileSync(hive, h.hive.toBytes());
    expect(sourcesOf(hive)).toEqual(['System', ...many]);
    register(hive, A);
    expect(sourcesOf(hive)).toEqual(['System', ...many, 'WinmcA']);
    // hivex's debug walk of the bins names each cell; a db (big data) cell must be among them.
    expect(run(HIVEXSH!, ['-d', hive], '').stderr).toMatch(/used block id 100,98 \(db\)/);
    if (REGFEXPORT) expect(regfexportTypes(hive).keys.get('root\\controlset001\\services\\eventlog\\system')!.get('Sources')).toBe('REG_MULTI_SZ');
    unregister(hive, 'WinmcA');
    expect(sourcesOf(hive)).toEqual(['System', ...many]);
  });

  it('keeps the subkey list sorted and complete as many sources come and go', () => {
    const names = Array.from({ length: 60 }, (_, i) => `src${((i * 37) % 60).toString(36)}_${i}`);
    for (const n of names) register(hive, { log: 'System', source: n, eventMessageFiles: [`%SystemRoot%\\${n}.dll`] });
    // hivexsh lists names in its own (lower-case) order; the list in the hive is in upper-case order.
    const byUpper = (x: string, y: string) => (x.toUpperCase() < y.toUpperCase() ? -1 : 1);
    const byLower = (x: string, y: string) => (x.toLowerCase() < y.toLowerCase() ? -1 : 1);
    expect(subkeysOf(hive, SYSTEM_KEY).sort(byLower)).toEqual([...names, 'Tcpip'].sort(byLower));
    const h = RegfHive.open(readFileSync(hive));
    const system = h.openPath(['ControlSet001', 'Services', 'EventLog', 'System'])!;
    expect(h.subkeys(system).map((k) => h.keyName(k))).toEqual([...names, 'Tcpip'].sort(byUpper));
    for (const n of names.filter((_, i) => i % 2 === 0)) unregister(hive, n);
    const left = names.filter((_, i) => i % 2 === 1);
    expect(subkeysOf(hive, SYSTEM_KEY).sort(byLower)).toEqual([...left, 'Tcpip'].sort(byLower));
    expect(sourcesOf(hive)).toEqual(['System', ...left]);
    for (const n of left) expect(hivexValues(hive, `${SYSTEM_KEY}\\${n}`)!.get('EventMessageFile')!.data).toEqual(utf16z(`%SystemRoot%\\${n}.dll`));
    if (REGFEXPORT) expect(regfexportTypes(hive).status).toBe(0);
  });

  it('refuses a source that is already registered in another log', () => {
    register(hive, A);
    expect(() => register(hive, { ...A, log: 'Application' })).toThrow(/already registered in log 'System'/);
  });
});

describe('regf reader rejects malformed hives with a located message', () => {
  const good = RegfHive.create().toBytes();

  it('accepts the hive our writer creates', () => {
    const h = RegfHive.open(good);
    expect(h.keyName(h.rootOffset)).toBe('ROOT');
    expect(h.subkeys(h.rootOffset)).toEqual([]);
  });

  it('bad checksum', () => {
    const b = Uint8Array.from(good);
    b[100] ^= 0xff;
    expect(() => RegfHive.open(b, 'X.hiv')).toThrow(/X\.hiv: bad base block checksum at offset 508/);
  });

  it('truncated file', () => {
    expect(() => RegfHive.open(good.subarray(0, 5000), 'X.hiv')).toThrow(/hive bins size 4096 at offset 40 does not fit a 5000-byte file/);
    expect(() => RegfHive.open(good.subarray(0, 100), 'X.hiv')).toThrow(/shorter than the 4096-byte base block/);
  });

  it('root cell offset outside the bins', () => {
    const b = Uint8Array.from(good);
    const dv = new DataView(b.buffer);
    dv.setUint32(36, 0x7ffff8, true);
    dv.setUint32(508, baseBlockChecksum(b), true);
    expect(() => RegfHive.open(b, 'X.hiv')).toThrow(/root key: cell offset 0x7ffff8 is outside the hive bins/);
  });

  it('a cell size that runs past its hbin', () => {
    const b = Uint8Array.from(good);
    new DataView(b.buffer).setInt32(4096 + 0x20, -0x2000, true);
    expect(() => RegfHive.open(b, 'X.hiv')).toThrow(/cell size -8192 is invalid at file offset 0x1020/);
  });

  it('a dirty hive (sequence numbers differ)', () => {
    const b = Uint8Array.from(good);
    const dv = new DataView(b.buffer);
    dv.setUint32(8, dv.getUint32(4, true) + 1, true);
    dv.setUint32(508, baseBlockChecksum(b), true);
    expect(() => RegfHive.open(b, 'X.hiv')).toThrow(/hive is dirty/);
  });
});

describe('regf reader on damaged hives', () => {
  /** A small hive with keys, values, an lh list and big data, built by our editor. */
  function sample(): Uint8Array {
    const hive = RegfHive.create();
    const root = hive.rootOffset;
    for (const name of ['Alpha', 'beta', 'Gamma']) {
      const k = hive.createSubkey(root, name);
      hive.setValue(k, 'S', { type: 1, data: utf16z(name) });
      hive.setValue(k, 'D', { type: 4, data: Uint8Array.of(1, 2, 3, 4) });
    }
    hive.setValue(hive.findSubkey(root, 'beta')!, 'Big', { type: 3, data: new Uint8Array(20000).fill(7) });
    return hive.toBytes();
  }

  /** Reads everything reachable, as a consumer would; depth-limited so a cyclic list cannot recurse forever. */
  function walk(h: RegfHive, nk: number, depth = 0): number {
    if (depth > 8) return 0;
    let n = 0;
    h.keyName(nk);
    for (const name of h.valueNames(nk)) n += h.getValue(nk, name)!.data.length;
    for (const k of h.subkeys(nk)) n += walk(h, k, depth + 1);
    return n;
  }

  it('reads the undamaged sample completely', () => {
    const h = RegfHive.open(sample());
    // Per key: 'S' (name + NUL in UTF-16) and 'D' (4 bytes); beta also 'Big'.
    expect(walk(h, h.rootOffset)).toBe(12 + 4 + (10 + 4) + (12 + 4) + 20000);
    expect(h.getValue(h.findSubkey(h.rootOffset, 'BETA')!, 'big')!.data).toEqual(new Uint8Array(20000).fill(7));
  });

  it('random byte damage in the bins gives a located MC7003 error or a successful read, never a crash', async () => {
    const fc = await import('fast-check');
    const good = sample();
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 4096, max: good.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (edits) => {
        const b = Uint8Array.from(good);
        for (const [at, v] of edits) b[at] = v;
        try {
          const h = RegfHive.open(b, 'damaged.hiv');
          walk(h, h.rootOffset);
        } catch (err) {
          expect(err).toBeInstanceOf(RegistryError);
          expect((err as RegistryError).code).toBe('MC7003');
          expect((err as Error).message.startsWith('damaged.hiv: ')).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });
});
