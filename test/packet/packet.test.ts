import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ARCHES,
  type Arch,
  type PacketFields,
  PacketFieldError,
  PacketSizeError,
  archLimits,
  buildPacket,
  checkEntrySize,
  completePacket,
  entrySizeOf,
  fitReport,
  writeEventLogData,
} from '../../src/packet/packet.js';
import { PacketFormatError, decodeDriverPacket, decodeEventLogData } from '../../src/packet/decode.js';

describe('limits (PACKET-REGISTRY.md §0, §1.3)', () => {
  it('evaluates the wdm.h arithmetic per architecture', () => {
    expect(archLimits('x86')).toEqual({
      arch: 'x86',
      portMaximumMessageLength: 256,
      ioErrorLogMessageLength: 256,
      errorLogMaximumSize: 152,
      roomAfterStruct: 104,
      roomAfterHeader: 112,
    });
    expect(archLimits('x64').errorLogMaximumSize).toBe(240);
    expect(archLimits('x64').ioErrorLogMessageLength).toBe(344);
    expect(archLimits('arm64')).toEqual({ ...archLimits('x64'), arch: 'arm64' });
  });

  it('refuses a 153-byte entry on x86 and accepts it on x64 and arm64', () => {
    expect(() => checkEntrySize(153, 'x86')).toThrow(PacketSizeError);
    expect(() => checkEntrySize(153, 'x86')).toThrow('packet of 153 bytes exceeds ERROR_LOG_MAXIMUM_SIZE 152 on x86');
    expect(() => checkEntrySize(153, 'x64')).not.toThrow();
    expect(() => checkEntrySize(153, 'arm64')).not.toThrow();
    expect(() => checkEntrySize(152, 'x86')).not.toThrow();
  });

  it('refuses a 241-byte entry on every architecture', () => {
    for (const arch of ARCHES) {
      expect(() => checkEntrySize(241, arch)).toThrow(PacketSizeError);
    }
    expect(() => checkEntrySize(240, 'x64')).not.toThrow();
    expect(() => checkEntrySize(241, 'x64')).toThrow('packet of 241 bytes exceeds ERROR_LOG_MAXIMUM_SIZE 240 on x64');
  });
});

