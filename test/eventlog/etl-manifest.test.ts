// Manifest events: net.4.5.2.x64's CLR events decoded with ClrEtwAll.man (as a .man, and as the
// TEMP.BIN winmc compiles from it), against TraceEvent's baseline: every CLR EVENT line it lists
// is found (by time, process and payload size) and its field values equal winmc's.
//
// Names: winmc names a manifest event as PerfView names one it reads from a manifest (task/opcode
// as the manifest spells them: GarbageCollection/GCAllocationTick), as the trace's own
// MetaData/EventInfo does too. TraceEvent's baseline names the CLR's events by its own compiled-in
// ClrTraceEventParser instead (GC/AllocationTick): generated from the messages of ClrEtwAll.man,
// then edited by hand. So the CLR COUNT lines are compared by the event they count; and by name
// with `names: 'messages'` (TraceParserGen's rule), which gives 63 of the 64.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileManifest } from '../../src/manifest/compile.js';
import { loadManifest, manifestDecoder, formatMessage } from '../../src/eventlog/etl/manifest.js';
import type { EtlEvent } from '../../src/eventlog/etl/index.js';
import { baselineEvents, baselineValue, cleanupUnzipped, countBy, etlDir, etlSkipNote, hasEtlCorpus, readAll, readFile, sampleDir, unzipped } from './etl-support.js';

const NET = 'microsoft__perfview__net.4.5.2.x64';
const CLR_MAN = join(etlDir, 'ClrEtwAll.man');

