// Manifest events rendered as Event Viewer renders them (src/eventlog/render-manifest.ts), on EVTX
// records in the decoded form the EVTX reader yields (readEvtxChunk's element trees). No public
// .evtx whose provider's manifest is also public was found in the corpus, so the records are built
// here: one for a small manifest written below (inserts, maps, %n), and one for the corpus's
// osquery.man (levels, tasks, opcodes, keywords and channel from the manifest and winmeta).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { XmlElement, XmlNode } from '../../src/eventlog/binxml/reader.js';
import { VALUE_TYPE } from '../../src/eventlog/binxml/reader.js';
import type { EvtxRecord } from '../../src/eventlog/evtx.js';
import { ManifestRenderer, manifestFieldsOfEvtx } from '../../src/eventlog/render-manifest.js';
import { parseManifest } from '../../src/manifest/parse.js';
import { corpusPath, corpusSkipNote, hasCorpus } from '../support/paths.js';

const str = (s: string): XmlNode => ({ kind: 'value', type: VALUE_TYPE.STRING, value: s });
function el(name: string, attrs: Record<string, string>, ...children: XmlNode[]): XmlElement {
  return { kind: 'element', name, attributes: Object.entries(attrs).map(([n, v]) => ({ name: n, value: [str(v)] })), children };
}

