import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  PacketFormatError,
  decodeDriverPacket,
  decodeEventLogData,
  decodeEventLogPacket,
  decodeEventXml,
  isEventLogPacket,
  messageIdOf,
  parseEventXml,
  parseHex,
} from '../../src/packet/decode.js';
import { driverPacketOf, isIoPacketData } from '../../src/eventlog/events.js';
import { corpusRoot } from '../support/paths.js';
import { describeErrorCode } from '../../src/packet/ntiologc.js';
import type { IoErrorLogPacket } from '../../src/packet/packet.js';

const corpus = corpusRoot;

function hasTool(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const zeroHeader: Omit<IoErrorLogPacket, 'errorCode'> = {
  majorFunctionCode: 0,
  retryCount: 0,
  dumpDataSize: 0,
  numberOfStrings: 0,
  stringOffset: 0,
  eventCategory: 0,
  uniqueErrorValue: 0,
  finalStatus: 0,
  sequenceNumber: 0,
  ioControlCode: 0,
  deviceOffset: 0n,
  dumpData: [],
  strings: [],
};

// PACKET-REGISTRY.md §1.6: the complete <Binary> of real System-log events, and the strings the
// record carries (%1 = device name, then the driver's strings).
const VECTORS = [
  {
    name: 'Serial (system.evtx rec 14)',
    recordId: 14,
    file: 'system.evtx',
    id: 0x40060002,
    strings: ['\\Device\\Serial0', '\\Device\\Serial0'],
    hex: '000008000200300000000000020006400f0000000000000000000000000000000000000000000000f803000000000000',
    packet: { ...zeroHeader, dumpDataSize: 8, numberOfStrings: 2, stringOffset: 48, errorCode: 0x40060002, uniqueErrorValue: 0xf, dumpData: [0x3f8, 0] },
  },
  {
    name: 'vmci (system.evtx rec 278)',
    recordId: 278,
    file: 'system.evtx',
    id: 0x40080003,
    strings: ['', 'VMCI: Using capabilities (0xc).\n'],
    hex: '00000000020028000000000003000840030008400000000000000000000000000000000000000000',
    packet: { ...zeroHeader, numberOfStrings: 2, stringOffset: 40, errorCode: 0x40080003, uniqueErrorValue: 0x40080003 },
  },
  {
    name: 'BTHUSB (system.evtx rec 54)',
    recordId: 54,
    file: 'system.evtx',
    id: 0x40050012,
    strings: [''],
    hex: '00000800010000000000000012000540000000000000000000000000000000000000000000000000e000000000000000',
    packet: { ...zeroHeader, dumpDataSize: 8, numberOfStrings: 1, errorCode: 0x40050012, dumpData: [0xe0, 0] },
  },
  {
    name: 'NetBT (2-vss_7-System.evtx rec 405)',
    recordId: 405,
    file: '2-vss_7-System.evtx',
    id: 0xc00010e1,
    strings: ['', 'DESKTOP-1N4R894:0', '74.118.138.195', '74.118.138.92'],
    hex: '000000000400320000000000e11000c001010000010000c000000000000000000000000000000000',
    packet: { ...zeroHeader, numberOfStrings: 4, stringOffset: 50, errorCode: 0xc00010e1, uniqueErrorValue: 0x101, finalStatus: 0xc0000001 },
  },
];

describe('event-log form: the real vectors of PACKET-REGISTRY.md §1.6', () => {
  for (const v of VECTORS) {
    it(`${v.name} decodes to the documented fields`, () => {
      const data = parseHex(v.hex);
      expect(isEventLogPacket(data, v.id)).toBe(true);
      expect(decodeEventLogData(data)).toEqual(v.packet);
    });
  }

  it('Disk (plaso System.evtx rec 543): the documented fields of its 56-byte data', () => {
    // §1.6 prints only the first 22 bytes ("0f00100001000000000000002200048001000000 0000…") and says
    // the rest is an all-zero 16-byte dump; bytes 22-39 are elided there and taken as zero here.
    const data = new Uint8Array(56);
    data.set(parseHex('0f001000010000000000000022000480010000000000'));
    const packet = decodeEventLogData(data);
    expect(packet).toMatchObject({ majorFunctionCode: 0x0f, dumpDataSize: 16, numberOfStrings: 1, stringOffset: 0, errorCode: 0x80040022, uniqueErrorValue: 1 });
    expect(packet.dumpData).toEqual([0, 0, 0, 0]);
    expect(describeErrorCode(packet.errorCode)).toBe('IO_WRITE_CACHE_DISABLED (0x80040022)');
  });

  it('rejects binary data of another shape (not 40 + DumpDataSize, or a different event ID)', () => {
    const serial = parseHex(VECTORS[0]!.hex);
    expect(isEventLogPacket(serial, 0x40060003)).toBe(false);
    expect(isEventLogPacket(serial.subarray(0, 44))).toBe(false);
    expect(() => decodeEventLogData(serial.subarray(0, 44))).toThrow(
      'DumpDataSize (at offset 0x2): 8 bytes of DumpData would end at 48, past the 44-byte event data',
    );
    const longer = new Uint8Array(52);
    longer.set(serial);
    expect(() => decodeEventLogData(longer)).toThrow('DumpDataSize (at offset 0x2): event data is 52 bytes but 40 + DumpDataSize is 48');
    expect(() => decodeEventLogData(serial.subarray(0, 39))).toThrow('header (at offset 0x27): event data is 39 bytes, shorter than the 40-byte header');
    const odd = parseHex('000006000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000');
    expect(() => decodeEventLogData(odd.subarray(0, 46))).toThrow('DumpDataSize (at offset 0x2): 6 is not a multiple of 4');
  });

  it('one rule: a DumpDataSize that is not a multiple of 4 is still a packet (TermDD 50 logs 11 bytes)', () => {
    const data = new Uint8Array(51);
    const v = new DataView(data.buffer);
    v.setUint16(2, 11, true);
    v.setUint32(12, 0xc00a0032, true);
    data.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 40);
    expect(isEventLogPacket(data, messageIdOf({ eventId: 0x32, qualifiers: 0xc00a }))).toBe(true);
    expect(isIoPacketData({ eventId: 0x32, qualifiers: 0xc00a, data })).toBe(true);
    const packet = decodeEventLogPacket(data);
    expect(packet).toMatchObject({ dumpDataSize: 11, errorCode: 0xc00a0032, dumpData: [0x04030201, 0x08070605, 0x000b0a09] });
    expect(driverPacketOf({ eventId: 0x32, qualifiers: 0xc00a, data })).toEqual(packet);
    expect(isEventLogPacket(data, 0xc00a0033)).toBe(false);
  });
});

