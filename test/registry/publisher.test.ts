// Manifest publishers on the four targets, each checked by a real registry implementation: a
// corpus manifest is registered and unregistered, and the registry must end as it began.
//   .reg   imported by Wine's reg.exe, read back with reg query / reg export
//   INF    run by Wine's setupapi (SetupInstallFromInfSection, from test/registry/inf-harness.c)
//   live   native-reg's win32-x64 prebuild under the Windows Node in Wine
//   hive   an offline SOFTWARE hive built by hivexsh, read back by hivexget, hivexml and regfexport
// The values checked are the ones docs/registry.md ("Manifest publishers") derives from its sources.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as runRegister } from '../../src/cli/register.js';
import { RegistryError } from '../../src/registry/errors.js';
import { RegFileView, parseRegFile, writeRegFile } from '../../src/registry/reg-file.js';
import { applyPublisherToHiveFile } from '../../src/registry/publisher-hive.js';
import { publisherSectionName, writePublisherInf } from '../../src/registry/publisher-inf.js';
import {
  CHANNELS_KEY,
  PUBLISHERS_KEY,
  WINEVT_KEY,
  loadPublisherManifest,
  planPublisher,
  publishersFromManifest,
  resolvePublisher,
  type PublisherRegistration,
} from '../../src/registry/publisher.js';
import { RegfHive } from '../../src/registry/regf.js';
import { corpusPath, corpusSkipNote, hasCorpus } from '../support/paths.js';
import {
  HIVEXGET,
  HIVEXSH,
  NATIVE_REG_DIR,
  REGFEXPORT,
  WINE64,
  WinePrefix,
  hasNativeRegPrebuild,
  hivexValues,
  regQuery,
  repoRoot,
  run,
  transpileRegistry,
  utf16z,
  which,
  winePath,
  windowsNode,
} from './peers.js';

const LARGE = corpusPath('man', 'gix__event-trace-kit__Large__mc18362', 'input', 'Large.man');
const OSQUERY = corpusPath('man', 'osquery__osquery__osquery__976906454', 'input', 'osquery.man');

/** Large.man's first provider: four own channels (every type and isolation, access, maxSize) and four imported ones. */
const P1 = `${PUBLISHERS_KEY}\\{716EFEF7-5AC2-4EE0-8277-D9226411A155}`;
/** Another publisher and its channel, and the Application channel, that every round trip must leave alone. */
const OTHER = `${PUBLISHERS_KEY}\\{11111111-2222-3333-4444-555555555555}`;
const OTHER_CHANNEL = `${CHANNELS_KEY}\\Other-Provider/Operational`;
const APPLICATION = `${CHANNELS_KEY}\\Application`;

async function registration(file: string, direction: 'register' | 'unregister' = 'register'): Promise<PublisherRegistration> {
  return publishersFromManifest(await loadPublisherManifest(readFileSync(file), file), {}, { forUnregister: direction === 'unregister' });
}