/** Baseline ms after the session start, as the EVENT lines write it (this trace's clock is 10 MHz QPC). */
function msOf(e: EtlEvent, start: bigint): string {
  const us = (e.timeStamp - start + 5n) / 10n; // 100 ns ticks to microseconds, rounded half up
  const int = (us / 1000n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${int}.${(us % 1000n).toString().padStart(3, '0')}`;
}

/** The CLR events by (ms, process, payload size), the key a baseline EVENT line gives. */
function clrIndex(events: readonly EtlEvent[]): Map<string, EtlEvent[]> {
  const start = events[0]!.timeStamp;
  const index = new Map<string, EtlEvent[]>();
  for (const e of events) {
    if (!e.provider.startsWith('Microsoft-Windows-DotNETRuntime')) continue;
    const k = `${msOf(e, start)}|${e.processId ?? -1}|${e.payload.length}`;
    (index.get(k) ?? index.set(k, []).get(k)!).push(e);
  }
  return index;
}

/** Two renderings of one integer: PerfView writes some in decimal that the manifest marks hex, and the reverse. */
function sameNumber(a: string, b: string): boolean {
  const n = (s: string) => (/^-?[\d,]+$/.test(s) ? BigInt(s.replace(/,/g, '')) : /^0x[0-9a-f]+$/i.test(s) ? BigInt(s) : null);
  const x = n(a);
  const y = n(b);
  return x !== null && y !== null && (x === y || BigInt.asUintN(32, x) === BigInt.asUintN(32, y));
}

/**
 * Fields TraceEvent shows through its own compiled-in enums, where ClrEtwAll.man has no map (or
 * a different one): the raw value and the enum name cannot be compared.
 */
const ENUM_FIELDS = new Set([
  'Microsoft-Windows-DotNETRuntime/AppDomainResourceManagement/ThreadCreated Flags',
  'Microsoft-Windows-DotNETRuntime/Loader/AppDomainLoad AppDomainFlags',
  'Microsoft-Windows-DotNETRuntime/Loader/AppDomainUnload AppDomainFlags',
  'Microsoft-Windows-DotNETRuntimeRundown/Loader/AppDomainDCStop AppDomainFlags',
  'Microsoft-Windows-DotNETRuntimePrivate/GC/GlobalHeapHistory Reason',
  'Microsoft-Windows-DotNETRuntimePrivate/GC/GlobalHeapHistory GlobalMechanisms',
  'Microsoft-Windows-DotNETRuntimePrivate/NgenBinder/NgenBind ReasonCode',
]);

describe.skipIf(!hasEtlCorpus)('net.4.5.2.x64.etl with ClrEtwAll.man', () => {
  let events: EtlEvent[] = [];
  let warnings: string[] = [];
  beforeAll(async () => {
    const path = unzipped(NET, 'net.4.5.2.x64.etl.zip', 'net.4.5.2.x64.etl');
    if (!path) return;
    const decoder = manifestDecoder(loadManifest(readFile(CLR_MAN), 'ClrEtwAll.man'));
    ({ events, warnings } = await readAll(readFile(path), { decoders: [decoder] }));
  });
  afterAll(cleanupUnzipped);

  it('decodes every CLR event with the manifest, without a warning', () => {
    if (events.length === 0) return console.warn(etlSkipNote);
    expect(warnings).toEqual([]);
    const clr = events.filter((e) => e.provider.startsWith('Microsoft-Windows-DotNETRuntime'));
    expect(clr.length).toBe(events.filter((e) => ['e13c0d23-ccbc-4e12-931b-d9cc2eee27e4', 'a669021c-c450-4609-a035-5af59af4df18', '763fd754-7086-4dfe-95eb-c01a46faf4ca'].includes(e.providerGuid)).length);
    expect(clr.length).toBeGreaterThan(60000);
    expect(clr.every((e) => e.fields !== null && !e.eventName.startsWith('EventID('))).toBe(true);
    const tick = clr.find((e) => e.eventName === 'GarbageCollection/GCAllocationTick')!;
    expect(Object.keys(tick.fields!).slice(0, 3)).toEqual(['AllocationAmount', 'AllocationKind', 'ClrInstanceID']);
    expect(tick.message).toMatch(/^Amount=0x[0-9a-f]+;\s*Kind=Small;/);
  });

  it('counts each CLR event as the baseline\'s COUNT lines do', () => {
    if (events.length === 0) return;
    const baseline = readFileSync(join(sampleDir(NET), 'net.4.5.2.x64.baseline.txt'), 'utf8');
    const want = new Map([...baseline.matchAll(/^COUNT (Microsoft-Windows-DotNETRuntime[^:]*):(\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
    // Each baseline EVENT line of a CLR event says which manifest event its name is
    const lines = readFileSync(join(sampleDir(NET), 'net.4.5.2.x64.baseline.txt'), 'utf8').split('\n').filter((l) => l.startsWith('EVENT '));
    const parsed = baselineEvents(lines.join('\n'));
    const index = clrIndex(events);
    const nameOf = new Map<string, string>(); // baseline name -> winmc name
    for (const [i, line] of lines.entries()) {
      const m = /^EVENT ([\d,.]+): (.+?) PID=(-?\d+);.*?DataLen=(\d+);/.exec(line)!;
      if (!m[2]!.startsWith('Microsoft-Windows-DotNETRuntime')) continue;
      const found = index.get(`${m[1]}|${m[3]}|${m[4]}`)?.filter((e) => e.provider === parsed[i]!.name.split('/')[0]);
      expect(found?.length, line.slice(0, 120)).toBe(1);
      const mine = `${found![0]!.provider}/${found![0]!.eventName}`;
      expect(nameOf.get(m[2]!) ?? mine).toBe(mine);
      nameOf.set(m[2]!, mine);
    }
    const got = countBy(events, (e) => `${e.provider}/${e.eventName}`);
    let compared = 0;
    for (const [name, n] of want) {
      const mine = nameOf.get(name);
      if (!mine) continue; // a COUNT line whose events the baseline does not list
      expect(got.get(mine), `${name} = ${mine}`).toBe(n);
      compared++;
    }
    expect(compared).toBe(want.size);
  });

  it('with names: messages, names 63 of the 64 CLR COUNT lines as TraceEvent does, and counts them the same', async () => {
    if (events.length === 0) return;
    const path = unzipped(NET, 'net.4.5.2.x64.etl.zip', 'net.4.5.2.x64.etl')!;
    const decoder = manifestDecoder(loadManifest(readFile(CLR_MAN), 'ClrEtwAll.man'), { names: 'messages' });
    const named = (await readAll(readFile(path), { decoders: [decoder] })).events;
    const baseline = readFileSync(join(sampleDir(NET), 'net.4.5.2.x64.baseline.txt'), 'utf8');
    const want = new Map([...baseline.matchAll(/^COUNT (Microsoft-Windows-DotNETRuntime[^:]*):(\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
    expect(want.size).toBe(64);
    const got = countBy(named, (e) => `${e.provider}/${e.eventName}`);
    const differ = [...want].filter(([k, n]) => got.get(k) !== n).map(([k, n]) => `${k}: ${n} vs ${got.get(k)}`);
    // Event 200 is not in TraceEvent's ClrTraceEventParser: TraceEvent names it from the trace's
    // MetaData/EventInfo, by the manifest's names, which is winmc's default naming
    expect(differ).toEqual(['Microsoft-Windows-DotNETRuntime/GarbageCollection/IncreaseMemoryPressure: 2 vs undefined']);
    expect(got.get('Microsoft-Windows-DotNETRuntime/GC/IncreaseMemoryPressure')).toBe(2);
    expect(countBy(events, (e) => `${e.provider}/${e.eventName}`).get('Microsoft-Windows-DotNETRuntime/GarbageCollection/IncreaseMemoryPressure')).toBe(2);
    // the names are the messages', the task's text dropped from the opcode's: GC + GCGenerationRange
    expect(['GC/AllocationTick', 'GC/GenerationRange', 'GC/Start', 'Loader/ModuleLoad', 'Method/LoadVerbose'].every((n) => got.has(`Microsoft-Windows-DotNETRuntime/${n}`))).toBe(true);
    expect(named.filter((e) => e.provider.startsWith('Microsoft-Windows-DotNETRuntime')).length).toBe(events.filter((e) => e.provider.startsWith('Microsoft-Windows-DotNETRuntime')).length);
    // The other way round: the events winmc reads that the baseline has no COUNT line for are the
    // ones TraceLog keeps out of the ETLX as bookkeeping (TraceLog.cs: Thread DCStart/DCStop, the
    // FileIO name events, StackWalk, the CLR's stack walks, IL maps and method rundown), those
    // GeneralParsing.cs skips (MSNT_SystemTrace events but SystemConfig/Platform and Image/KernelBase),
    // and event 200 under its message name
    const all = new Set([...baseline.matchAll(/^COUNT (.*):\d+$/gm)].map((m) => m[1]!));
    expect([...got.keys()].filter((k) => !all.has(k)).sort()).toEqual([
      'MSNT_SystemTrace/Image/HypercallPage',
      'MSNT_SystemTrace/SystemConfig/DPI',
      'MSNT_SystemTrace/SystemConfig/VirtualMemory',
      'Microsoft-Windows-DotNETRuntime/ClrStack/Walk',
      'Microsoft-Windows-DotNETRuntime/GC/IncreaseMemoryPressure',
      'Microsoft-Windows-DotNETRuntime/Method/ILToNativeMap',
      'Microsoft-Windows-DotNETRuntimeRundown/Method/DCEndILToNativeMap',
      'Microsoft-Windows-DotNETRuntimeRundown/Method/DCStopVerbose',
      'Windows Kernel/FileIO/FileCreate',
      'Windows Kernel/FileIO/FileDelete',
      'Windows Kernel/FileIO/FileRundown',
      'Windows Kernel/StackWalk/KeyDelete',
      'Windows Kernel/StackWalk/KeyRundown',
      'Windows Kernel/StackWalk/Stack',
      'Windows Kernel/StackWalk/StackKeyKernel',
      'Windows Kernel/StackWalk/StackKeyUser',
      'Windows Kernel/Thread/DCStart',
      'Windows Kernel/Thread/DCStop',
    ]);
  });

  it('has the baseline\'s field values for every CLR event it lists', () => {
    if (events.length === 0) return;
    const text = readFileSync(join(sampleDir(NET), 'net.4.5.2.x64.baseline.txt'), 'utf8');
    const lines = text.split('\n').filter((l) => l.startsWith('EVENT '));
    const parsed = baselineEvents(text);
    const index = clrIndex(events);
    let fields = 0;
    let lineCount = 0;
    for (const [i, line] of lines.entries()) {
      const b = parsed[i]!;
      if (!b.name.startsWith('Microsoft-Windows-DotNETRuntime')) continue;
      const m = /^EVENT ([\d,.]+): \S+ PID=(-?\d+);.*?DataLen=(\d+);/.exec(line)!;
      const e = index.get(`${m[1]}|${m[2]}|${m[3]}`)!.find((x) => x.provider === b.name.split('/')[0])!;
      lineCount++;
      for (const [k, v] of Object.entries(b.fields)) {
        if (!(k in e.fields!) || ENUM_FIELDS.has(`${b.name} ${k}`)) continue; // TraceEvent adds fields the version lacks
        const mine = baselineValue(e.fields![k]);
        expect(mine === v || sameNumber(mine, v), `${b.name} ${k}: ${mine} vs ${v}`).toBe(true);
        fields++;
      }
    }
    expect(lineCount).toBeGreaterThan(100);
    expect(fields).toBeGreaterThan(500);
  });

  it('names and lays out the events the same with the TEMP.BIN winmc compiles from ClrEtwAll.man', async () => {
    if (events.length === 0) return;
    const compiled = compileManifest(readFile(CLR_MAN), { inputName: 'ClrEtwAll.man' });
    const bin = compiled.files.find((f) => f.name.toUpperCase().endsWith('TEMP.BIN'))!;
    expect(bin, compiled.diagnostics.map((d) => d.message).join('\n')).toBeDefined();
    const decoder = manifestDecoder(loadManifest(bin.bytes, 'ClrEtwAllTEMP.BIN'));
    const path = unzipped(NET, 'net.4.5.2.x64.etl.zip', 'net.4.5.2.x64.etl')!;
    const fromBin = (await readAll(readFile(path), { decoders: [decoder] })).events;
    // a TEMP.BIN has no strings: map fields stay numbers there, so names and field names are compared
    const key = (e: EtlEvent) => `${e.provider}/${e.eventName} ${Object.keys(e.fields ?? {}).join(',')}`;
    const clr = (list: EtlEvent[]) => list.filter((e) => e.provider.startsWith('Microsoft-Windows-DotNETRuntime'));
    expect(clr(fromBin).length).toBe(clr(events).length);
    expect(clr(fromBin).slice(0, 2000).map(key)).toEqual(clr(events).slice(0, 2000).map(key));
  });
});

describe.skipIf(!hasEtlCorpus)('net.4.5.2.x64.etl: the metadata the trace carries', () => {
  let events: EtlEvent[] = [];
  let warnings: string[] = [];
  beforeAll(async () => {
    const path = unzipped(NET, 'net.4.5.2.x64.etl.zip', 'net.4.5.2.x64.etl');
    // with TraceLog's rule for CPU samples, as the baseline was made (the raw count, 79,528, is
    // dissect.etl's: etl-compressed.test.ts)
    if (path) ({ events, warnings } = await readAll(readFile(path), { dropIdleSamples: true }));
  });

  it('names the other providers\' events from their ManifestData and MetaData/EventInfo: every COUNT line not of the CLR equals winmc\'s', () => {
    if (events.length === 0) return console.warn(etlSkipNote);
    expect(warnings).toEqual([]);
    const baseline = readFileSync(join(sampleDir(NET), 'net.4.5.2.x64.baseline.txt'), 'utf8');
    const want = [...baseline.matchAll(/^COUNT (.*):(\d+)$/gm)].map((m) => [m[1]!, Number(m[2])] as const).filter(([name]) => !name.startsWith('Microsoft-Windows-DotNETRuntime'));
    expect(want.length).toBe(88);
    const got = countBy(events, (e) => `${e.provider}/${e.eventName}`);
    // PerfInfo/Sample: TraceLog leaves out the idle thread's samples not in a DPC or ISR
    // (TraceLog.cs, its PerfInfoSample callback): 79,528 - 73,208 = 6,320
    expect(got.get('Windows Kernel/PerfInfo/Sample')).toBe(6320);
    const differ = want.filter(([name, n]) => got.get(name) !== n).map(([name, n]) => `${name}: ${n} vs ${got.get(name)}`);
    expect(differ).toEqual([]);
    // EventSource events (PerfView, TplEventSource, FrameworkEventSource) and TDH-described ones decode
    for (const name of ['PerfView/PerfViewLog', 'System.Threading.Tasks.TplEventSource/TaskScheduled/Send', 'Microsoft-Windows-Kernel-File/Create', 'Microsoft-Windows-Kernel-Process/ProcessStart/Start']) {
      const e = events.find((x) => `${x.provider}/${x.eventName}` === name)!;
      expect(e.fields, name).not.toBeNull();
      expect(Object.keys(e.fields!).length, name).toBeGreaterThan(0);
    }
    const start = events.find((x) => x.eventName === 'ProcessStart/Start')!;
    expect(start.fields).toMatchObject({ ProcessID: 3676, ParentProcessID: 3508 });
  });
});

/**
 * Fields TraceEvent shows otherwise than the trace holds them: file names turned from NT paths
 * into drive letters (TraceLog's volume map), value and bit maps of MetaData/EventMapInfo (not
 * read by winmc), socket addresses formatted, an EventSource bit map joined by `|`, DiskIO's
 * IrpFlags through its own enum (priority bits masked off; winmc gives the number), and
 * SystemConfig/Services' ProcessName, which TraceEvent replaces by the name of the process it
 * gives the event.
 */
const PRESENTED = [/^Windows Kernel\/Image\/\S+ FileName$/, /^Windows Kernel\/DiskIO\/\S+ IrpFlags$/, /^Windows Kernel\/SystemConfig\/Services ProcessName$/, /^Microsoft-Windows-Kernel-File\/Create (FileName|ShareAccess|CreateOptions)$/, /^Microsoft-Windows-DNS-Client\/DnsServerForInterface (DynamicAddress|Address)$/, /^PerfView\/KernelEnableParameters (keywords|stacks)$/];

describe.skipIf(!hasEtlCorpus)('net.4.5.2.x64.etl: every event the baseline lists', () => {
  it('has its field values, for each line found by time, process and size', async () => {
    const path = unzipped(NET, 'net.4.5.2.x64.etl.zip', 'net.4.5.2.x64.etl');
    if (!path) return console.warn(etlSkipNote);
    const decoder = manifestDecoder(loadManifest(readFile(CLR_MAN), 'ClrEtwAll.man'));
    // threadsAhead: TraceEvent places a sample taken before its thread's DCStart by that DCStart
    const { events } = await readAll(readFile(path), { decoders: [decoder], threadsAhead: true });
    const text = readFileSync(join(sampleDir(NET), 'net.4.5.2.x64.baseline.txt'), 'utf8');
    const lines = text.split('\n').filter((l) => l.startsWith('EVENT '));
    const parsed = baselineEvents(text);
    const start = events[0]!.timeStamp;
    // An event is found under its process: winmc's processId (the header's, else the payload's or
    // the thread table's), and for a kernel event also the ProcessID of its payload, which
    // TraceEvent gives a kernel event in place of its header's (the rundown thread's process for
    // Image/DCStart, the parent for Process/Start and Thread/Start, the service's process for
    // SystemConfig/Services)
    const index = new Map<string, EtlEvent[]>();
    for (const e of events) {
      const own = e.group !== null && typeof e.fields?.ProcessID === 'number' ? e.fields.ProcessID : null;
      for (const pid of new Set([e.processId ?? -1, own ?? e.processId ?? -1])) {
        const k = `${msOf(e, start)}|${pid}|${e.payload.length}`;
        (index.get(k) ?? index.set(k, []).get(k)!).push(e);
      }
    }
    let found = 0;
    let compared = 0;
    const misread: string[] = [];
    const differ: string[] = [];
    for (const [i, line] of lines.entries()) {
      const b = parsed[i]!;
      const m = /^EVENT ([\d,.]+): .+? PID=(-?\d+); TID=(-?\d+);.*?DataLen=(\d+);/.exec(line)!;
      const candidates = index.get(`${m[1]}|${m[2]}|${m[4]}`);
      if (!candidates) {
        // TraceEvent reads DiskIO/FlushBuffers' thread at offset 8 (HighResResponseTime's low
        // half: 786,839 ticks is the line's ElapsedTimeMSec=78.684), finds no such thread, PID -1;
        // winmc reads IssuingThreadId at offset 24 and places the event by it
        const e = events.filter((x) => msOf(x, start) === m[1] && x.eventName === 'DiskIO/FlushBuffers');
        if (e.length === 1 && Number(m[3]) === Number(BigInt(e[0]!.fields!.HighResResponseTime as number) & 0xffffffffn)) misread.push(`${b.name} TID=${m[3]}: ${e[0]!.threadId}/${e[0]!.processId}`);
        continue;
      }
      const same = (e: EtlEvent) => Object.entries(b.fields).filter(([k, v]) => e.fields && k in e.fields && (baselineValue(e.fields[k]) === v || sameNumber(baselineValue(e.fields[k]), v))).length;
      const e = candidates.reduce((best, x) => (same(x) > same(best) ? x : best));
      found++;
      for (const [k, v] of Object.entries(b.fields)) {
        if (!e.fields || !(k in e.fields) || ENUM_FIELDS.has(`${b.name} ${k}`) || PRESENTED.some((re) => re.test(`${b.name} ${k}`))) continue;
        const mine = baselineValue(e.fields[k]);
        if (!(mine === v || sameNumber(mine, v))) differ.push(`${b.name} ${k}: ${mine} vs ${v}`);
        compared++;
      }
    }
    expect(differ).toEqual([]);
    expect(misread).toEqual(['Windows Kernel/DiskIO/FlushBuffers TID=786839: 960/944', 'Windows Kernel/DiskIO/FlushBuffers TID=1097765: 44/4']);
    expect(found).toBe(478);
    expect(found + misread.length).toBe(lines.length);
    expect(compared).toBeGreaterThan(1500);
    console.log(`EVENT lines found ${found} of ${lines.length}, ${compared} field values equal`);
  });
});

describe('manifest messages', () => {
  it('insert the fields and read FormatMessage escapes', () => {
    expect(formatMessage('Amount=%1;%tKind=%2!s!%n100%%', [5, 'Small'])).toBe('Amount=5;\tKind=Small\r\n100%');
    expect(formatMessage('missing %3', [1])).toBe('missing %3');
    expect(formatMessage('missing %3!x!', [1])).toBe('missing %3');
    expect(formatMessage('%AppDomainID=%1!x!%n', [255])).toBe('AppDomainID=ff');
    expect(formatMessage('%1 and %2', [{ Name: 'a' }, [1, 2]])).toBe('{"Name":"a"} and [1,2]');
    // FormatMessage refuses a floating-point conversion; the message is then shown as written
    expect(formatMessage('ratio %1!f!', [0.5])).toBe('ratio %1!f!');
  });

  it('a file that is no manifest is refused with its name', () => {
    expect(() => loadManifest(new TextEncoder().encode('hello'), 'x.man')).toThrow(/x\.man/);
  });
});
