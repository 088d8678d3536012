import { describe, expect, it } from 'vitest';
import { ByteReader } from '../../src/binary/reader.js';
import { ByteWriter } from '../../src/binary/writer.js';
import { FormatError } from '../../src/binary/errors.js';
import { decodeUtf16le, decodeUtf16leZ, encodeUtf16le, formatGuid, parseGuid, alignUp, align4 } from '../../src/binary/codec.js';

class DemoError extends FormatError {
  constructor(detail: string, offset: number, structure?: string) {
    super('DEMO', detail, offset, { structure });
    this.name = 'DemoError';
  }
}

describe('ByteWriter', () => {
  it('writes little-endian integers, text, padding and alignment, and patches', () => {
    const w = new ByteWriter(1);
    w.u8(1).u16(0x0302).u32(0x07060504).u64(0x0f0e0d0c0b0a0908n);
    expect(w.offset).toBe(15);
    w.align(4);
    expect(w.offset).toBe(16);
    const sizeAt = w.offset;
    w.u32(0).utf16('A\u00e9').utf16z('z').pad(2, 0xaa).i32(-1);
    w.patchU32(sizeAt, 0xdeadbeef);
    const out = w.finish();
    expect(Array.from(out.subarray(0, 16))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0]);
    expect(Array.from(out.subarray(16))).toEqual([0xef, 0xbe, 0xad, 0xde, 0x41, 0, 0xe9, 0, 0x7a, 0, 0, 0, 0xaa, 0xaa, 0xff, 0xff, 0xff, 0xff]);
  });

  it('grows past its first capacity and returns exactly what was written', () => {
    const w = new ByteWriter(16);
    for (let i = 0; i < 1000; i++) w.u32(i);
    const out = w.finish();
    expect(out.length).toBe(4000);
    expect(new DataView(out.buffer).getUint32(3996, true)).toBe(999);
  });

  it('refuses to patch outside what was written', () => {
    const w = new ByteWriter().u16(0);
    expect(() => w.patchU32(0, 1)).toThrow(RangeError);
  });

  it('writes GUIDs in Windows byte order', () => {
    const g = '{01234567-89AB-CDEF-0123-456789ABCDEF}';
    const out = new ByteWriter().guid(g).finish();
    expect(Array.from(out.subarray(0, 4))).toEqual([0x67, 0x45, 0x23, 0x01]);
    expect(formatGuid(out)).toBe(g);
    expect(new ByteReader(out).guid(0)).toBe(g);
    expect(parseGuid(g.slice(1, -1))).toEqual(out);
  });
});

describe('ByteReader', () => {
  const bytes = new ByteWriter().u32(0x11223344).u16(0xfffe).utf16z('hi').u64(5n).finish();

  it('reads what the writer wrote', () => {
    const r = new ByteReader(bytes);
    expect(r.u32(0)).toBe(0x11223344);
    expect(r.u16(4)).toBe(0xfffe);
    expect(r.i32(0)).toBe(0x11223344);
    expect(r.utf16(6, 2)).toBe('hi');
    expect(r.utf16z(6)).toEqual({ text: 'hi', next: 12 });
    expect(r.u64(12)).toBe(5n);
  });

  it('bounds errors name the structure and the file offset', () => {
    const r = new ByteReader(bytes, { format: 'DEMO', base: 0x100 });
    let caught: unknown;
    try {
      r.need(16, 8, 'record header');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(FormatError);
    const e = caught as FormatError;
    expect(e.format).toBe('DEMO');
    expect(e.structure).toBe('record header');
    expect(e.offset).toBe(0x110);
    expect(e.message).toBe('record header needs 8 bytes, only 4 remain (at byte offset 0x110)');
    expect(() => r.u32(-1, 'size')).toThrow(/size needs 4 bytes/);
  });

  it('sub readers keep file offsets and the error class', () => {
    const r = new ByteReader(bytes, { format: 'DEMO', base: 0x1000, error: (d, o, s) => new DemoError(d, o, s) });
    const sub = r.sub(4, 8, 'string block');
    expect(sub.u16(0)).toBe(0xfffe);
    expect(() => sub.u32(6, 'tail')).toThrow(DemoError);
    try {
      sub.u32(6, 'tail');
    } catch (e) {
      expect((e as DemoError).offset).toBe(0x100a);
      expect((e as DemoError).message).toBe('tail needs 4 bytes, only 2 remain (at byte offset 0x100a)');
    }
    expect(() => r.sub(10, 100, 'string block')).toThrow(/string block needs 100 bytes/);
  });

  it('a string without its NUL is an error', () => {
    const r = new ByteReader(encodeUtf16le('abc'));
    expect(() => r.utf16z(0, 'name')).toThrow(/name has no NUL terminator/);
  });
});

describe('codec', () => {
  it('keeps lone surrogates and stops at NUL', () => {
    const b = encodeUtf16le('a\ud800b', { nul: true });
    expect(decodeUtf16le(b)).toBe('a\ud800b\0');
    expect(decodeUtf16leZ(b)).toBe('a\ud800b');
    expect(decodeUtf16le(new Uint8Array([0x41, 0, 0x42]))).toBe('A');
  });
  it('aligns', () => {
    expect([0, 1, 4, 5].map(align4)).toEqual([0, 4, 4, 8]);
    expect(alignUp(0x201, 0x200)).toBe(0x400);
  });
});
