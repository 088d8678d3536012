// Manifest events of real .evtx logs rendered with their provider's public manifest
// (src/eventlog/render-manifest.ts, as `winmc events FILE.evtx --manifest FILE` does), compared
// with what Windows rendered where a source has it. Provenance: fixtures/evtx-manifest/SOURCE.md.
//
//   logs      two Microsoft-Windows-Sysmon/Operational logs of sbousseaden/EVTX-ATTACK-SAMPLES
//             (commit 4ceed2f4706daf601c212a8f91c113dd85349a2c, GPL-3.0), written by Sysmon 9.01
//             (schema 4.20): Execution/exec_sysmon_1_11_lolbin_rundll32_openurl_FileProtocolHandler.evtx
//             (11 events) and Credential Access/babyshark_mimikatz_powershell.evtx (33 events);
//   manifest  Sysmon's instrumentation manifest as Sysinternals/SysmonCommon's manifest.tt writes
//             it from manifest.xml (commit ecdd806954b86f9b8b7ef60e9639d4e282a3f98a, MIT):
//             Sysmon.man (schema 4.81, what a current Sysmon installs) and
//             Sysmon-schema-4.2.man (schema 4.20, the release that wrote the logs), loaded with
//             loadManifest as the CLI loads them.
//
// What is compared with what:
//   1. Windows' own rendering: record 16397 (event 1, calc.exe) rendered with Sysmon.man against
//      the message Get-WinEvent printed for it on Windows, quoted in EVTX-ATTACK-SAMPLES issue #9
//      (19 lines: the shifted fields, LogonGuid 0x13a10, LogonId 0x1, TerminalSessionId 0). The
//      task against Event Viewer's task category in JPCERT/CC's Tool Analysis Result Sheet.
//   2. Every Sysmon event of both logs (44) rendered with Sysmon-schema-4.2.man against what the
//      manifest's source documents: manifest.tt's message, the template name, ":", then
//      "FIELD: VALUE" per field, with the values of the record's EventData (a HexInt32/HexInt64
//      as Windows-rendered Sysmon messages show one: 0x3E7, 0x1FFFFF); level, task and opcode
//      against manifest.tt's strings.
//   3. The other two manifest sources --manifest takes, built from Sysmon-schema-4.2.man as
//      `winmc compile --dll` builds them: the PE (WEVT_TEMPLATE and MESSAGETABLE) renders every
//      event as the .man does (event symbols aside, which a compiled manifest does not keep); the
//      TEMP.BIN alone carries no strings, so names and "has no message".
//   4. The same records with Sysmon.man: which are shifted (the event layouts that changed after
//      Sysmon 9), each marked with a note, and an insert past the record's values kept as `%22`
//      (Event Viewer shows `%16` for a forwarded event whose values ran out,
//      MicrosoftDocs/sysinternals#126).
//
// Searched without finding a public .evtx with Windows' RenderingInfo or a text export of the same
// records: the .evtx of omerbenamram/evtx samples/ (28 logs; only Shell-Core's has RenderingInfo, a
// provider without a public manifest; Archive-ForwardedEvents-test.evtx is not in the snapshot),
// sbousseaden/EVTX-ATTACK-SAMPLES (278) and Yamato-Security/hayabusa-sample-evtx (320 besides its
// copy of EVTX-ATTACK-SAMPLES), none with RenderingInfo; elastic/beats winlogbeat test data (XML
// without RenderingInfo, golden JSON without the message); PowerShellCore/Operational logs for
// PowerShell's MIT manifest (none found).

import { readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileByteSource } from '../../src/eventlog/events.js';
import { loadManifest } from '../../src/eventlog/etl/manifest.js';
import { VALUE_TYPE, childElements, textOf, type XmlElement } from '../../src/eventlog/binxml/reader.js';
import { readEvtxRecords, type EvtxRecord } from '../../src/eventlog/evtx.js';
import { ManifestRenderer, manifestFieldsOfEvtx, type ManifestEventFields } from '../../src/eventlog/render-manifest.js';
import { compileManifest } from '../../src/manifest/compile.js';
import { manifestResourceEntries } from '../../src/manifest/resources.js';
import { writeResourceDll } from '../../src/rc-gen/pe.js';
import { repoRoot } from '../support/paths.js';

const dir = join(repoRoot, 'fixtures', 'evtx-manifest');
const LOGS = ['exec_sysmon_1_11_lolbin_rundll32_openurl_FileProtocolHandler.evtx', 'babyshark_mimikatz_powershell.evtx'];

async function records(name: string): Promise<EvtxRecord[]> {
  const handle = await open(join(dir, name), 'r');
  try {
    const out: EvtxRecord[] = [];
    for await (const r of readEvtxRecords(await fileByteSource(handle), (w) => expect.fail(`${name}: ${w.message}`))) out.push(r);
    return out;
  } finally {
    await handle.close();
  }
}

const renderer = (file: string) => new ManifestRenderer([loadManifest(new Uint8Array(readFileSync(join(dir, file))), file)]);

