// A growable little-endian byte buffer: integers, UTF-16 with and without NUL, padding,
// alignment, and patching a field once the value is known (a size, an offset).

import { parseGuid } from './codec.js';

export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  private at = 0;

  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity));
    this.view = new DataView(this.buf.buffer);
  }

  /** Bytes written so far: the offset the next write goes to. */
  get offset(): number {
    return this.at;
  }

  // Reserves n bytes and returns where they start. It may replace buf and view: callers take
  // the offset first, then touch the buffer.
  private room(n: number): number {
    const at = this.at;
    const end = at + n;
    if (end > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < end) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.buf.subarray(0, at));
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    this.at = end;
    return at;
  }

  u8(value: number): this {
    const at = this.room(1);
    this.buf[at] = value & 0xff;
    return this;
  }

  u16(value: number): this {
    const at = this.room(2);
    this.view.setUint16(at, value & 0xffff, true);
    return this;
  }

  u32(value: number): this {
    const at = this.room(4);
    this.view.setUint32(at, value >>> 0, true);
    return this;
  }

  i32(value: number): this {
    const at = this.room(4);
    this.view.setInt32(at, value | 0, true);
    return this;
  }

  u64(value: bigint | number): this {
    const at = this.room(8);
    this.view.setBigUint64(at, BigInt.asUintN(64, BigInt(value)), true);
    return this;
  }

  bytes(data: Uint8Array): this {
    const at = this.room(data.length);
    this.buf.set(data, at);
    return this;
  }

  /** A GUID given as its 16 bytes or as text (`{...}` or bare), in Windows byte order. */
  guid(value: Uint8Array | string): this {
    const b = typeof value === 'string' ? parseGuid(value) : value;
    if (b.length !== 16) throw new RangeError(`a GUID is 16 bytes, not ${b.length}`);
    return this.bytes(b);
  }

  /** The UTF-16LE code units of `text`, no terminator. */
  utf16(text: string): this {
    const at = this.room(text.length * 2);
    for (let i = 0; i < text.length; i++) this.view.setUint16(at + 2 * i, text.charCodeAt(i), true);
    return this;
  }

  /** The UTF-16LE code units of `text` and a NUL. */
  utf16z(text: string): this {
    return this.utf16(text).u16(0);
  }

  /** One byte a character (signatures); characters above 0xFF are refused. */
  ascii(text: string): this {
    const at = this.room(text.length);
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c > 0xff) throw new RangeError(`not a single-byte character: U+${c.toString(16).toUpperCase().padStart(4, '0')}`);
      this.buf[at + i] = c;
    }
    return this;
  }

  /** `count` bytes of `fill` (default 0). */
  pad(count: number, fill = 0): this {
    if (count < 0) throw new RangeError(`negative padding: ${count}`);
    const at = this.room(count);
    this.buf.fill(fill, at, at + count);
    return this;
  }

  /** Pads with `fill` up to the next multiple of `n` (nothing if already there). */
  align(n: number, fill = 0): this {
    const rest = this.at % n;
    return rest === 0 ? this : this.pad(n - rest, fill);
  }

  private patchAt(at: number, size: number): void {
    if (!Number.isInteger(at) || at < 0 || at + size > this.at) {
      throw new RangeError(`patch of ${size} bytes at ${at} is outside the ${this.at} bytes written`);
    }
  }

  patchU8(at: number, value: number): this {
    this.patchAt(at, 1);
    this.buf[at] = value & 0xff;
    return this;
  }

  patchU16(at: number, value: number): this {
    this.patchAt(at, 2);
    this.view.setUint16(at, value & 0xffff, true);
    return this;
  }

  patchU32(at: number, value: number): this {
    this.patchAt(at, 4);
    this.view.setUint32(at, value >>> 0, true);
    return this;
  }

  patchU64(at: number, value: bigint | number): this {
    this.patchAt(at, 8);
    this.view.setBigUint64(at, BigInt.asUintN(64, BigInt(value)), true);
    return this;
  }

  /** Overwrites bytes already written. */
  patchBytes(at: number, data: Uint8Array): this {
    this.patchAt(at, data.length);
    this.buf.set(data, at);
    return this;
  }

  /** The bytes written, as a copy of exactly that length; the writer can go on. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.at);
  }
}