describe('buildPacket', () => {
  it('writes the Serial packet of §1.6 (dds 8, its string at 48) byte for byte', () => {
    const bytes = buildPacket(
      { errorCode: 0x40060002, uniqueErrorValue: 0xf, dumpData: [0x3f8, 0], strings: ['\\Device\\Serial0'] },
      { arch: 'x86', stringOffset: 'header' },
    );
    // header 40 + dump 8, then one UTF-16 string with its NUL at StringOffset 48.
    expect(bytes.length).toBe(48 + 2 * ('\\Device\\Serial0'.length + 1));
    expect(Buffer.from(bytes.subarray(0, 48)).toString('hex')).toBe(
      '000008000100300000000000020006400f0000000000000000000000000000000000000000000000f803000000000000',
    );
    expect(Buffer.from(bytes.subarray(48)).toString('utf16le')).toBe('\\Device\\Serial0\0');
  });

  it("puts strings right after DumpData with the 'header' convention (vmci style, StringOffset 40)", () => {
    const bytes = buildPacket({ errorCode: 0x40080003, strings: ['VMCI: x'] }, { arch: 'x64', stringOffset: 'header' });
    const view = new DataView(bytes.buffer);
    expect(view.getUint16(6, true)).toBe(40);
    expect(bytes.length).toBe(Math.max(48, 40 + 16));
    expect(decodeDriverPacket(bytes).strings).toEqual(['VMCI: x']);
  });

  it('pads an entry to sizeof(IO_ERROR_LOG_PACKET) = 48; without strings StringOffset marks the entry end', () => {
    const bytes = buildPacket({ errorCode: 0xc0040009 }, { arch: 'x86' });
    expect(bytes.length).toBe(48);
    expect(new DataView(bytes.buffer).getUint16(6, true)).toBe(48);
    expect([...bytes.subarray(40)]).toEqual(new Array(8).fill(0));
    const withDump = buildPacket({ dumpData: [7, 8] }, { arch: 'x86' });
    expect(withDump.length).toBe(56);
    expect(new DataView(withDump.buffer).getUint16(6, true)).toBe(56);
  });

  it('takes an explicit StringOffset (BTHUSB leaves 0 without strings) and refuses a bad one', () => {
    const bthusb = buildPacket({ errorCode: 0x40050012, dumpData: [0xe0, 0], stringOffset: 0 }, { arch: 'x64' });
    expect(Buffer.from(bthusb).toString('hex')).toBe(
      '00000800000000000000000012000540000000000000000000000000000000000000000000000000e000000000000000',
    );
    expect(() => buildPacket({ strings: ['a'], stringOffset: 0 }, { arch: 'x64' })).toThrow('stringOffset: 0 with strings to place');
    expect(() => buildPacket({ dumpData: [1], strings: ['a'], stringOffset: 42 }, { arch: 'x64' })).toThrow('stringOffset: 42 lies inside the header or DumpData, which end at 44');
    expect(() => buildPacket({ strings: ['a'], stringOffset: 49 }, { arch: 'x64' })).toThrow('stringOffset: 49 is odd');
    const far = buildPacket({ strings: ['a'], stringOffset: 100 }, { arch: 'x64' });
    expect(far.length).toBe(104);
    expect(decodeDriverPacket(far).strings).toEqual(['a']);
  });

  it('builds exactly up to the limit and refuses one word more, with the numbers', () => {
    // x86: 152 - 48 = 104 bytes = 26 words.
    expect(buildPacket({ dumpData: new Array(26).fill(1) }, { arch: 'x86' }).length).toBe(152);
    expect(() => buildPacket({ dumpData: new Array(27).fill(1) }, { arch: 'x86' })).toThrow(
      'packet of 156 bytes exceeds ERROR_LOG_MAXIMUM_SIZE 152 on x86 (108 bytes of DumpData, 0 bytes of strings at StringOffset 156)',
    );
    expect(buildPacket({ dumpData: new Array(27).fill(1) }, { arch: 'x64' }).length).toBe(156);
    // x64: 240 - 48 = 192 bytes: one string of 95 characters (190 + NUL 2).
    expect(buildPacket({ strings: ['a'.repeat(95)] }, { arch: 'x64' }).length).toBe(240);
    expect(() => buildPacket({ strings: ['a'.repeat(96)] }, { arch: 'x64' })).toThrow(PacketSizeError);
  });

  it('refuses fields outside their C types, naming the field', () => {
    const cases: [PacketFields, string][] = [
      [{ majorFunctionCode: 256 }, 'majorFunctionCode: 256 is not an unsigned 8-bit value'],
      [{ retryCount: -1 }, 'retryCount: -1 is not an unsigned 8-bit value'],
      [{ eventCategory: 0x10000 }, 'eventCategory: 65536 is not an unsigned 16-bit value'],
      [{ errorCode: 2 ** 32 }, 'errorCode: 4294967296 is not an unsigned 32-bit value'],
      [{ finalStatus: 1.5 }, 'finalStatus: 1.5 is not an unsigned 32-bit value'],
      [{ deviceOffset: 1n << 63n }, 'deviceOffset: 9223372036854775808 is not a signed 64-bit value'],
      [{ dumpData: [0, -1] }, 'dumpData[1]: -1 is not an unsigned 32-bit word'],
      [{ strings: ['ok', 'a\0b'] }, 'strings[1]: contains a NUL character'],
    ];
    for (const [fields, message] of cases) {
      expect(() => buildPacket(fields, { arch: 'x64' })).toThrow(PacketFieldError);
      expect(() => buildPacket(fields, { arch: 'x64' })).toThrow(message);
    }
  });
});

