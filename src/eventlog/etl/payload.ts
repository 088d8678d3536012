// A cursor over an event payload: reads fields in order through a ByteReader, with the
// producer's pointer size for pointer-sized fields. Values come out as JSON-ready field values.

import { ByteReader } from '../../binary/reader.js';
import { decodeUtf16le, hexDigits, toHex } from '../../binary/codec.js';
import { etlError } from './buffer.js';

/** A decoded field: numbers (64-bit ones past 2^53 as decimal strings), text, nested values. */
export type FieldValue = string | number | boolean | null | FieldValue[] | { [name: string]: FieldValue };
export type Fields = Record<string, FieldValue>;

const utf8 = new TextDecoder('utf-8');

/** The most array elements one event's payload may hold. */
export const MAX_VALUES = 1_000_000;

export class PayloadCursor {
  readonly r: ByteReader;
  at = 0;
  constructor(
    bytes: Uint8Array,
    readonly pointerSize: 4 | 8,
    base = 0,
  ) {
    this.r = new ByteReader(bytes, { format: 'ETL', base, error: etlError });
  }

  /** Values left to read: arrays of elements that take no bytes (nulls, empty structs) must end. */
  private budget = MAX_VALUES;

  /** Counts one array element; a FormatError past MAX_VALUES in one payload. */
  spend(what: string): void {
    if (--this.budget < 0) throw this.r.error(`${what}: more than ${MAX_VALUES} values in one event`, this.at, 'array');
  }

  get remaining(): number {
    return this.r.length - this.at;
  }

  u8(what?: string): number {
    return this.r.u8(this.at++, what);
  }
  i8(what?: string): number {
    const v = this.u8(what);
    return v > 127 ? v - 256 : v;
  }
  u16(what?: string): number {
    const v = this.r.u16(this.at, what);
    this.at += 2;
    return v;
  }
  i16(what?: string): number {
    const v = this.u16(what);
    return v > 32767 ? v - 65536 : v;
  }
  u32(what?: string): number {
    const v = this.r.u32(this.at, what);
    this.at += 4;
    return v;
  }
  i32(what?: string): number {
    const v = this.r.i32(this.at, what);
    this.at += 4;
    return v;
  }
  u64(what?: string): bigint {
    const v = this.r.u64(this.at, what);
    this.at += 8;
    return v;
  }
  i64(what?: string): bigint {
    return BigInt.asIntN(64, this.u64(what));
  }
  f32(what = 'FLOAT'): number {
    this.r.need(this.at, 4, what);
    const v = this.r.view.getFloat32(this.at, true);
    this.at += 4;
    return v;
  }
  f64(what = 'DOUBLE'): number {
    this.r.need(this.at, 8, what);
    const v = this.r.view.getFloat64(this.at, true);
    this.at += 8;
    return v;
  }
  /** A pointer-sized unsigned value. */
  ptr(what = 'pointer'): bigint {
    return this.pointerSize === 8 ? this.u64(what) : BigInt(this.u32(what));
  }
  /** A pointer written `0x...` (hex, at least 8 digits), as PerfView prints addresses. */
  ptrHex(what?: string): string {
    return hexValue(this.ptr(what), 8);
  }
  bytes(n: number, what = 'bytes'): Uint8Array {
    const v = this.r.slice(this.at, n, what);
    this.at += n;
    return v;
  }
  guid(what = 'GUID'): string {
    const g = this.r.guid(this.at, what);
    this.at += 16;
    return g.slice(1, -1).toLowerCase();
  }
  /** NUL-terminated UTF-16; a string without a NUL runs to the end of the payload. */
  utf16z(what = 'UTF-16 string'): string {
    this.r.need(this.at, 0, what);
    const b = this.r.bytes;
    const end = this.r.length;
    let i = this.at;
    while (i + 1 < end && !(b[i] === 0 && b[i + 1] === 0)) i += 2;
    const s = decodeUtf16le(b, this.at, Math.min(i, end));
    this.at = i + 1 < end ? i + 2 : end;
    return s;
  }
  /** NUL-terminated 8-bit text (decoded as UTF-8, as PerfView reads it). */
  ansiz(what = 'string'): string {
    this.r.need(this.at, 0, what);
    const nul = this.r.bytes.indexOf(0, this.at);
    const end = nul < 0 ? this.r.length : nul;
    const s = utf8.decode(this.r.bytes.subarray(this.at, end));
    this.at = nul < 0 ? end : nul + 1;
    return s;
  }
  /** UTF-16 of `bytes` bytes. */
  utf16(bytes: number, what = 'UTF-16 string'): string {
    const v = this.bytes(bytes, what);
    return decodeUtf16le(v, 0, v.length);
  }
  rest(): Uint8Array {
    return this.bytes(this.remaining, 'payload');
  }
}

/** A 64-bit value as a field value: a number when exact, else a decimal string. */
export function int64Value(v: bigint): number | string {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

/** `0x...` in lower-case hex, zero-padded to `width` digits. */
export function hexValue(v: bigint | number, width: number): string {
  return '0x' + hexDigits(v, width);
}

export { toHex };
