// `winmc events` end to end (needs `npm run build` / `npx tsc -p tsconfig.build.json` first).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evtxexportRecords, hasTool } from './peers.js';
import { evtxCorpusFile as corpusFile, hasEvtxCorpus as hasCorpus, repoRoot } from '../support/paths.js';

const bin = resolve(repoRoot, 'bin/winmc.js');
const built = existsSync(resolve(repoRoot, 'dist/cli/events.js'));

function winmc(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, 'events', ...args], { encoding: 'utf8', maxBuffer: 1 << 27 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const jsonLines = (text: string) => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

if (!built) console.warn('test/eventlog/cli: dist/ missing, run npm run build; skipped');

describe.skipIf(!built)('winmc events: usage errors (skipped without a build)', () => {
  it('no file: usage error MC6001, exit 2', () => {
    const r = winmc();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^winmc : error MC6001: no event log given/);
  });

  it('missing file: MC6002 naming it, exit 1', () => {
    const r = winmc('/nonexistent/x.evtx');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('winmc : error MC6002: /nonexistent/x.evtx: no such file\n');
  });

  it('not a log: MC6003, nothing on stdout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'winmc-events-cli-'));
    try {
      const path = join(dir, 'x.evtx');
      writeFileSync(path, 'just text, no log here');
      const r = winmc(path);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^winmc : error MC6003: .*x\.evtx: not an event log/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('unknown option', () => {
    const r = winmc('--frobnicate', 'x.evtx');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option --frobnicate/);
  });
});

describe.skipIf(!built || !hasCorpus)('winmc events on the corpus (skipped without a build or the corpus)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'winmc-events-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--json: one object per record with the issue field names; stderr silent when not a TTY', () => {
    const r = winmc(corpusFile('system.evtx'), '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = jsonLines(r.stdout);
    if (hasTool('evtxexport')) expect(lines.length).toBe(evtxexportRecords(corpusFile('system.evtx')).length);
    for (const key of ['recordId', 'timeCreated', 'provider', 'eventId', 'qualifiers', 'level', 'strings', 'data', 'packet']) {
      expect(lines[0]).toHaveProperty(key);
    }
    const serial = lines.find((l) => l['recordId'] === 14)!;
    expect(serial).toMatchObject({
      provider: 'Serial',
      eventId: 2,
      qualifiers: 0x4006,
      level: 4,
      timeCreated: '2017-07-12T17:16:13.0973330Z',
      strings: ['\\Device\\Serial0', '\\Device\\Serial0'],
      data: '000008000200300000000000020006400f0000000000000000000000000000000000000000000000f803000000000000',
      packet: {
        majorFunctionCode: 0,
        retryCount: 0,
        dumpDataSize: 8,
        numberOfStrings: 2,
        stringOffset: 48,
        eventCategory: 0,
        errorCode: 0x40060002,
        uniqueErrorValue: 15,
        finalStatus: 0,
        sequenceNumber: 0,
        ioControlCode: 0,
        deviceOffset: '0',
        dumpData: [0x3f8, 0],
      },
    });
    expect(serial).not.toHaveProperty('message');
    const plain = lines.find((l) => l['provider'] === 'Microsoft-Windows-Kernel-General')!;
    expect(plain['packet']).toBeNull();
    expect(plain['qualifiers']).toBeNull();
  });

  it('error codes stay unsigned in JSON (NetBT 0xC00010E1, FinalStatus 0xC0000001)', () => {
    const lines = jsonLines(winmc(corpusFile('2-vss_7-System.evtx'), '--json', '--provider', 'netbt').stdout);
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l['provider']).toBe('NetBT');
    const rec = lines.find((l) => l['recordId'] === 405)!;
    expect(rec['packet']).toMatchObject({ errorCode: 0xc00010e1, finalStatus: 0xc0000001 });
    expect(rec['strings']).toEqual(['', 'DESKTOP-1N4R894:0', '74.118.138.195', '74.118.138.92']);
  });

  it('--messages renders the description with the event strings, for that provider only', () => {
    const mc = join(dir, 'serial.mc');
    writeFileSync(
      mc,
      'FacilityNames=(Serial=0x6)\r\nMessageId=0x2\r\nSeverity=Informational\r\nFacility=Serial\r\nSymbolicName=SERIAL_READY\r\n' +
        'Language=English\r\nSerial port %1 is ready (%2); %3 stays.\r\n.\r\n',
    );
    const r = winmc(corpusFile('system.evtx'), '--json', '--provider', 'Serial', '--messages', mc);
    expect(r.code).toBe(0);
    const lines = jsonLines(r.stdout);
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) {
      if (l['eventId'] === 2 && l['qualifiers'] === 0x4006) {
        const s = l['strings'] as string[];
        expect(l['message']).toBe(`Serial port ${s[0]} is ready (${s[1]}); %3 stays.`);
      } else {
        expect(l).not.toHaveProperty('message');
      }
    }
    const scoped = jsonLines(winmc(corpusFile('system.evtx'), '--json', '--packets', '--messages', `vmci=${mc}`).stdout);
    expect(scoped.filter((l) => 'message' in l)).toEqual([]);
    const keyed = jsonLines(winmc(corpusFile('system.evtx'), '--json', '--packets', '--messages', `serial=${mc}`).stdout);
    expect(keyed.filter((l) => 'message' in l).map((l) => l['provider'])).toEqual(expect.arrayContaining(['Serial']));
    expect(new Set(keyed.filter((l) => 'message' in l).map((l) => l['provider']))).toEqual(new Set(['Serial']));
  });

  it('table: header, one line per event, the packet and DumpData beneath driver events', () => {
    const r = winmc(corpusFile('plaso_SysEvent.Evt'), '--provider', 'Disk', '--packets');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^\s+Record\s+Time \(UTC\)\s+Level\s+Provider\s+Event ID\s+Strings$/);
    const at = lines.findIndex((l) => /^\s+6567\s/.test(l));
    expect(lines[at]).toMatch(/^\s+6567 {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.000 {2}Warning\s+Disk\s+51 \(0x80040033\)\s+"\\Device\\Harddisk0\\D/);
    expect(lines[at + 1]).toMatch(/^ {10}packet: MajorFunction 0x04, Retry \d+, Strings 1, StringOffset 182, .*ErrorCode 0x80040033, Unique 0x0000012D/);
    expect(lines[at + 2]).toMatch(/^ {10}DumpData \(104 bytes\): (0x[0-9A-F]{8} ?){26}$/);
  });

  it('a damaged log: the readable records, a warning naming the chunk, exit 0', () => {
    const r = winmc(corpusFile('plaso_System2.evtx'), '--json');
    expect(r.code).toBe(0);
    expect(jsonLines(r.stdout)).toHaveLength(194);
    expect(r.stderr).toMatch(/^winmc : warning MC6101: .*plaso_System2\.evtx: chunk 2 \(file offset 0x21000\): file ends after 64832 of its 65536 bytes \(truncated\); chunk skipped\n$/);
  });
});