describe('fitReport: the largest DumpData and strings that still fit', () => {
  it('reports the room left on each architecture', () => {
    const x86 = fitReport({ strings: ['\\Device\\Serial0'] }, { arch: 'x86' });
    // 152 - 48 - 32 = 72 bytes left.
    expect(x86).toMatchObject({ errorLogMaximumSize: 152, entrySize: 80, fits: true, spare: 72, maxDumpWords: 18, maxExtraStringChars: 35, maxLastStringChars: 51 });
    const over = fitReport({ dumpData: new Array(30).fill(0) }, { arch: 'x86' });
    expect(over).toMatchObject({ entrySize: 168, fits: false, spare: -16, maxDumpWords: 26, maxExtraStringChars: -1 });
  });

  it('agrees with buildPacket: the reported maxima build, one more does not', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Arch>('x86', 'x64'),
        fc.constantFrom<'struct' | 'header'>('struct', 'header'),
        fc.array(fc.string({ maxLength: 20 }).filter((s) => !s.includes('\0')), { maxLength: 3 }),
        (arch, convention, strings) => {
          const report = fitReport({ strings }, { arch, stringOffset: convention });
          if (!report.fits) return;
          const max = new Array(report.maxDumpWords).fill(0);
          expect(buildPacket({ strings, dumpData: max }, { arch, stringOffset: convention }).length).toBeLessThanOrEqual(report.errorLogMaximumSize);
          expect(() => buildPacket({ strings, dumpData: [...max, 0] }, { arch, stringOffset: convention })).toThrow(PacketSizeError);
          if (report.maxExtraStringChars >= 0) {
            const extra = [...strings, 'x'.repeat(report.maxExtraStringChars)];
            expect(() => buildPacket({ strings: extra }, { arch, stringOffset: convention })).not.toThrow();
            expect(() => buildPacket({ strings: [...strings, 'x'.repeat(report.maxExtraStringChars + 1)] }, { arch, stringOffset: convention })).toThrow(PacketSizeError);
          }
        },
      ),
    );
  });
});

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const packetFields: fc.Arbitrary<PacketFields> = fc.record({
  majorFunctionCode: fc.integer({ min: 0, max: 0xff }),
  retryCount: fc.integer({ min: 0, max: 0xff }),
  eventCategory: fc.integer({ min: 0, max: 0xffff }),
  errorCode: u32,
  uniqueErrorValue: u32,
  finalStatus: u32,
  sequenceNumber: u32,
  ioControlCode: u32,
  deviceOffset: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
  dumpData: fc.array(u32, { maxLength: 12 }),
  strings: fc.array(fc.string({ unit: 'binary', maxLength: 12 }).filter((s) => !s.includes('\0')), { maxLength: 4 }),
});
/** Same, sometimes with an explicit StringOffset further out (even, past DumpData). */
const packetFieldsWithOffset: fc.Arbitrary<PacketFields> = fc
  .tuple(packetFields, fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }))
  .map(([fields, gap]) => (gap === undefined ? fields : { ...fields, stringOffset: 40 + (fields.dumpData?.length ?? 0) * 4 + gap * 2 }));

function fitting(fields: PacketFields, arch: Arch, convention: 'struct' | 'header' = 'struct'): boolean {
  return entrySizeOf(completePacket(fields, convention)) <= archLimits(arch).errorLogMaximumSize;
}

describe('build → decode round trip (property)', () => {
  it('decodeDriverPacket(buildPacket(p)) gives p back, on every architecture it fits', () => {
    fc.assert(
      fc.property(packetFieldsWithOffset, fc.constantFrom<Arch>(...ARCHES), fc.constantFrom<'struct' | 'header'>('struct', 'header'), (fields, arch, convention) => {
        fc.pre(fitting(fields, arch, convention));
        const bytes = buildPacket(fields, { arch, stringOffset: convention });
        expect(decodeDriverPacket(bytes, { arch })).toEqual(completePacket(fields, convention));
      }),
      { numRuns: 500 },
    );
  });

  it('the event-log form keeps everything but the strings', () => {
    fc.assert(
      fc.property(packetFields, (fields) => {
        const packet = completePacket(fields);
        expect(decodeEventLogData(writeEventLogData(packet))).toEqual({ ...packet, strings: [] });
      }),
      { numRuns: 300 },
    );
  });

  it('rejects every truncation of a valid packet with a located error', () => {
    fc.assert(
      fc.property(packetFieldsWithOffset, fc.constantFrom<'struct' | 'header'>('struct', 'header'), (fields, convention) => {
        fc.pre(fitting(fields, 'x64', convention));
        const bytes = buildPacket(fields, { arch: 'x64', stringOffset: convention });
        for (let length = 0; length < bytes.length; length++) {
          let error: unknown;
          try {
            decodeDriverPacket(bytes.subarray(0, length));
          } catch (err) {
            error = err;
          }
          expect(error, `truncated to ${length} of ${bytes.length} bytes`).toBeInstanceOf(PacketFormatError);
          const e = error as PacketFormatError;
          expect(e.message).toMatch(/^(header|EntrySize|DumpDataSize|StringOffset|Strings\[\d+\]) \(at offset 0x[0-9a-f]+\): /);
          expect(e.offset).toBeLessThanOrEqual(bytes.length);
        }
        const eventData = writeEventLogData(completePacket(fields));
        for (let length = 0; length < eventData.length; length++) {
          expect(() => decodeEventLogData(eventData.subarray(0, length))).toThrow(PacketFormatError);
        }
      }),
      { numRuns: 150 },
    );
  });
});
