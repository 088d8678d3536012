import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/binary/errors.js';
import { struct } from '../../src/binary/layout.js';
import { ByteReader } from '../../src/binary/reader.js';
import { ByteWriter } from '../../src/binary/writer.js';

const HEADER = struct('DEMO_HEADER', { Magic: 4, Size: 'u32', Kind: 'u16', Flags: 'u8', Pad: 'u8', Delta: 'i32', Stamp: 'u64', Name: 0 });

describe('struct layouts', () => {
  it('compute offsets and size from the fields in order', () => {
    expect(HEADER.offset).toEqual({ Magic: 0, Size: 4, Kind: 8, Flags: 10, Pad: 11, Delta: 12, Stamp: 16, Name: 24 });
    expect(HEADER.size).toBe(24);
    expect(HEADER.end('Kind')).toBe(10);
  });

  it('write and read back every field type', () => {
    const bytes = new Uint8Array(40);
    HEADER.write(bytes, 8, { Magic: new Uint8Array([0x44, 0x45, 0x4d, 0x4f]), Size: 0xfffffffe, Kind: 0x1234, Flags: 0x80, Delta: -5, Stamp: 0x0102030405060708n });
    const h = HEADER.read(new ByteReader(bytes), 8);
    expect(Array.from(h.Magic)).toEqual([0x44, 0x45, 0x4d, 0x4f]);
    expect([h.Size, h.Kind, h.Flags, h.Pad, h.Delta, h.Stamp]).toEqual([0xfffffffe, 0x1234, 0x80, 0, -5, 0x0102030405060708n]);
    expect(HEADER.get(new ByteReader(bytes), 8, 'Kind')).toBe(0x1234);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('leave fields not given as they are, and append to a writer', () => {
    const bytes = HEADER.encode({ Size: 7 });
    HEADER.write(bytes, 0, { Kind: 2 });
    const w = new ByteWriter().u8(9);
    HEADER.append(w, { Size: 7, Kind: 2 });
    const out = w.finish();
    expect(out.length).toBe(1 + HEADER.size);
    expect(out.subarray(1)).toEqual(bytes);
  });

  it('i64 fields are signed, and writeFrom takes the fields a model object has', () => {
    const S = struct('S', { a: 'u16', b: 'i64', c: 'u8' });
    const bytes = new Uint8Array(S.size);
    S.writeFrom(bytes, 0, { a: 0x102, b: -2n, other: 'ignored' });
    expect(S.read(new ByteReader(bytes), 0)).toEqual({ a: 0x102, b: -2n, c: 0 });
    expect(Array.from(bytes.subarray(2, 10))).toEqual([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
  });

  it('read errors name the structure and the file offset', () => {
    const r = new ByteReader(new Uint8Array(30), { format: 'DEMO', base: 0x200 });
    let caught: unknown;
    try {
      HEADER.read(r, 10);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(FormatError);
    expect((caught as FormatError).structure).toBe('DEMO_HEADER');
    expect((caught as FormatError).offset).toBe(0x20a);
    expect((caught as FormatError).message).toBe('DEMO_HEADER needs 24 bytes, only 20 remain (at byte offset 0x20a)');
  });

  it('refuse writes outside the buffer, unknown fields and oversized byte fields', () => {
    expect(() => HEADER.write(new Uint8Array(10), 0, { Size: 1 })).toThrow(RangeError);
    expect(() => HEADER.write(new Uint8Array(24), 0, { Nope: 1 } as never)).toThrow(/no field Nope/);
    expect(() => HEADER.write(new Uint8Array(24), 0, { Magic: new Uint8Array(5) })).toThrow(/at most 4 bytes/);
  });
});