/** What `reg query` must show for Large.man's first provider and its Admin channel. */
function checkQueried(query: (key: string) => Map<string, { type: string; data: string }> | undefined): void {
  expect(Object.fromEntries(query(P1)!)).toEqual({
    '(Default)': { type: 'REG_SZ', data: 'ProviderName1.716EFEF75AC24EE08277D9226411A155' },
    ResourceFileName: { type: 'REG_EXPAND_SZ', data: 'res.dll' },
    MessageFileName: { type: 'REG_EXPAND_SZ', data: 'msg.dll' },
    ParameterFileName: { type: 'REG_EXPAND_SZ', data: 'param.dll' },
    Enabled: { type: 'REG_DWORD', data: '0x1' },
  });
  expect(Object.fromEntries(query(`${P1}\\ChannelReferences`)!)).toEqual({ Count: { type: 'REG_DWORD', data: '0x8' } });
  expect(Object.fromEntries(query(`${P1}\\ChannelReferences\\0`)!)).toEqual({
    '(Default)': { type: 'REG_SZ', data: 'P1/ChannelName1' },
    Id: { type: 'REG_DWORD', data: '0x14' },
    Flags: { type: 'REG_DWORD', data: '0x0' },
  });
  // An imported Windows channel: its winmeta value, flagged EvtChannelReferenceImported.
  expect(Object.fromEntries(query(`${P1}\\ChannelReferences\\5`)!)).toEqual({
    '(Default)': { type: 'REG_SZ', data: 'Application' },
    Id: { type: 'REG_DWORD', data: '0x9' },
    Flags: { type: 'REG_DWORD', data: '0x1' },
  });
  expect(Object.fromEntries(query(`${CHANNELS_KEY}\\P1/ChannelName1`)!)).toEqual({
    OwningPublisher: { type: 'REG_SZ', data: '{716EFEF7-5AC2-4EE0-8277-D9226411A155}' },
    Enabled: { type: 'REG_DWORD', data: '0x0' },
    Isolation: { type: 'REG_DWORD', data: '0x0' },
    ChannelAccess: { type: 'REG_SZ', data: 'O:BAG:SYD:' },
    MaxSize: { type: 'REG_DWORD', data: '0x3039' },
    MaxSizeUpper: { type: 'REG_DWORD', data: '0x0' },
    Type: { type: 'REG_DWORD', data: '0x0' },
  });
  expect(query(`${CHANNELS_KEY}\\P1/ChannelName4`)!.get('Type')).toEqual({ type: 'REG_DWORD', data: '0x3' });
  expect(query(`${CHANNELS_KEY}\\P1/ChannelName4`)!.get('Isolation')).toEqual({ type: 'REG_DWORD', data: '0x2' });
  // Imported channels get no key of this publisher's.
  expect(query(`${CHANNELS_KEY}\\Security`)).toBeUndefined();
}

const BASELINE_REG = [
  'Windows Registry Editor Version 5.00',
  '',
  `[HKEY_LOCAL_MACHINE\\${OTHER}]`,
  '@="Other-Provider"',
  '"ResourceFileName"=hex(2):6f,00,2e,00,64,00,6c,00,6c,00,00,00',
  '',
  `[HKEY_LOCAL_MACHINE\\${OTHER}\\ChannelReferences\\0]`,
  '@="Other-Provider/Operational"',
  '"Id"=dword:00000010',
  '',
  `[HKEY_LOCAL_MACHINE\\${OTHER_CHANNEL}]`,
  '"OwningPublisher"="{11111111-2222-3333-4444-555555555555}"',
  '',
  `[HKEY_LOCAL_MACHINE\\${APPLICATION}]`,
  '"Enabled"=dword:00000001',
  '',
].join('\r\n');

const hasWine = WINE64 !== undefined;
const MINGW_GCC = which('x86_64-w64-mingw32-gcc');
const nodeExe = hasWine && hasNativeRegPrebuild ? windowsNode() : undefined;
const wineSkip = !hasCorpus ? corpusSkipNote : !hasWine ? 'wine64 not installed' : '';
if (wineSkip) console.warn(`publisher tests against Wine skipped: ${wineSkip}`);

const DRIVER = `
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { planPublisher, describePublisherChange } from './registry/publisher.js';
import { applyPublisherToLiveRegistry } from './registry/publisher-live.js';
const job = JSON.parse(readFileSync(process.argv[2], 'utf8'), (k, v) => (k === 'maxSize' ? BigInt(v) : v));
const nativeReg = createRequire(import.meta.url)(job.nativeReg);
let result;
try {
  const { changes, notes } = applyPublisherToLiveRegistry(planPublisher(job.registration, job.direction), { nativeReg, faultAfter: job.faultAfter });
  result = { ok: true, platform: process.platform, changes: changes.map(describePublisherChange), notes };
} catch (err) {
  result = { ok: false, code: err.code, message: err.message };
}
console.log(JSON.stringify(result));
`;

