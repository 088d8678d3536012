// The .etl side of `winmc events` (src/cli/events-etl.ts), called as `winmc events` calls it:
// JSON lines with the fields, --summary as COUNT lines, --processes from the kernel
// logger's Process events, --manifest, the filters, and its errors.

import { join } from 'node:path';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { run as runEvents } from '../../src/cli/events.js';
import { runEtlEvents, type EtlEventsCommand } from '../../src/cli/events-etl.js';
import { cleanupUnzipped, etlDir, hasEtlCorpus, readTsv, sampleDir, unzipped } from './etl-support.js';

afterAll(cleanupUnzipped);

const SHUTDOWN = join(sampleDir('airbus-cert__etl-parser__ShutdownPerfDiagLogger'), 'ShutdownPerfDiagLogger.etl');

async function run(file: string, extra: Partial<EtlEventsCommand> = {}): Promise<{ code: number; out: string[]; err: string }> {
  const out: string[] = [];
  let err = '';
  const cmd: EtlEventsCommand = { file, providers: [], eventIds: [], levels: new Set(), json: false, wide: false, manifests: [], summary: false, processes: false, perfview: false, filters: [], ...extra };
  const code = await runEtlEvents(cmd, { out: (l) => void out.push(...l.split('\n')), err: (t) => (err += t), tty: false });
  return { code, out, err };
}

