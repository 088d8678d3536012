// The driver events of the corpus logs (PACKET-REGISTRY.md §5.3) are found and their packets
// decoded with the fields documented in §1.6. Expected values come from the spec's tables,
// which were read from the same public files with other tools.

import { beforeAll, describe, expect, it } from 'vitest';
import { driverPacketOf, isIoPacketData, messageIdOf, readEventLogFile, type EventRecord } from '../../src/eventlog/events.js';
import type { IoErrorLogPacket } from '../../src/packet/packet.js';
import { evtxCorpusFile as corpusFile, hasEvtxCorpus as hasCorpus } from '../support/paths.js';

interface Found {
  event: EventRecord;
  packet: IoErrorLogPacket | null;
}

async function readLog(name: string): Promise<Found[]> {
  const out: Found[] = [];
  const warnings: string[] = [];
  for await (const event of readEventLogFile(corpusFile(name), (w) => warnings.push(w.message))) out.push({ event, packet: driverPacketOf(event) });
  expect(warnings).toEqual([]);
  return out;
}

const hex = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString('hex'));

function record(log: Found[], id: number): Found {
  const found = log.find((f) => f.event.recordId === id);
  if (!found) throw new Error(`record ${id} not found`);
  return found;
}

/** (provider, EventID) pairs of the events whose data passed the packet rule. */
function packetEventKinds(log: Found[]): Set<string> {
  return new Set(log.filter((f) => f.packet !== null).map((f) => `${f.event.provider} ${f.event.eventId}`));
}

/** §1.6: Level comes from the NTSTATUS severity bits: Error → 2, Warning → 3, Informational → 4. */
const LEVEL_OF_SEVERITY = [4, 4, 3, 2];

/** Invariants §1.6 states for every driver event. */
function checkDriverEvent({ event, packet }: Found): void {
  const where = `${event.provider} record ${event.recordId}`;
  expect(packet, where).not.toBeNull();
  expect(packet!.errorCode, where).toBe(messageIdOf(event));
  expect(event.data!.length, where).toBe(40 + packet!.dumpDataSize);
  expect(packet!.numberOfStrings, where).toBe(event.strings.length);
  expect(event.level, where).toBe(LEVEL_OF_SEVERITY[packet!.errorCode >>> 30]);
}

if (!hasCorpus) console.warn('test/eventlog/driver-events: corpus not found (set WINMC_CORPUS); skipped');

describe.skipIf(!hasCorpus)('system.evtx (Windows 10) driver events (skipped without the corpus)', () => {
  let log: Found[];
  beforeAll(async () => {
    log = await readLog('system.evtx');
  });

  it('finds Serial 2, BTHUSB 18/28, e1iexpress 27/32 and vmci 3, all with packets', () => {
    const kinds = packetEventKinds(log);
    for (const k of ['Serial 2', 'BTHUSB 18', 'BTHUSB 28', 'e1iexpress 27', 'e1iexpress 32', 'vmci 3']) expect(kinds).toContain(k);
    const drivers = log.filter((f) => ['Serial', 'BTHUSB', 'e1iexpress', 'vmci'].includes(f.event.provider));
    expect(drivers.length).toBeGreaterThan(6);
    for (const d of drivers) checkDriverEvent(d);
  });

  it('Serial record 14: the §1.6 test vector', () => {
    const { event, packet } = record(log, 14);
    expect(event.provider).toBe('Serial');
    expect(event.channel).toBe('System');
    expect(messageIdOf(event)).toBe(0x40060002);
    expect(event.qualifiers).toBe(0x4006);
    expect(event.strings).toEqual(['\\Device\\Serial0', '\\Device\\Serial0']);
    expect(hex(event.data)).toBe('000008000200300000000000020006400f0000000000000000000000000000000000000000000000f803000000000000');
    expect(packet).toEqual({
      majorFunctionCode: 0,
      retryCount: 0,
      dumpDataSize: 8,
      numberOfStrings: 2,
      stringOffset: 48,
      eventCategory: 0,
      errorCode: 0x40060002,
      uniqueErrorValue: 0x0f,
      finalStatus: 0,
      sequenceNumber: 0,
      ioControlCode: 0,
      deviceOffset: 0n,
      dumpData: [0x3f8, 0],
      strings: [],
    });
  });

  it('vmci record 278: empty %1 kept, string with its line break, StringOffset 40', () => {
    const { event, packet } = record(log, 278);
    expect(event.provider).toBe('vmci');
    expect(event.strings).toEqual(['', 'VMCI: Using capabilities (0xc).\n']);
    expect(hex(event.data)).toBe('00000000020028000000000003000840030008400000000000000000000000000000000000000000');
    expect(packet).toMatchObject({ dumpDataSize: 0, numberOfStrings: 2, stringOffset: 40, errorCode: 0x40080003, uniqueErrorValue: 0x40080003, dumpData: [] });
  });

  it('BTHUSB record 54: a lone empty string, StringOffset 0', () => {
    const { event, packet } = record(log, 54);
    expect(event.strings).toEqual(['']);
    expect(messageIdOf(event)).toBe(0x40050012);
    expect(packet).toMatchObject({ dumpDataSize: 8, numberOfStrings: 1, stringOffset: 0, errorCode: 0x40050012, dumpData: [0xe0, 0] });
  });

  it('rejects binary data that is not a packet (EventLog 6005 and the like)', () => {
    const withData = log.filter((f) => f.event.data !== null && f.packet === null);
    expect(withData.length).toBeGreaterThan(0);
    for (const f of withData) expect(isIoPacketData(f.event)).toBe(false);
    expect(withData.map((f) => f.event.provider)).toContain('EventLog');
  });
});