describe.skipIf(!!wineSkip)(`publishers on Wine: .reg, INF and live${wineSkip ? ` (skipped: ${wineSkip})` : ''}`, () => {
  let prefix: WinePrefix;
  let dir: string;

  beforeAll(() => {
    prefix = WinePrefix.boot('publisher');
    dir = mkdtempSync(join(tmpdir(), 'winmc-publisher-'));
    writeFileSync(join(dir, 'baseline.reg'), '\ufeff' + BASELINE_REG, 'utf16le');
    const r = prefix.run(['reg', 'import', winePath(join(dir, 'baseline.reg')), '/reg:64']);
    if (r.status !== 0) throw new Error(`baseline import failed: ${r.stderr}`);
  }, 240_000);
  afterAll(() => {
    prefix?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const query = (key: string) => regQuery(prefix, key);
  function exportWinevt(): Buffer {
    const file = join(dir, 'export.reg');
    rmSync(file, { force: true });
    const r = prefix.run(['reg', 'export', `HKLM\\${WINEVT_KEY}`, winePath(file), '/y', '/reg:64']);
    expect(r.status, r.stderr).toBe(0);
    return readFileSync(file);
  }
  const view = () => new RegFileView(parseRegFile(exportWinevt(), 'export.reg'));
  function importReg(bytes: Uint8Array): void {
    const file = join(dir, 'change.reg');
    writeFileSync(file, bytes);
    const r = prefix.run(['reg', 'import', winePath(file), '/reg:64']);
    expect(r.status, r.stderr).toBe(0);
  }

  it('.reg: register → reg query → register again (no changes) → unregister leaves WINEVT byte for byte as it was', async () => {
    const before = exportWinevt();
    const reg = await registration(LARGE);
    const res = resolvePublisher(planPublisher(reg), view());
    expect(res.notes).toEqual([]);
    importReg(writeRegFile(res));
    checkQueried(query);
    expect(query(OTHER)!.get('(Default)')).toEqual({ type: 'REG_SZ', data: 'Other-Provider' });
    expect(resolvePublisher(planPublisher(reg), view()).changes).toEqual([]);

    importReg(writeRegFile(resolvePublisher(planPublisher(await registration(LARGE, 'unregister'), 'unregister'), view())));
    expect(exportWinevt().equals(before)).toBe(true);
  });

  it('.reg made blind (no view): [-KEY] sections delete whole trees, and the round trip still ends where it began', async () => {
    const before = exportWinevt();
    // A longer, older registration first: the blind file must not leave its extra ChannelReferences behind.
    const reg = await registration(LARGE);
    const longer = { publishers: reg.publishers.map((p) => ({ ...p, references: [...p.references, { name: 'Stale', id: 99, flags: 0 }] })) };
    importReg(writeRegFile(resolvePublisher(planPublisher(longer))));
    expect(query(`${P1}\\ChannelReferences\\8`)).toBeDefined();
    const text = Buffer.from(writeRegFile(resolvePublisher(planPublisher(reg)))).subarray(2).toString('utf16le');
    expect(text).toContain(`\r\n[-HKEY_LOCAL_MACHINE\\${P1}\\ChannelReferences]\r\n`);
    importReg(writeRegFile(resolvePublisher(planPublisher(reg))));
    expect(query(`${P1}\\ChannelReferences\\8`)).toBeUndefined();
    checkQueried(query);

    const un = resolvePublisher(planPublisher(await registration(LARGE, 'unregister'), 'unregister'));
    expect(un.notes).toContain(`HKLM\\${CHANNELS_KEY}\\P1/ChannelName1 is deleted without checking that its OwningPublisher is {716EFEF7-5AC2-4EE0-8277-D9226411A155}`);
    importReg(writeRegFile(un));
    expect(exportWinevt().equals(before)).toBe(true);
  });

  it.skipIf(!MINGW_GCC)('INF: setupapi runs the install section (DelReg, then AddReg) and the uninstall section; the round trip restores WINEVT', async () => {
    const harness = join(dir, 'inf-harness.exe');
    const cc = run(MINGW_GCC!, ['-municode', '-O2', '-o', harness, join(repoRoot, 'test/registry/inf-harness.c'), '-lsetupapi', '-ladvapi32']);
    expect(cc.status, cc.stderr).toBe(0);
    const before = exportWinevt();
    const reg = await registration(LARGE);
    const p = planPublisher(reg);
    const inf = join(dir, 'publisher.inf');
    writeFileSync(inf, writePublisherInf(p));
    const text = readFileSync(inf, 'latin1');
    expect(text).toContain(`HKLM,"${P1}",,0x00000000,"ProviderName1.716EFEF75AC24EE08277D9226411A155"\r\n`);
    expect(text).toContain(`HKLM,"${P1}",ResourceFileName,0x00020000,"res.dll"\r\n`);
    expect(text).toContain(`HKLM,"${P1}\\ChannelReferences\\5",Flags,0x00010001,1\r\n`);
    const section = publisherSectionName(p);
    let r = prefix.run([harness, winePath(inf), `${section}_Install`]);
    expect((r.stdout + r.stderr).trim()).toBe('ok');
    checkQueried(query);
    // Run again over itself: nothing changes.
    const once = exportWinevt();
    r = prefix.run([harness, winePath(inf), `${section}_Install`]);
    expect(exportWinevt().equals(once)).toBe(true);

    const uninf = join(dir, 'publisher-un.inf');
    writeFileSync(uninf, writePublisherInf(planPublisher(await registration(LARGE, 'unregister'), 'unregister')));
    r = prefix.run([harness, winePath(uninf), `${section}_Uninst`]);
    expect((r.stdout + r.stderr).trim()).toBe('ok');
    expect(exportWinevt().equals(before)).toBe(true);
  });

  it.skipIf(!nodeExe)('live: native-reg in the Windows Node writes, reads back, undoes a failed registration, and unregisters to the start', async () => {
    const work = join(dir, 'live');
    transpileRegistry(work);
    writeFileSync(join(work, 'driver.mjs'), DRIVER);
    const live = (direction: 'register' | 'unregister', registration: PublisherRegistration, faultAfter?: number) => {
      const jobFile = join(work, 'job.json');
      writeFileSync(jobFile, JSON.stringify({ direction, registration, faultAfter, nativeReg: winePath(NATIVE_REG_DIR) }, (_, v) => (typeof v === 'bigint' ? v.toString() : v)));
      const r = prefix.run([nodeExe!, winePath(join(work, 'driver.mjs')), winePath(jobFile)]);
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { ok: boolean; platform?: string; changes?: string[]; code?: string; message?: string };
    };
    const before = exportWinevt();
    const reg = await registration(LARGE);
    const failed = live('register', reg, 5);
    expect(failed).toMatchObject({ ok: false, code: 'MC7009' });
    expect(failed.message).toMatch(/^injected fault after 5 change\(s\); restored /);
    expect(exportWinevt().equals(before)).toBe(true);

    expect(live('register', reg)).toMatchObject({ ok: true, platform: 'win32' });
    checkQueried(query);
    expect(live('register', reg)).toMatchObject({ ok: true, changes: [] });
    expect(live('unregister', await registration(LARGE, 'unregister'))).toMatchObject({ ok: true });
    expect(exportWinevt().equals(before)).toBe(true);
    expect(live('unregister', await registration(LARGE, 'unregister'))).toMatchObject({ ok: true, changes: [] });
  });
});

// ---- the offline SOFTWARE hive ---------------------------------------------------------------

const hasHivex = HIVEXSH !== undefined && HIVEXGET !== undefined && which('hivexml') !== undefined;
const hiveSkip = !hasCorpus ? corpusSkipNote : !hasHivex ? 'hivexsh/hivexget/hivexml (libhivex-bin) not installed' : '';

/** The hive's keys and values as hivexml prints them, without time stamps and file offsets. */
function hiveTree(path: string): string {
  // hivexml opens /dev/stdout by name, which a pipe does not allow: let a shell redirect it to a file.
  const out = `${path}.xml`;
  const r = spawnSync('/bin/sh', ['-c', 'hivexml "$0" > "$1"', path, out], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return readFileSync(out, 'utf8').replace(/<mtime>[^<]*<\/mtime>/g, '').replace(/<byte_runs>.*?<\/byte_runs>/g, '');
}

function makeSoftwareHive(path: string): void {
  writeFileSync(path, RegfHive.create().toBytes());
  const script = [
    'add Microsoft', 'cd Microsoft', 'add Windows', 'cd Windows', 'add CurrentVersion', 'cd CurrentVersion', 'add WINEVT', 'cd WINEVT',
    'add Publishers', 'add Channels', 'cd Publishers', 'add {11111111-2222-3333-4444-555555555555}', 'cd {11111111-2222-3333-4444-555555555555}',
    'setval 1', '@', 'string:Other-Provider', 'cd ..', 'cd ..', 'cd Channels', 'add Application', 'cd Application', 'setval 1', 'Enabled', 'dword:1',
    'commit',
  ].join('\n') + '\n';
  const r = run(HIVEXSH!, ['-w', path], script);
  if (r.status !== 0) throw new Error(`hivexsh failed: ${r.stderr}`);
}

describe.skipIf(!!hiveSkip)(`publishers in an offline SOFTWARE hive, checked by hivex and libregf${hiveSkip ? ` (skipped: ${hiveSkip})` : ''}`, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'winmc-publisher-hive-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const inHive = (key: string) => '\\' + key.replace(/^SOFTWARE\\/, '');

  it('register → hivexget → register again (file untouched) → unregister gives back the same tree', async () => {
    const hive = join(dir, 'SOFTWARE');
    makeSoftwareHive(hive);
    const before = hiveTree(hive);
    const reg = await registration(LARGE);
    expect(applyPublisherToHiveFile(hive, planPublisher(reg)).written).toBe(true);
    const p1 = hivexValues(hive, inHive(P1))!;
    expect(p1.get('@') ?? p1.get('')).toEqual({ type: 1, data: utf16z('ProviderName1.716EFEF75AC24EE08277D9226411A155') });
    expect(p1.get('ResourceFileName')).toEqual({ type: 2, data: utf16z('res.dll') });
    expect(p1.get('Enabled')).toEqual({ type: 4, data: Buffer.from([1, 0, 0, 0]) });
    const c1 = hivexValues(hive, inHive(`${CHANNELS_KEY}\\P1/ChannelName1`))!;
    expect(c1.get('OwningPublisher')).toEqual({ type: 1, data: utf16z('{716EFEF7-5AC2-4EE0-8277-D9226411A155}') });
    expect(c1.get('MaxSize')).toEqual({ type: 4, data: Buffer.from([0x39, 0x30, 0, 0]) });
    expect(hivexValues(hive, inHive(`${P1}\\ChannelReferences\\7`))!.get('Flags')).toEqual({ type: 4, data: Buffer.from([1, 0, 0, 0]) });
    if (REGFEXPORT) expect(run(REGFEXPORT, [hive]).status).toBe(0);

    const bytes = readFileSync(hive);
    expect(applyPublisherToHiveFile(hive, planPublisher(reg)).written).toBe(false);
    expect(readFileSync(hive).equals(bytes)).toBe(true);

    expect(applyPublisherToHiveFile(hive, planPublisher(await registration(LARGE, 'unregister'), 'unregister')).written).toBe(true);
    expect(hiveTree(hive)).toBe(before);
  });

  it('all or nothing: a registration that fails halfway leaves the file byte for byte as it was', async () => {
    const hive = join(dir, 'SOFTWARE-fault');
    makeSoftwareHive(hive);
    const bytes = readFileSync(hive);
    const reg = await registration(LARGE);
    expect(() => applyPublisherToHiveFile(hive, planPublisher(reg), { faultAfter: 7 })).toThrow(RegistryError);
    expect(readFileSync(hive).equals(bytes)).toBe(true);
  });

  it('a SYSTEM hive is refused (MC7003): publishers belong in SOFTWARE', async () => {
    const hive = join(dir, 'SYSTEM');
    writeFileSync(hive, RegfHive.create().toBytes());
    expect(run(HIVEXSH!, ['-w', hive], 'add Select\ncommit\n').status).toBe(0);
    expect(() => applyPublisherToHiveFile(hive, planPublisher({ publishers: [] }))).toThrow(/this is a SYSTEM hive/);
  });

  it('winmc register/unregister --manifest on a hive: dry run, write, idempotence, exit codes', async () => {
    const hive = join(dir, 'SOFTWARE-cli');
    makeSoftwareHive(hive);
    const before = hiveTree(hive);
    const cli = async (...argv: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const o = process.stdout.write.bind(process.stdout);
      const e = process.stderr.write.bind(process.stderr);
      process.stdout.write = ((s: string) => out.push(s) > 0) as typeof process.stdout.write;
      process.stderr.write = ((s: string) => err.push(s) > 0) as typeof process.stderr.write;
      try {
        const status = await runRegister(argv.slice(1), argv[0]!);
        return { status, stdout: out.join(''), stderr: err.join('') };
      } finally {
        process.stdout.write = o;
        process.stderr.write = e;
      }
    };
    const dry = await cli('register', '--manifest', OSQUERY, '--resource-file', '%ProgramFiles%\\osquery\\osqueryd.exe', '--target', `hive:${hive}`, '--dry-run');
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain("register publisher(s) 'osquery' {F7740E18-3259-434F-9759-976319968900}, target hive:");
    expect(dry.stdout).toContain(`  set value    HKLM\\${PUBLISHERS_KEY}\\{F7740E18-3259-434F-9759-976319968900} : ResourceFileName = REG_EXPAND_SZ "%ProgramFiles%\\osquery\\osqueryd.exe"\n`);
    expect(dry.stdout).toContain(`  set value    HKLM\\${PUBLISHERS_KEY}\\{F7740E18-3259-434F-9759-976319968900} : (default) = REG_SZ "osquery"\n`);
    expect(hiveTree(hive)).toBe(before);

    const w = await cli('register', '--manifest', OSQUERY, '--target', `hive:${hive}`);
    expect([w.status, w.stderr]).toEqual([0, '']);
    expect(w.stdout).toMatch(/^\d+ change\(s\) written to /);
    expect((await cli('register', '--manifest', OSQUERY, '--target', `hive:${hive}`)).stdout).toBe(`${hive} already matches; not rewritten\n`);
    expect(hivexValues(hive, inHive(`${CHANNELS_KEY}\\Primary`))!.get('Type')).toEqual({ type: 4, data: Buffer.from([0, 0, 0, 0]) });
    const u = await cli('unregister', '--manifest', OSQUERY, '--target', `hive:${hive}`);
    expect(u.status).toBe(0);
    expect(hiveTree(hive)).toBe(before);

    const bad = await cli('register', '--manifest', OSQUERY, '--types', '7', '--target', `hive:${hive}`);
    expect(bad.status).toBe(2);
    expect(bad.stderr.split('\n')[0]).toBe("winmc : error MC7008: --types is for an EventLog source; with --manifest and no --source, winmc registers the manifest's publishers");
    const missing = await cli('register', '--manifest', join(dir, 'nope.man'), '--target', `hive:${hive}`);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^winmc : error MC7011: .*nope\.man: cannot read/);
  });

  it('winmc register --source with --manifest takes the ProviderGuid (and message file) from the manifest', async () => {
    const out = join(dir, 'classic.reg');
    const o = process.stdout.write.bind(process.stdout);
    const e = process.stderr.write.bind(process.stderr);
    process.stdout.write = (() => true) as typeof process.stdout.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    let status: number;
    try {
      status = await runRegister(['--log', 'Application', '--source', 'osquery', '--manifest', OSQUERY, '--target', `reg:${out}`], 'register');
    } finally {
      process.stdout.write = o;
      process.stderr.write = e;
    }
    expect(status).toBe(0);
    const text = readFileSync(out).subarray(2).toString('utf16le');
    expect(text).toContain('"ProviderGuid"="{F7740E18-3259-434F-9759-976319968900}"\r\n');
    expect(existsSync(out)).toBe(true);
  });
});