const evtPath = join(corpus, 'evtx', 'plaso_SysEvent.Evt');

/**
 * The data of one EVENTLOGRECORD of a legacy .evt file, found by its RecordNumber. Test-local:
 * fixed EVENTLOGRECORD offsets (Length +0, 'LfLe' +4, RecordNumber +8, EventID +20,
 * DataLength +48, DataOffset +52), every read bounds-checked.
 */
function evtRecordData(file: Uint8Array, recordNumber: number): { eventId: number; data: Uint8Array } {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  for (let at = 0; at + 56 <= file.length; at += 4) {
    if (view.getUint32(at + 4, true) !== 0x654c664c || view.getUint32(at + 8, true) !== recordNumber) continue;
    const length = view.getUint32(at, true);
    const dataLength = view.getUint32(at + 48, true);
    const dataOffset = view.getUint32(at + 52, true);
    if (length < 56 || at + length > file.length || dataOffset + dataLength > length) continue;
    return { eventId: view.getUint32(at + 20, true), data: file.subarray(at + dataOffset, at + dataOffset + dataLength) };
  }
  throw new Error(`record ${recordNumber} not found`);
}

describe.skipIf(!existsSync(evtPath))(`XP SysEvent.Evt Disk record 6567${existsSync(evtPath) ? '' : ' (skipped: corpus not found at ' + corpus + ')'}`, () => {
  it('decodes the 144-byte Disk 51 packet with its message-relative StringOffset (§1.4)', () => {
    const { eventId, data } = evtRecordData(readFileSync(evtPath), 6567);
    expect(eventId).toBe(0x80040033);
    expect(data.length).toBe(144);
    const packet = decodeEventLogData(data);
    expect(packet).toMatchObject({ majorFunctionCode: 4, dumpDataSize: 0x68, stringOffset: 0xb6, uniqueErrorValue: 0x12d, errorCode: 0x80040033 });
    expect(packet.dumpData.length).toBe(26);
    expect(describeErrorCode(packet.errorCode)).toBe('IO_WARNING_PAGING_FAILURE (0x80040033)');
  });
});

