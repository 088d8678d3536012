// net.4.5.2.x64.etl: a relogged PerfView trace whose buffers (359 of 360) are compressed with
// MS-XCA plain LZ77 and sized one by one. Every record header kind is in it. Its counts are
// checked against dissect.etl's oracle (all records, by class/provider and event) and against
// TraceEvent's COUNT lines for the kernel Process, Thread and Image events.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EtlEvent, EtlFileInfo } from '../../src/eventlog/etl/index.js';
import { isIdleSample } from '../../src/eventlog/etl/reader.js';
import { decompressPlainLz77 } from '../../src/binary/lz77.js';
import { FormatError } from '../../src/binary/errors.js';
import { cleanupUnzipped, countBy, etlSkipNote, hasEtlCorpus, readAll, readFile, readTsv, sampleDir, unzipped } from './etl-support.js';

const NET = 'microsoft__perfview__net.4.5.2.x64';

describe('plain LZ77', () => {
  it('decodes literals, overlapping matches and the half-byte, byte and word length forms', () => {
    // "abc" + match(distance 3, length 9), then "x" + match(distance 1, length 3 + 7 + 15 + 10)
    const flags = (bits: string) => {
      const v = parseInt(bits.padEnd(32, '1'), 2) >>> 0;
      return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
    };
    const m = (distance: number, len3: number) => {
      const w = ((distance - 1) << 3) | len3;
      return [w & 0xff, w >>> 8];
    };
    const input = Uint8Array.from([...flags('00010' + '1'), 0x61, 0x62, 0x63, ...m(3, 6), 0x78, ...m(1, 7), 0xf0 | 0x0f, 10]);
    // second match: length 7 -> half byte (low nibble 15) -> byte 10 -> 10 + 15 + 7 + 3 = 35
    const out = decompressPlainLz77(input, 3 + 9 + 1 + 35);
    expect(new TextDecoder().decode(out)).toBe('abc' + 'abcabcabc' + 'x' + 'x'.repeat(35));
  });

  it('refuses a match before the start of the output', () => {
    expect(() => decompressPlainLz77(Uint8Array.from([0, 0, 0, 0x80, 0x08, 0x00]), 10)).toThrow(FormatError);
  });
});