/** An EVTX record as readEvtxChunk gives it: System fields and named EventData items. */
function record(system: Record<string, string>, provider: Record<string, string>, data: [string, string][]): EvtxRecord {
  const sys = el('System', {}, el('Provider', provider), ...Object.entries(system).map(([k, v]) => el(k, {}, str(v))));
  const ev = el('Event', { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' }, sys, el('EventData', {}, ...data.map(([n, v]) => el('Data', { Name: n }, str(v)))));
  return { recordId: 1n, written: 0n, chunkIndex: 0, fileOffset: 0, nodes: [ev] };
}

const MANIFEST = `<?xml version="1.0" encoding="UTF-8"?>
<instrumentationManifest xmlns="http://schemas.microsoft.com/win/2004/08/events" xmlns:win="http://manifests.microsoft.com/win/2004/08/windows/events" xmlns:xs="http://www.w3.org/2001/XMLSchema">
 <instrumentation><events>
  <provider name="Winmc-Test-Render" guid="{A1B2C3D4-0000-4000-8000-000000000001}" symbol="WINMC_TEST" resourceFileName="t.dll" messageFileName="t.dll">
   <channels><channel name="Winmc-Test-Render/Operational" chid="op" type="Operational" enabled="true" message="$(string.channel.op)"/></channels>
   <tasks><task name="Job" value="3" message="$(string.task.job)"><opcodes><opcode name="Retry" value="20" message="$(string.opcode.retry)"/></opcodes></task></tasks>
   <keywords><keyword name="Jobs" mask="0x4" message="$(string.keyword.jobs)"/><keyword name="Disk" mask="0x8"/></keywords>
   <maps>
    <valueMap name="State"><map value="0" message="$(string.state.0)"/><map value="1" message="$(string.state.1)"/></valueMap>
    <bitMap name="Flags"><map value="0x1" message="$(string.flag.1)"/><map value="0x4" message="$(string.flag.4)"/></bitMap>
   </maps>
   <templates><template tid="T">
    <data name="Name" inType="win:UnicodeString"/>
    <data name="Pid" inType="win:UInt32"/>
    <data name="State" inType="win:UInt32" map="State"/>
    <data name="Flags" inType="win:UInt32" map="Flags"/>
    <data name="Note" inType="win:UnicodeString"/>
   </template></templates>
   <events>
    <event value="7" version="1" channel="op" level="win:Warning" task="Job" opcode="Retry" keywords="Jobs Disk" template="T" symbol="JOB_RETRY" message="$(string.event.7)"/>
    <event value="8" version="0" level="win:Informational" symbol="NO_TEXT"/>
   </events>
  </provider>
 </events></instrumentation>
 <localization><resources culture="en-US"><stringTable>
  <string id="channel.op" value="Jobs (operational)"/>
  <string id="task.job" value="Job"/>
  <string id="opcode.retry" value="Retry"/>
  <string id="keyword.jobs" value="Job events"/>
  <string id="state.0" value="Stopped"/>
  <string id="state.1" value="Running"/>
  <string id="flag.1" value="Queued"/>
  <string id="flag.4" value="Urgent"/>
  <string id="event.7" value="Job %1 (process %2) is %3, flags %4.%nNote: %5 (100%%)"/>
 </stringTable></resources></localization>
</instrumentationManifest>`;

function manifestOf(text: string | Uint8Array) {
  const { manifest, diagnostics } = parseManifest(typeof text === 'string' ? new TextEncoder().encode(text) : text);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return manifest!;
}

describe('manifest events rendered as Event Viewer renders them', () => {
  const renderer = new ManifestRenderer([manifestOf(MANIFEST)]);
  const system = { EventID: '7', Version: '1', Level: '3', Task: '3', Opcode: '20', Keywords: '0x408000000000000c', Channel: 'Winmc-Test-Render/Operational' };
  const provider = { Name: 'Winmc-Test-Render', Guid: '{a1b2c3d4-0000-4000-8000-000000000001}' };

  it('fills %n from EventData in order, maps applied, %n and %% read', () => {
    const fields = manifestFieldsOfEvtx(record(system, provider, [['Name', 'backup'], ['Pid', '4242'], ['State', '1'], ['Flags', '5'], ['Note', 'retrying']]))!;
    expect(fields).toMatchObject({ providerGuid: '{a1b2c3d4-0000-4000-8000-000000000001}', eventId: 7, version: 1, level: 3, task: 3, opcode: 20, keywords: 0x408000000000000cn });
    expect(renderer.render(fields)).toEqual({
      provider: 'Winmc-Test-Render',
      culture: 'en-US',
      event: 'JOB_RETRY',
      message: 'Job backup (process 4242) is Running, flags Queued, Urgent.\r\nNote: retrying (100%)',
      level: 'Warning',
      task: 'Job',
      opcode: 'Retry',
      keywords: ['Job events', 'Disk', 'Classic'],
      channel: 'Winmc-Test-Render/Operational',
      channelText: 'Jobs (operational)',
    });
  });

  it('a value no map item matches shows as it is; an insert beyond the values stays as written', () => {
    const r = renderer.render(manifestFieldsOfEvtx(record(system, provider, [['Name', 'x'], ['Pid', '7'], ['State', '9'], ['Flags', '2']]))!)!;
    expect(r.message).toBe('Job x (process 7) is 9, flags 2.\r\nNote: %5 (100%)');
    expect(r.note).toBe("the record's EventData does not have the layout of the manifest's template (it has 4 items, the template 5 fields); the inserts are taken by position, as Windows does");
  });

  it('takes the inserts by position whatever the names (as Windows does), converted to the field types, and says so', () => {
    // %2 (Pid, UInt32) gets the string 'x42': no number, so 0, as Event Viewer shows a string in an integer field
    const r = renderer.render(manifestFieldsOfEvtx(record(system, provider, [['Pid', 'backup'], ['Name', 'x42'], ['Flags', '1'], ['State', '5'], ['Note', 'retrying']]))!)!;
    expect(r.message).toBe('Job backup (process 0) is Running, flags Queued, Urgent.\r\nNote: retrying (100%)');
    expect(r.note).toBe("the record's EventData does not have the layout of the manifest's template (item 1 is Pid where the template has Name); the inserts are taken by position, as Windows does");
  });

  it('the provider is found by name when the record has no GUID; an unknown version or a message-less event gets no message and says why', () => {
    const byName = renderer.render(manifestFieldsOfEvtx(record({ ...system, Version: '0' }, { Name: 'winmc-test-render' }, []))!)!;
    expect(byName.message).toBeNull();
    expect(byName.problem).toBe('the manifest has event 7 of Winmc-Test-Render, but not version 0');
    const noText = renderer.render(manifestFieldsOfEvtx(record({ EventID: '8', Version: '0', Level: '4' }, provider, []))!)!;
    expect(noText).toMatchObject({ message: null, level: 'Information', problem: 'event 8 of Winmc-Test-Render has no message' });
    expect(renderer.render(manifestFieldsOfEvtx(record(system, { Name: 'Someone-Else' }, []))!)).toBeNull();
  });

  it.skipIf(!hasCorpus)(`osquery.man from the corpus: the manifest's own level string, task, opcode, keyword and channel${hasCorpus ? '' : ` (${corpusSkipNote})`}`, () => {
    const osquery = new ManifestRenderer([manifestOf(readFileSync(corpusPath('man', 'osquery__osquery__osquery__976906454', 'input', 'osquery.man')))]);
    const r = osquery.render(
      manifestFieldsOfEvtx(record({ EventID: '2', Version: '0', Level: '4', Task: '1', Opcode: '10', Keywords: '0x2', Channel: 'Primary' }, { Name: 'osquery', Guid: '{F7740E18-3259-434F-9759-976319968900}' }, [['Message', 'hello']]))!,
    )!;
    expect(r).toMatchObject({ provider: 'osquery', event: 'InfoMessage', message: 'Informational messages from osquery.', level: 'Information', task: 'LogMessage', opcode: 'MessageOpcode', keywords: ['WarningWindowsEventLogMessage'], channel: 'Primary' });
    expect(r.channelText).toBe('This is where most of the osquery log messages are stored.');
  });

  it('UserData values count as the inserts too, in order; typed values are formatted as Windows formats them (HexInt64 unpadded, a number in a HexInt32 field in upper-case hex)', () => {
    const hexManifest = MANIFEST.replace('<data name="Pid" inType="win:UInt32"/>', '<data name="Pid" inType="win:UInt32" outType="win:HexInt32"/>');
    const r = new ManifestRenderer([manifestOf(hexManifest)]);
    const sys = el('System', {}, el('Provider', provider), ...Object.entries(system).map(([k, v]) => el(k, {}, str(v))));
    const value = (type: number, v: number | bigint): XmlNode => ({ kind: 'value', type, value: v });
    const user = el('UserData', {}, el('JobInfo', { xmlns: 'urn:test' }, el('Name', {}, value(VALUE_TYPE.HEX_INT64, 0x13a10n)), el('Pid', {}, value(VALUE_TYPE.UINT32, 0xbeef)), el('State', {}, value(VALUE_TYPE.UINT32, 0)), el('Flags', {}, value(VALUE_TYPE.UINT32, 4)), el('Note', {}, str('n'))));
    const rec: EvtxRecord = { recordId: 1n, written: 0n, chunkIndex: 0, fileOffset: 0, nodes: [el('Event', {}, sys, user)] };
    const f = manifestFieldsOfEvtx(rec)!;
    expect(f.data.map((d) => d.name)).toEqual(['Name', 'Pid', 'State', 'Flags', 'Note']);
    expect(r.render(f)!.message).toBe('Job 0x13a10 (process 0xBEEF) is Stopped, flags Urgent.\r\nNote: n (100%)');
  });
});