describe('driver packet decoding', () => {
  // The Serial driver's own packet: the event's header with NumberOfStrings 1 (the I/O manager
  // adds the device name), followed by its string at StringOffset 48.
  const serialDriver = (() => {
    const header = parseHex(VECTORS[0]!.hex);
    header[4] = 1;
    const text = Buffer.from('\\Device\\Serial0\0', 'utf16le');
    return new Uint8Array([...header, ...text]);
  })();

  it('reads the strings at StringOffset', () => {
    expect(decodeDriverPacket(serialDriver)).toEqual({ ...VECTORS[0]!.packet, numberOfStrings: 1, strings: ['\\Device\\Serial0'] });
  });

  it('names the field for hostile offsets and counts', () => {
    const patched = (offset: number, value: number): Uint8Array => {
      const copy = serialDriver.slice();
      new DataView(copy.buffer).setUint16(offset, value, true);
      return copy;
    };
    expect(() => decodeDriverPacket(patched(6, 44))).toThrow('StringOffset (at offset 0x6): 44 points into the header or DumpData, which end at 48');
    expect(() => decodeDriverPacket(patched(6, 49))).toThrow('StringOffset (at offset 0x6): 49 is odd');
    expect(() => decodeDriverPacket(patched(6, 0xfffe))).toThrow('StringOffset (at offset 0x6): 65534 is past the end of the 80-byte packet');
    expect(() => decodeDriverPacket(patched(4, 2))).toThrow('Strings[1] (at offset 0x50): NumberOfStrings is 2 but the packet ends after 1 string(s)');
    expect(() => decodeDriverPacket(patched(4, 0xffff))).toThrow(PacketFormatError);
    expect(() => decodeDriverPacket(patched(2, 0xfffc))).toThrow('DumpDataSize (at offset 0x2): 65532 bytes of DumpData would end at 65572, past the 80-byte packet');
    expect(() => decodeDriverPacket(serialDriver.subarray(0, 78))).toThrow('Strings[0] (at offset 0x4e): string starting at 48 has no terminating NUL');
    expect(decodeDriverPacket(serialDriver.subarray(0, 78), { allowUnterminatedLastString: true }).strings).toEqual(['\\Device\\Serial0']);
    const bare = parseHex(VECTORS[1]!.hex); // 40 bytes, no DumpData
    expect(() => decodeDriverPacket(bare)).toThrow('EntrySize (at offset 0x28): packet is 40 bytes, shorter than sizeof(IO_ERROR_LOG_PACKET) = 48');
  });

  it('checks the size against an architecture when asked', () => {
    const big = new Uint8Array(153);
    expect(() => decodeDriverPacket(big, { arch: 'x86' })).toThrow('packet is 153 bytes, more than ERROR_LOG_MAXIMUM_SIZE 152 on x86');
    expect(decodeDriverPacket(big, { arch: 'x64' }).errorCode).toBe(0);
  });
});

describe('hex input', () => {
  it('accepts case, whitespace and a 0x prefix', () => {
    expect([...parseHex('  0x0A ff\n10\t2b ')]).toEqual([0x0a, 0xff, 0x10, 0x2b]);
  });
  it('locates a bad digit and an odd count', () => {
    expect(() => parseHex('00 0g')).toThrow("hex (at offset 0x4): 'g' is not a hex digit");
    expect(() => parseHex('000')).toThrow('hex (at offset 0x2): odd number of hex digits (3)');
  });
});