describe.skipIf(!hasEtlCorpus)('winmc events FILE.etl', () => {
  it('--summary gives a COUNT line per provider and event', async () => {
    const { code, out, err } = await run(SHUTDOWN, { summary: true });
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out).toContain('COUNT Windows Kernel/Process/DCStart:94');
    expect(out).toContain('COUNT Windows Kernel/Image/Unload:4791');
    const total = out.reduce((n, l) => n + Number(l.split(':').pop()), 0);
    const oracle = readTsv(join(sampleDir('airbus-cert__etl-parser__ShutdownPerfDiagLogger'), 'oracle-dissect.etl.tsv')).reduce((n, r) => n + Number(r.count), 0);
    expect(total).toBe(oracle);
  });

  it('--json lines carry the issue\'s fields; --provider, --event-id and --limit filter', async () => {
    const { code, out } = await run(SHUTDOWN, { json: true, providers: ['Windows Kernel'], eventIds: [[1, 1]], limit: 3 });
    expect(code).toBe(0);
    expect(out.length).toBe(3);
    const e = JSON.parse(out[0]!);
    expect(Object.keys(e)).toEqual(expect.arrayContaining(['timeCreated', 'provider', 'providerGuid', 'eventId', 'version', 'opcode', 'task', 'level', 'keywords', 'eventName', 'processId', 'threadId', 'processor', 'fields', 'message']));
    expect(e.eventId).toBe(1);
    expect(e.providerGuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(e.timeCreated).toMatch(/^2020-02-28T\d\d:\d\d:\d\d\.\d{7}Z$/);
  });

  it('--json says where a process or thread not in the record\'s header comes from', async () => {
    const net = unzipped('microsoft__perfview__net.4.5.2.x64', 'net.4.5.2.x64.etl.zip', 'net.4.5.2.x64.etl')!;
    // PerfInfo samples (PERFINFO headers): the thread from the sample, its process from the thread table
    const { out } = await run(net, { json: true, providers: ['Windows Kernel'], eventIds: [[46, 46]], limit: 400 });
    const lines = out.map((l) => JSON.parse(l));
    const placed = lines.find((e) => e.threadId === 584)!;
    expect(placed).toMatchObject({ eventName: 'PerfInfo/Sample', processId: 4, processIdFrom: 'thread', threadIdFrom: 'payload', header: 'perfinfo' });
    // before its thread's DCStart (one pass), a sample has a thread but no process
    expect(lines.find((e) => e.threadId === 3780)).toMatchObject({ processId: null, threadIdFrom: 'payload' });
    expect(lines.find((e) => e.threadId === 3780).processIdFrom).toBeUndefined();
    // a SYSTEM header's own ids carry no *From
    const { out: sys } = await run(SHUTDOWN, { json: true, providers: ['Windows Kernel'], eventIds: [[1, 1]], limit: 1 });
    expect(Object.keys(JSON.parse(sys[0]!))).not.toContain('processIdFrom');
  });

  it('--summary --perfview --manifest ClrEtwAll.man gives the baseline\'s COUNT lines: every one but the CLR event TraceEvent names from the trace', async () => {
    const net = unzipped('microsoft__perfview__net.4.5.2.x64', 'net.4.5.2.x64.etl.zip', 'net.4.5.2.x64.etl');
    if (!net) return;
    const { code, out, err } = await run(net, { summary: true, perfview: true, manifests: [join(etlDir, 'ClrEtwAll.man')] });
    expect([code, err]).toEqual([0, '']);
    const got = new Map(out.filter(Boolean).map((l) => /^COUNT (.*):(\d+)$/.exec(l)!).map((m) => [m[1]!, Number(m[2])]));
    const baseline = readFileSync(join(sampleDir('microsoft__perfview__net.4.5.2.x64'), 'net.4.5.2.x64.baseline.txt'), 'utf8');
    const want = [...baseline.matchAll(/^COUNT (.*):(\d+)$/gm)].map((m) => [m[1]!, Number(m[2])] as const);
    expect(want.length).toBe(152);
    const differ = want.filter(([k, n]) => got.get(k) !== n).map(([k, n]) => `${k}: ${n} vs ${got.get(k)}`);
    // Event 200 is not in TraceEvent's compiled-in CLR parser; it names it from the trace's own
    // MetaData/EventInfo, by the manifest's names (docs/events.md)
    expect(differ).toEqual(['Microsoft-Windows-DotNETRuntime/GarbageCollection/IncreaseMemoryPressure: 2 vs undefined']);
    expect(got.get('Microsoft-Windows-DotNETRuntime/GC/IncreaseMemoryPressure')).toBe(2);
    // without --perfview: every sample, and the manifest's names
    const raw = await run(net, { summary: true, manifests: [join(etlDir, 'ClrEtwAll.man')] });
    expect(raw.out).toContain('COUNT Windows Kernel/PerfInfo/Sample:79528');
    expect(out).toContain('COUNT Windows Kernel/PerfInfo/Sample:6320');
    expect(raw.out).toContain('COUNT Microsoft-Windows-DotNETRuntime/GarbageCollection/GCAllocationTick:' + got.get('Microsoft-Windows-DotNETRuntime/GC/AllocationTick'));
  });

  it('--processes lists the kernel logger\'s processes', async () => {
    const { code, out } = await run(SHUTDOWN, { processes: true, json: true });
    expect(code).toBe(0);
    const rows = out.map((l) => JSON.parse(l));
    const tray = rows.find((r) => r.pid === 6780)!;
    expect(tray).toMatchObject({ parentPid: 3856, image: 'SecurityHealthSystray.exe', start: null });
    expect(tray.end).toMatch(/^2020-02-28T/);
    expect(rows.find((r) => r.pid === 4)).toMatchObject({ image: 'System', end: null });
    const table = await run(SHUTDOWN, { processes: true });
    expect(table.out[0]).toMatch(/^\s+PID\s+Parent\s+Image/);
  });

  it('the process table of net.4.5.2.x64 has the started Test.x64.exe', async () => {
    const net = unzipped('microsoft__perfview__net.4.5.2.x64', 'net.4.5.2.x64.etl.zip', 'net.4.5.2.x64.etl');
    if (!net) return;
    const { out } = await run(net, { processes: true, json: true });
    const rows = out.map((l) => JSON.parse(l));
    const test = rows.find((r) => r.pid === 3676 && r.start !== null)!;
    expect(test).toMatchObject({ parentPid: 3508, image: 'Test.x64.exe', exitStatus: 0 });
    expect(test.end > test.start).toBe(true);
  });

  it('--manifest names manifest events; a bad one is MC6004', async () => {
    const net = unzipped('microsoft__perfview__net.4.5.2.x64', 'net.4.5.2.x64.etl.zip', 'net.4.5.2.x64.etl');
    if (!net) return;
    const { out } = await run(net, { json: true, manifests: [join(etlDir, 'ClrEtwAll.man')], providers: ['Microsoft-Windows-DotNETRuntime'], limit: 2 });
    expect(out.length).toBe(2);
    expect(JSON.parse(out[0]!).fields).not.toBeNull();
    const bad = await run(net, { manifests: ['/nonexistent.man'] });
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/error MC6004: --manifest \/nonexistent.man: no such file/);
  });

  it('a file that is not an .etl is MC6003; a truncated one warns MC6101', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'winmc-etl-cli-'));
    try {
      writeFileSync(join(dir, 'x.etl'), 'not a trace at all, but long enough to have a header of some sort........');
      const r = await run(join(dir, 'x.etl'));
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/error MC6003: .*not an \.etl file/);
      const { readFileSync } = await import('node:fs');
      writeFileSync(join(dir, 'cut.etl'), readFileSync(SHUTDOWN).subarray(0, 100000));
      const cut = await run(join(dir, 'cut.etl'), { summary: true });
      expect(cut.code).toBe(0);
      expect(cut.err).toMatch(/warning MC6101: .*buffer 1 \(file offset 0x10000\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('winmc events hands an .etl to it and refuses the options of the other kind', async () => {
    const written: string[] = [];
    const errors: string[] = [];
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (errors.push(String(chunk)), true));
    try {
      expect(await runEvents([SHUTDOWN, '--summary', '--provider', 'Windows Kernel'], 'events')).toBe(0);
      expect(await runEvents([SHUTDOWN, '--xml'], 'events')).toBe(2);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
    expect(written.join('')).toContain('COUNT Windows Kernel/Process/DCStart:94\n');
    expect(errors.join('')).toMatch(/MC6001: --xml: for \.evtx and \.evt logs, not an \.etl trace/);
  });
});