// --manifest on an .evtx: fixtures/evtx-manifest (Sysmon logs of EVTX-ATTACK-SAMPLES and Sysmon's
// manifest as SysmonCommon writes it; SOURCE.md there). The rendering itself is checked against
// Windows' in test/eventlog/render-evtx-manifest.test.ts; here, how the CLI shows it.
describe.skipIf(!built)('winmc events FILE.evtx --manifest (skipped without a build)', () => {
  const fx = (name: string) => resolve(repoRoot, 'fixtures', 'evtx-manifest', name);
  const log = fx('exec_sysmon_1_11_lolbin_rundll32_openurl_FileProtocolHandler.evtx');

  it('--json: the message and a rendering object with the manifest\'s names', () => {
    const r = winmc(log, '--json', '--manifest', fx('Sysmon-schema-4.2.man'));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = jsonLines(r.stdout);
    expect(lines).toHaveLength(11);
    const calc = lines.find((l) => l['recordId'] === 16397)!;
    expect((calc['message'] as string).split('\r\n').slice(0, 6)).toEqual(['Process Create:', 'RuleName: ', 'UtcTime: 2019-05-12 13:38:01.297', 'ProcessGuid: {365ABB72-21B9-5CD8-0000-0010FC002700}', 'ProcessId: 704', 'Image: C:\\Windows\\System32\\calc.exe']);
    expect(calc['rendering']).toEqual({
      provider: 'Microsoft-Windows-Sysmon',
      event: 'SYSMONEVENT_CREATE_PROCESS_EVENT',
      level: 'Information',
      task: 'Process Create (rule: ProcessCreate)',
      opcode: 'Info',
      keywords: [],
      channel: 'Microsoft-Windows-Sysmon/Operational',
      culture: 'en-US',
    });
    const created = lines.filter((l) => l['eventId'] === 11);
    expect(created.map((l) => (l['rendering'] as { task: string }).task)).toEqual(['File created (rule: FileCreate)', 'File created (rule: FileCreate)']);
  });

  it('with a newer manifest the shifted rendering says so (rendering.note); the table shows task, opcode, channel and the message', () => {
    const json = jsonLines(winmc(log, '--json', '--manifest', fx('Sysmon.man'), '--event-id', '1', '--limit', '1').stdout);
    expect((json[0]!['rendering'] as { note: string }).note).toMatch(/^the record's EventData does not have the layout of the manifest's template \(item 10 is CommandLine where the template has OriginalFileName\)/);
    const table = winmc(log, '--manifest', fx('Sysmon-schema-4.2.man'), '--event-id', '11', '--limit', '1').stdout.split('\n');
    expect(table.slice(2, 6)).toEqual([
      '          Task: File created (rule: FileCreate); Opcode: Info; Channel: Microsoft-Windows-Sysmon/Operational',
      '          | File created:',
      '          | RuleName: ',
      '          | UtcTime: 2019-05-12 13:30:46.181',
    ]);
  });

  it('--xml: a <RenderingInfo> as wevtutil /f:RenderedXml writes it, before </Event>', () => {
    const r = winmc(log, '--xml', '--manifest', fx('Sysmon-schema-4.2.man'), '--event-id', '11', '--limit', '1');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    const at = lines.indexOf('  <RenderingInfo Culture="en-US">');
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toBe('    <Message>File created:');
    expect(lines.slice(at + 8, at + 17)).toEqual([
      'CreationUtcTime: 2019-05-12 13:30:46.181</Message>',
      '    <Level>Information</Level>',
      '    <Task>File created (rule: FileCreate)</Task>',
      '    <Opcode>Info</Opcode>',
      '    <Channel>Microsoft-Windows-Sysmon/Operational</Channel>',
      '    <Provider>Microsoft-Windows-Sysmon</Provider>',
      '    <Keywords/>',
      '  </RenderingInfo>',
      '</Event>',
    ]);
  });

  it('a manifest that does not read is MC6004 naming it, exit 1; --summary and --processes stay .etl-only', () => {
    const missing = winmc(log, '--manifest', '/nonexistent/x.man');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('winmc : error MC6004: --manifest /nonexistent/x.man: no such file\n');
    const notOne = winmc(log, '--manifest', log);
    expect(notOne.code).toBe(1);
    expect(notOne.stderr).toMatch(/^winmc : error MC6004: --manifest .*FileProtocolHandler\.evtx: .*exec_sysmon_1_11_lolbin_rundll32_openurl_FileProtocolHandler\.evtx/);
    expect(notOne.stdout).toBe('');
    const summary = winmc(log, '--summary');
    expect(summary.code).toBe(2);
    expect(summary.stderr).toMatch(/--summary: for \.etl traces only/);
  });
});