describe('XML export', () => {
  const xml = `<?xml version="1.0" encoding="utf-8"?>
<Events>
<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">
  <System>
    <Provider Name="NetBT"/>
    <EventID Qualifiers="49152">4321</EventID>
    <EventRecordID>405</EventRecordID>
  </System>
  <EventData>
    <Data/>
    <Data>DESKTOP-1N4R894:0</Data>
    <Data>74.118.138.195</Data>
    <Data>74.118.138.92</Data>
    <Binary>000000000400320000000000E11000C001010000010000C000000000000000000000000000000000</Binary>
  </EventData>
</Event>
<!-- <Event><Binary>ff</Binary></Event> -->
<Event><System><Provider Name="Server"/><EventID Qualifiers="49152">2505</EventID></System>
  <EventData><Data>a &amp; b &lt;c&gt; &#x41;</Data><Binary>00000000</Binary></EventData></Event>
</Events>`;

  it('reads provider, IDs, strings (empty %1 kept in place) and binary', () => {
    const records = parseEventXml(xml);
    expect(records.length).toBe(2);
    expect(records[0]).toMatchObject({ line: 3, provider: 'NetBT', eventId: 4321, qualifiers: 49152, recordId: 405, strings: VECTORS[3]!.strings });
    expect(records[1]!.strings).toEqual(['a & b <c> A']);
  });

  it('decodes only the events whose binary is an I/O error packet', () => {
    const events = decodeEventXml(xml);
    expect(events.length).toBe(1);
    expect(events[0]!.packet).toEqual(VECTORS[3]!.packet);
    expect(events[0]!.deviceName).toBe('');
    expect(events[0]!.driverStrings).toEqual(['DESKTOP-1N4R894:0', '74.118.138.195', '74.118.138.92']);
  });

  it('reports malformed XML with its line', () => {
    expect(() => parseEventXml('<Event>\n<EventID>70000</EventID></Event>')).toThrow("EventID (at offset 0x11): line 2: '70000' is not a number from 0 to 65535");
    expect(() => parseEventXml('<Event>\n\n<Binary>00 0</Binary></Event>')).toThrow('Binary');
    expect(() => parseEventXml('<Event>\n<Binary>00 0</Binary></Event>')).toThrow('line 2');
    expect(() => parseEventXml('<Events>\n<Event><Data>x</Data>')).toThrow('line 2: <Event> is not closed');
    expect(() => parseEventXml('<Event><Data>&bogus;</Data></Event>')).toThrow('unknown entity &bogus;');
  });
});

const evtxFiles = ['system.evtx', '2-vss_7-System.evtx'].map((f) => join(corpus, 'evtx', f));
const canExport = hasTool('evtxexport') && evtxFiles.every((f) => existsSync(f));

describe.skipIf(!canExport)(`real logs through evtxexport -f xml${canExport ? '' : ' (skipped: evtxexport or the corpus evtx files are missing)'}`, () => {
  const exports = new Map<string, string>();
  const exported = (file: string): string => {
    if (!exports.has(file)) {
      const text = execFileSync('evtxexport', ['-f', 'xml', join(corpus, 'evtx', file)], { maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] }).toString('utf8');
      exports.set(file, text);
    }
    return exports.get(file)!;
  };

  for (const v of VECTORS) {
    it(`${v.name}: binary and strings as documented`, () => {
      const events = decodeEventXml(exported(v.file));
      const event = events.find((e) => e.record.recordId === v.recordId);
      expect(event, `record ${v.recordId}`).toBeDefined();
      expect(event!.packet).toEqual(v.packet);
      expect(event!.record.strings).toEqual(v.strings);
    });
  }

  it('every driver event of both logs decodes, and the detector matches the event ID', () => {
    for (const file of ['system.evtx', '2-vss_7-System.evtx']) {
      const events = decodeEventXml(exported(file));
      expect(events.length).toBeGreaterThan(0);
      for (const e of events) {
        expect(e.packet.errorCode).toBe((((e.record.qualifiers ?? 0) << 16) | e.record.eventId!) >>> 0);
        expect(e.record.strings.length).toBe(e.packet.numberOfStrings);
      }
    }
  });
});