/** A record's System/EventRecordID. */
function recordId(r: EvtxRecord): number {
  const event = r.nodes.find((n): n is XmlElement => n.kind === 'element' && n.name === 'Event')!;
  return Number(textOf(childElements(childElements(event, 'System')[0]!, 'EventRecordID')[0]!.children));
}

// Get-WinEvent's Message for record 16397, as EVTX-ATTACK-SAMPLES issue #9 quotes it (GitHub's
// Markdown dropped trailing spaces; the quote stops inside the IntegrityLevel line)
const WINDOWS_16397 = [
  'Process Create:',
  'RuleName:',
  'UtcTime: 2019-05-12 13:38:01.297',
  'ProcessGuid: {365ABB72-21B9-5CD8-0000-0010FC002700}',
  'ProcessId: 704',
  'Image: C:\\Windows\\System32\\calc.exe',
  'FileVersion: 6.1.7600.16385 (win7_rtm.090713-1255)',
  'Description: Windows Calculator',
  'Product: Microsoft® Windows® Operating System',
  'Company: Microsoft Corporation',
  'OriginalFileName: "C:\\Windows\\System32\\calc.exe"',
  'CommandLine: c:\\Users\\IEUser\\Downloads\\WinPwnage-master\\WinPwnage-master\\',
  'CurrentDirectory: IEWIN7\\IEUser',
  'User: {365ABB72-1596-5CD8-0000-0020103A0100}',
  'LogonGuid: 0x13a10',
  'LogonId: 0x1',
  'TerminalSessionId: 0',
];
const WINDOWS_16397_CUT = 'IntegrityLevel: SHA1=9018A7D6CDBE859A430E8794E73381F77C840BE0,MD5=60B7C0FEAD45F2066E5B805A91F4F0FC,SHA256=80C10EE5F21F92F89CBC293A59D2';

/**
 * The value as Windows shows it in a Sysmon message: the EventData text, a HexInt32/HexInt64 (in a
 * field of that type) in upper case without the XML text's zero padding, as Windows-rendered
 * messages show them (fixtures/evtx-manifest/SOURCE.md): "GrantedAccess: 0x1FFFFF" in winlogbeat's
 * message of a Sysmon event 10 (elastic/detection-rules#1588), "LogonId: 0x3E7" in Sysmon event 1
 * messages whose XML has 0x3e7, and Security's "Logon ID: 0x3E7" (wazuh/wazuh#17158).
 */
function shown(d: ManifestEventFields['data'][number]): string {
  if ((d.type === VALUE_TYPE.HEX_INT64 || d.type === VALUE_TYPE.HEX_INT32) && (typeof d.raw === 'bigint' || typeof d.raw === 'number')) return `0x${d.raw.toString(16).toUpperCase()}`;
  return d.value;
}