describe.skipIf(!hasCorpus)('2-vss_7-System.evtx (Windows 7) driver events (skipped without the corpus)', () => {
  it('NetBT record 405: four strings with an empty %1, StringOffset 50', async () => {
    const log = await readLog('2-vss_7-System.evtx');
    const { event, packet } = record(log, 405);
    expect(event.provider).toBe('NetBT');
    expect(event.eventId).toBe(4321);
    expect(event.strings).toEqual(['', 'DESKTOP-1N4R894:0', '74.118.138.195', '74.118.138.92']);
    expect(hex(event.data)).toBe('000000000400320000000000e11000c001010000010000c000000000000000000000000000000000');
    expect(packet).toMatchObject({
      dumpDataSize: 0,
      numberOfStrings: 4,
      stringOffset: 50,
      errorCode: 0xc00010e1,
      uniqueErrorValue: 0x101,
      finalStatus: 0xc0000001,
      deviceOffset: 0n,
    });
    expect(packetEventKinds(log)).toContain('NetBT 4321');
    for (const f of log.filter((x) => x.event.provider === 'NetBT')) checkDriverEvent(f);
  });
});

describe.skipIf(!hasCorpus)('plaso_SysEvent.Evt (XP, EVT format) driver events (skipped without the corpus)', () => {
  let log: Found[];
  beforeAll(async () => {
    log = await readLog('plaso_SysEvent.Evt');
  });

  it('finds atapi 9, Disk 51, MRxSmb 8003, TermDD 50, Tcpip 4226, NetBT 4321, vmdebug and LGTO_Sync packets', () => {
    const kinds = packetEventKinds(log);
    for (const k of ['atapi 9', 'Disk 51', 'MRxSmb 8003', 'TermDD 50', 'Tcpip 4226', 'NetBT 4321']) expect(kinds).toContain(k);
    const providers = new Set(log.filter((f) => f.packet !== null).map((f) => f.event.provider));
    expect(providers).toContain('vmdebug');
    expect(providers).toContain('LGTO_Sync');
    for (const f of log.filter((x) => ['atapi', 'Disk', 'TermDD', 'Tcpip', 'NetBT'].includes(x.event.provider) && x.event.data !== null)) {
      checkDriverEvent(f);
    }
  });

  it('Disk record 6567: IRP_MJ_WRITE, DumpDataSize 0x68, message-relative StringOffset 0xB6', () => {
    const { event, packet } = record(log, 6567);
    expect(event.format).toBe('evt');
    expect(event.provider).toBe('Disk');
    expect(messageIdOf(event)).toBe(0x80040033);
    expect(event.data!.length).toBe(144);
    expect(event.strings[0]!.startsWith('\\Device\\Harddisk0\\D')).toBe(true);
    expect(packet).toMatchObject({ majorFunctionCode: 4, dumpDataSize: 0x68, stringOffset: 0xb6, uniqueErrorValue: 0x12d, errorCode: 0x80040033 });
    expect(packet!.dumpData).toHaveLength(0x68 / 4);
  });

  it('TermDD 50 with an 11-byte dump is still a packet (the dump padded to whole ULONGs)', () => {
    const odd = log.filter((f) => f.event.provider === 'TermDD' && f.event.data !== null && f.event.data.length === 51);
    expect(odd.length).toBeGreaterThan(0);
    for (const f of odd) {
      checkDriverEvent(f);
      expect(f.packet!.dumpDataSize).toBe(11);
      const padded = new Uint8Array(12);
      padded.set(f.event.data!.subarray(40));
      const words = new DataView(padded.buffer);
      expect(f.packet!.dumpData).toEqual([0, 4, 8].map((o) => words.getUint32(o, true)));
    }
  });
});