describe.skipIf(!built || !hasCorpus)('winmc events: manifest and classic events in one listing (skipped without a build or the corpus)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'winmc-events-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('system.evtx with two --manifest and a --messages: Kernel-General 16 from the manifest, Serial from its message table, the rest as before', () => {
    // A manifest written here for Kernel-General's event 16 (its public manifest is not available)
    const man = join(dir, 'kernel-general.man');
    writeFileSync(
      man,
      `<?xml version="1.0" encoding="UTF-8"?>
<instrumentationManifest xmlns="http://schemas.microsoft.com/win/2004/08/events" xmlns:win="http://manifests.microsoft.com/win/2004/08/windows/events" xmlns:xs="http://www.w3.org/2001/XMLSchema">
 <instrumentation><events>
  <provider name="Microsoft-Windows-Kernel-General" guid="{A68CA8B7-004F-D7B6-A698-07E2DE0F1F5D}" symbol="KG" resourceFileName="k.dll" messageFileName="k.dll">
   <templates><template tid="Hive"><data name="HiveNameLength" inType="win:UInt32"/><data name="HiveName" inType="win:UnicodeString"/><data name="KeysUpdated" inType="win:UInt32"/><data name="DirtyPages" inType="win:UInt32"/></template></templates>
   <events><event value="16" version="0" level="win:Informational" template="Hive" symbol="HIVE_CLEARED" message="$(string.e16)"/></events>
  </provider>
 </events></instrumentation>
 <localization><resources culture="en-US"><stringTable>
  <string id="e16" value="The access history in hive %2 was cleared updating %3 keys and creating %4 modified pages."/>
 </stringTable></resources></localization>
</instrumentationManifest>`,
    );
    const mc = join(dir, 'serial.mc');
    writeFileSync(mc, 'FacilityNames=(Serial=0x6)\r\nMessageId=0x2\r\nSeverity=Informational\r\nFacility=Serial\r\nSymbolicName=SERIAL_READY\r\nLanguage=English\r\nSerial port %1 is ready.\r\n.\r\n');
    const sysmon = resolve(repoRoot, 'fixtures', 'evtx-manifest', 'Sysmon.man');
    const r = winmc(corpusFile('system.evtx'), '--json', '--manifest', sysmon, '--manifest', man, '--messages', `Serial=${mc}`);
    expect(r.code).toBe(0);
    const lines = jsonLines(r.stdout);
    expect(lines).toHaveLength(1881);
    const hive = lines.filter((l) => l['provider'] === 'Microsoft-Windows-Kernel-General' && l['eventId'] === 16);
    expect(hive).toHaveLength(394);
    for (const l of hive) {
      const s = l['strings'] as string[];
      expect(l['message']).toBe(`The access history in hive ${s[1]} was cleared updating ${s[2]} keys and creating ${s[3]} modified pages.`);
      expect(l['rendering']).toMatchObject({ provider: 'Microsoft-Windows-Kernel-General', event: 'HIVE_CLEARED', level: 'Information', task: 'None', opcode: 'Info' });
    }
    // Kernel-General's other events: no such event in the manifest, so no message, and why
    const other = lines.find((l) => l['provider'] === 'Microsoft-Windows-Kernel-General' && l['eventId'] === 12)!;
    expect(other).not.toHaveProperty('message');
    expect((other['rendering'] as { problem: string }).problem).toBe('the manifest of Microsoft-Windows-Kernel-General has no event 12');
    const serial = lines.filter((l) => l['provider'] === 'Serial' && l['eventId'] === 2);
    expect(serial.length).toBeGreaterThan(0);
    for (const l of serial) {
      expect(l['message']).toBe(`Serial port ${(l['strings'] as string[])[0]} is ready.`);
      expect(l).not.toHaveProperty('rendering');
    }
    expect(lines.filter((l) => 'message' in l).length).toBe(hive.length + serial.length);
  });
});