describe('Sysmon logs rendered with Sysmon\'s manifest (fixtures/evtx-manifest)', () => {
  const logs = new Map<string, EvtxRecord[]>();
  beforeAll(async () => {
    for (const name of LOGS) logs.set(name, await records(name));
  });

  it('reads every record of both logs: 11 and 33, all Sysmon manifest events', () => {
    expect(LOGS.map((n) => logs.get(n)!.length)).toEqual([11, 33]);
    const providers = new Set([...logs.values()].flat().map((r) => manifestFieldsOfEvtx(r)!.providerGuid?.toUpperCase()));
    expect([...providers]).toEqual(['{5770385F-C22A-43E0-BF4C-06F5698FFBD9}']);
  });

  it('record 16397 with the current Sysmon manifest: the message Windows printed for it (issue #9), shifted fields and type conversions included', () => {
    const sysmon = renderer('Sysmon.man');
    const record = logs.get(LOGS[0]!)!.find((r) => recordId(r) === 16397)!;
    const r = sysmon.render(manifestFieldsOfEvtx(record)!)!;
    const lines = r.message!.split('\r\n').map((l) => l.trimEnd());
    expect(lines.slice(0, WINDOWS_16397.length)).toEqual(WINDOWS_16397);
    expect(lines[WINDOWS_16397.length]!.startsWith(WINDOWS_16397_CUT)).toBe(true);
    // Event Viewer's task category (JPCERT/CC's sheet), and winmeta's level and opcode names
    expect(r).toMatchObject({ provider: 'Microsoft-Windows-Sysmon', level: 'Information', task: 'Process Create (rule: ProcessCreate)', opcode: 'Info', channel: 'Microsoft-Windows-Sysmon/Operational', keywords: [] });
    expect(r.note).toMatch(/item 10 is CommandLine where the template has OriginalFileName/);
  });

  it('every Sysmon event of both logs with the manifest of Sysmon 9 (schema 4.20): manifest.tt\'s message with the record\'s own values, level, task and opcode', () => {
    const sysmon9 = renderer('Sysmon-schema-4.2.man');
    const manifestXml = readFileSync(join(dir, 'Sysmon-schema-4.2.man'), 'utf8');
    let rendered = 0;
    const byId = new Map<number, number>();
    for (const record of [...logs.values()].flat()) {
      const f = manifestFieldsOfEvtx(record)!;
      const r = sysmon9.render(f)!;
      expect(r.problem, `event ${f.eventId}`).toBeUndefined();
      expect(r.note, `event ${f.eventId}`).toBeUndefined();
      // The template name: the task string without " (rule: ...)", as manifest.tt writes both
      const taskString = new RegExp(`<task name="SysmonTask-([A-Z_]+)" symbol="[A-Z_]+" value="${f.eventId}"`).exec(manifestXml)![1]!;
      const template = new RegExp(`<string id="task.${taskString}" value="([^"]*)"`).exec(manifestXml)![1]!.replace(/ \(rule: [^)]*\)$/, '');
      expect(r.message).toBe([`${template}:`, ...f.data.map((d) => `${d.name}: ${shown(d)}`)].join('\r\n'));
      expect(r.task).toBe(new RegExp(`<string id="task.${taskString}" value="([^"]*)"`).exec(manifestXml)![1]);
      expect(r).toMatchObject({ level: 'Information', opcode: 'Info', channel: 'Microsoft-Windows-Sysmon/Operational' });
      byId.set(f.eventId, (byId.get(f.eventId) ?? 0) + 1);
      rendered++;
    }
    expect(rendered).toBe(44);
    expect(Object.fromEntries([...byId].sort((a, b) => a[0] - b[0]))).toEqual({ 1: 16, 3: 1, 4: 1, 5: 2, 7: 11, 10: 2, 11: 5, 12: 4, 16: 2 });
    // record 16397's LogonId in its own HexInt64 field: upper case (in issue #9 the same value, shifted into
    // the GUID field LogonGuid, shows as its own type formats it, 0x13a10)
    const calc = logs.get(LOGS[0]!)!.find((x) => recordId(x) === 16397)!;
    expect(sysmon9.render(manifestFieldsOfEvtx(calc)!)!.message).toContain('\r\nLogonId: 0x13A10\r\n');
  });

  it('with the current manifest, the events whose layout changed after Sysmon 9 render shifted (as Windows shows them) and say so; an insert past the values stays as %22', () => {
    const sysmon = renderer('Sysmon.man');
    const shifted = new Map<number, number>();
    let same = 0;
    for (const record of [...logs.values()].flat()) {
      const f = manifestFieldsOfEvtx(record)!;
      const r = sysmon.render(f)!;
      expect(r.message).not.toBeNull();
      if (r.note) shifted.set(f.eventId, (shifted.get(f.eventId) ?? 0) + 1);
      else same++;
    }
    // Sysmon 10 added OriginalFileName (1, 7), later releases User (5, 11, 12) and SourceUser/TargetUser (10);
    // the layouts of 3, 4 and 16 did not change since
    expect(Object.fromEntries([...shifted].sort((a, b) => a[0] - b[0]))).toEqual({ 1: 16, 5: 2, 7: 11, 10: 2, 11: 5, 12: 4 });
    expect(same).toBe(4);
    const calc = logs.get(LOGS[0]!)!.find((x) => recordId(x) === 16397)!;
    expect(sysmon.render(manifestFieldsOfEvtx(calc)!)!.message!.split('\r\n').slice(-2)).toEqual(['ParentCommandLine: %22', 'ParentUser: %23']);
  });

  it('the same manifest compiled: the PE renders every event as the .man does; the TEMP.BIN alone has the names but no strings', () => {
    const man = readFileSync(join(dir, 'Sysmon-schema-4.2.man'));
    const compiled = compileManifest(new Uint8Array(man), { inputName: 'Sysmon-schema-4.2.man' });
    expect(compiled.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const template = compiled.files.find((f) => f.kind === 'template')!;
    const tables = compiled.files.filter((f) => f.kind === 'bin').map((f) => ({ languageId: f.languageId ?? 0, bytes: f.bytes }));
    const dll = writeResourceDll(
      manifestResourceEntries({ tables, template: template.bytes }).map((e) => ({ type: e.type, name: e.name, languageId: e.languageId, codepage: 0, data: e.data })),
      { machine: 'x64' },
    );
    const fromMan = renderer('Sysmon-schema-4.2.man');
    const fromPe = new ManifestRenderer([loadManifest(dll, 'Sysmon9.dll')]);
    const fromBin = new ManifestRenderer([loadManifest(template.bytes, 'Sysmon-schema-4.2TEMP.BIN')]);
    for (const record of [...logs.values()].flat()) {
      const f = manifestFieldsOfEvtx(record)!;
      const { event: _symbol, ...want } = fromMan.render(f)!;
      expect(fromPe.render(f)).toEqual(want);
      const bare = fromBin.render(f)!;
      expect(bare).toMatchObject({ message: null, problem: `event ${f.eventId} of Microsoft-Windows-Sysmon has no message`, level: 'Information', opcode: 'Info' });
      expect(bare.task).toMatch(/^SysmonTask-SYSMONEVENT_/);
    }
  });
});
