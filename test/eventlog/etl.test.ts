// The .etl reader on the corpus: buffers, every record header kind, the logfile header and its
// clock, and the kernel Process/Thread/Image events, against dissect.etl's counts (the oracle in
// each sample's folder) and the facts of its SOURCE.txt.

import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupUnzipped, countBy, etlSkipNote, hasEtlCorpus, readAll, readFile, readTsv, sampleDir } from './etl-support.js';

afterAll(cleanupUnzipped);

const SHUTDOWN = 'airbus-cert__etl-parser__ShutdownPerfDiagLogger';

describe.skipIf(!hasEtlCorpus)('ShutdownPerfDiagLogger.etl (64 KiB buffers, kernel logger)', () => {
  it('has the count per event of dissect.etl, no warnings', async () => {
    const { events, warnings, info } = await readAll(readFile(join(sampleDir(SHUTDOWN), 'ShutdownPerfDiagLogger.etl')));
    expect(warnings).toEqual([]);
    expect(info.buffers).toBe(49);
    expect(info.compressedBuffers).toBe(0);
    expect(events.length).toBe(17078);
    const got = countBy(events, (e) => `${e.providerGuid}\t${e.mofName}`);
    const want = new Map(readTsv(join(sampleDir(SHUTDOWN), 'oracle-dissect.etl.tsv')).map((r) => [`${r.provider_guid}\t${r.event}`, Number(r.count)]));
    expect(Object.fromEntries(got)).toEqual(Object.fromEntries(want));
    expect(Object.fromEntries(countBy(events, (e) => e.headerKind))).toEqual({ system: 8433, perfinfo: 8645 });
  });

  it('reads the logfile header and puts every record between StartTime and EndTime', async () => {
    const { events, info } = await readAll(readFile(join(sampleDir(SHUTDOWN), 'ShutdownPerfDiagLogger.etl')));
    const h = info.header!;
    expect(h.providerVersion).toBe(18362);
    expect(h.numberOfProcessors).toBe(2);
    expect(h.pointerSize).toBe(8);
    expect(h.reservedFlags).toBe(1);
    expect(h.perfFreq).toBe(10000000n);
    expect(h.buffersWritten).toBe(49);
    expect(events[0]!.eventName).toBe('EventTrace');
    expect(events[0]!.fields!.SessionName).toBe('PerfDiag Logger');
    const start = events[0]!.timeCreated;
    expect(start).toBe(events[0]!.fields!.StartTime);
    expect(start.startsWith('2020-02-28T')).toBe(true);
    const end = events[0]!.fields!.EndTime as string;
    for (const e of events) {
      expect(e.timeCreated >= start && e.timeCreated <= end, `${e.eventName} at ${e.timeCreated}`).toBe(true);
    }
  });

  it('decodes Process events of versions 2, 4 and 5 with their SIDs', async () => {
    const { events } = await readAll(readFile(join(sampleDir(SHUTDOWN), 'ShutdownPerfDiagLogger.etl')));
    const byName = (n: string) => events.filter((e) => e.eventName === n);
    const system = byName('Process/DCStart').find((e) => e.fields!.ProcessID === 4)!;
    expect(system.version).toBe(4);
    expect(system.fields).toMatchObject({ ImageFileName: 'System', ParentID: 0, ExitStatus: 259, Flags: 'Protected', UserSID: 'S-1-5-18' });
    const stop = byName('Process/Stop').find((e) => e.fields!.ProcessID === 6780)!;
    expect(stop.fields).toMatchObject({ ImageFileName: 'SecurityHealthSystray.exe', ParentID: 3856, SessionID: 1, UserSID: 'S-1-5-21-4151223144-1238771585-1724997581-1000' });
    expect(stop.fields!.CommandLine).toBe('"C:\\Windows\\System32\\SecurityHealthSystray.exe" ');
    const defunct = byName('Process/Defunct');
    expect(defunct.length).toBe(5);
    expect(defunct.every((e) => e.version === 5 && typeof e.fields!.ExitTime === 'string')).toBe(true);
    expect(byName('Process/Terminate').every((e) => e.version === 2 && typeof e.fields!.ProcessID === 'number')).toBe(true);
    for (const e of events.filter((e) => e.providerGuid.startsWith('3d6fa8d'))) expect(e.fields, e.eventName).not.toBeNull();
  });

  it('decodes Thread and Image events into named fields', async () => {
    const { events } = await readAll(readFile(join(sampleDir(SHUTDOWN), 'ShutdownPerfDiagLogger.etl')));
    const threads = events.filter((e) => e.eventName.startsWith('Thread/'));
    expect(threads.length).toBe(350 + 1032 + 1175 + 501);
    for (const t of threads) expect(Object.keys(t.fields!)).toContain('Win32StartAddr');
    const images = events.filter((e) => e.mofName?.startsWith('Image/') && /Load|DC/.test(e.mofName));
    for (const i of images) expect(typeof i.fields!.FileName, i.mofName!).toBe('string');
    const kernel = images.find((e) => e.eventName === 'Image/DCStop' && /ntoskrnl/.test(e.fields!.FileName as string))!;
    expect(kernel.fields).toMatchObject({ ImageBase: '0xfffff802424ab000', ImageSize: 11231232, FileName: '\\SystemRoot\\system32\\ntoskrnl.exe' });
  });
});