describe.skipIf(!hasEtlCorpus)('net.4.5.2.x64.etl (compressed buffers)', () => {
  let events: EtlEvent[] = [];
  let warnings: string[] = [];
  let info: EtlFileInfo;
  beforeAll(async () => {
    const path = unzipped(NET, 'net.4.5.2.x64.etl.zip', 'net.4.5.2.x64.etl');
    if (!path) return;
    ({ events, warnings, info } = await readAll(readFile(path)));
  });
  afterAll(cleanupUnzipped);

  it('decompresses 359 of 360 buffers into 179,474 records of every header kind', () => {
    if (events.length === 0) return console.warn(etlSkipNote);
    expect(warnings).toEqual([]);
    expect(info.buffers).toBe(360);
    expect(info.compressedBuffers).toBe(359);
    expect(events.length).toBe(179474);
    expect(Object.fromEntries(countBy(events, (e) => e.headerKind))).toEqual({ system: 3191, perfinfo: 100157, 'event-trace': 7983, event: 68143 });
  });

  it('has the count per event of dissect.etl for every record', () => {
    if (events.length === 0) return;
    const rows = readTsv(join(sampleDir(NET), 'oracle-dissect.etl.tsv'));
    const want = new Map<string, number>();
    const add = (k: string, n: number) => want.set(k, (want.get(k) ?? 0) + n);
    for (const r of rows) {
      const n = Number(r.count);
      if (r.header === 'kernel') add(r.event!.startsWith('ERR') ? `${r.provider_guid} unnamed` : `${r.provider_guid} ${r.event}`, n);
      else add(`${r.header} ${r.provider_guid} ${r.event}`, n);
    }
    // dissect fails on the SystemConfig records (KeyError) and on 250 StackWalk/Stack records
    // (EOFError): those are counted by class only.
    const failing = new Map([['01853a65-418f-4f36-aefc-dc0f1d2fd235', () => true], ['def2fe46-7bd6-4b80-bd94-f57fe20d0ce3', (e: EtlEvent) => e.mofName === 'StackWalk/Stack']]);
    const got = countBy(events, (e) => {
      if (e.headerKind === 'event') return `EventHeader ${e.providerGuid} id=${e.eventId} v=${e.version} op=${e.opcode}`;
      if (e.group === null || e.headerKind === 'event-trace') return `EventTraceHeader ${e.providerGuid} classic v=${(e.version << 16) | (e.level << 8) | e.opcode}`;
      if (failing.get(e.providerGuid)?.(e)) return `${e.providerGuid} unnamed`;
      return `${e.providerGuid} ${e.mofName}`;
    });
    // StackWalk/Stack: dissect names 2 and fails on 250
    const stack = 'def2fe46-7bd6-4b80-bd94-f57fe20d0ce3';
    want.set(`${stack} unnamed`, (want.get(`${stack} unnamed`) ?? 0) + (want.get(`${stack} StackWalk/Stack`) ?? 0));
    want.delete(`${stack} StackWalk/Stack`);
    expect(Object.fromEntries([...got].sort())).toEqual(Object.fromEntries([...want].sort()));
  });

  it('has TraceEvent\'s COUNT for every kernel Process, Thread and Image event it lists', () => {
    if (events.length === 0) return;
    const baseline = readFileSync(join(sampleDir(NET), 'net.4.5.2.x64.baseline.txt'), 'utf8');
    const want = [...baseline.matchAll(/^COUNT ((?:Windows Kernel|MSNT_SystemTrace)\/(?:Process|Thread|Image)\/[^:]+):(\d+)$/gm)].map((m) => [m[1]!, Number(m[2])] as const);
    expect(want.length).toBe(14);
    const got = countBy(events, (e) => `${e.provider}/${e.eventName}`);
    for (const [name, n] of want) expect(got.get(name), name).toBe(n);
  });

  it('counts every CPU sample, and knows the ones TraceEvent\'s TraceLog leaves out', () => {
    if (events.length === 0) return;
    const samples = events.filter((e) => e.eventName === 'PerfInfo/Sample');
    const oracle = readTsv(join(sampleDir(NET), 'oracle-dissect.etl.tsv')).find((r) => r.event === 'PerfInfo/SampleProf')!;
    expect(samples.length).toBe(Number(oracle.count));
    expect(samples.length).toBe(79528);
    // TraceLog.cs (its PerfInfoSample callback) drops a sample of thread 0 unless it ran a DPC or
    // an ISR: 73,208 of them here (73,313 of thread 0, 105 of those in a DPC or ISR), which leaves
    // the baseline's COUNT Windows Kernel/PerfInfo/Sample:6320 (dropIdleSamples; see etl-manifest)
    const idle = samples.filter((e) => e.fields!.ThreadID === 0);
    expect(idle.length).toBe(73313);
    expect(idle.filter((e) => e.fields!.ExecutingDPC || e.fields!.ExecutingISR).length).toBe(105);
    expect(samples.filter(isIdleSample).length).toBe(73208);
    expect(samples.length - samples.filter(isIdleSample).length).toBe(6320);
  });

  it('gives a record whose header has no process the payload\'s, else that of its thread', () => {
    if (events.length === 0) return;
    const from = countBy(events, (e) => `${e.processIdFrom}/${e.threadIdFrom}`);
    expect(Object.fromEntries(from)).toEqual({
      'header/header': 72266, // SYSTEM, EVENT_TRACE and EVENT_HEADER records
      'header/null': 7051, // EVENT_TRACE records with thread 0xFFFFFFFF (KernelTraceControl's)
      'payload/null': 3872, // PERFINFO records of Process, Thread, Image, TcpIp, UdpIp events (ProcessID, PID)
      'thread/payload': 80904, // samples (ThreadID), DiskIO (IssuingThreadId), HardFault (TThreadId)
      'null/payload': 8, // samples before their thread's DCStart (one pass)
      'null/null': 15373, // StackWalk, FileIO and EventTrace records, not decoded or without a thread
    });
    // the baseline's first sample: "PerfInfo/Sample PID=4; TID=584"
    const first = events.find((e) => e.eventName === 'PerfInfo/Sample' && e.threadId === 584)!;
    expect([first.processId, first.processIdFrom, first.threadIdFrom]).toEqual([4, 'thread', 'payload']);
    expect(first.fields).toEqual({ InstructionPointer: '0xffffffffffd03003', ThreadID: 584, Count: 1, Priority: 14, ExecutingDPC: false, ExecutingISR: false, Rank: 0 });
  });

  it('decodes the Process events as TraceEvent does', () => {
    if (events.length === 0) return;
    const start = events.filter((e) => e.eventName === 'Process/Start');
    expect(start.length).toBe(1);
    expect(start[0]!.fields).toMatchObject({ ProcessID: 3676, ParentID: 3508, ImageFileName: 'Test.x64.exe', SessionID: 1, ExitStatus: 259, UniqueProcessKey: '0xfffffa8300cfb380' });
    const stop = events.find((e) => e.eventName === 'Process/Stop')!;
    expect(stop.fields).toMatchObject({ ProcessID: 3676, ExitStatus: 0 });
    // the baseline's first two DCStart lines
    const dc = events.filter((e) => e.eventName === 'Process/DCStart').slice(0, 2);
    expect(dc[0]!.fields).toMatchObject({ ProcessID: 0, ParentID: 0, ImageFileName: 'Idle', PageDirectoryBase: '0x00187000', Flags: 'None', SessionID: -1, ExitStatus: 0, UniqueProcessKey: '0xfffff800217d9200', CommandLine: '' });
    expect(dc[1]!.fields).toMatchObject({ ProcessID: 4, ImageFileName: 'System', Flags: 'Protected', ExitStatus: 259, UniqueProcessKey: '0xfffffa830007e4c0' });
    expect(dc[0]!.processor).toBe(7);
  });
});
