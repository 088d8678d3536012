// A bounds-checked view of bytes. Every read names what it reads, so a short or damaged file
// fails with a FormatError that says which structure ran past the end and at which file offset,
// never with a RangeError from a DataView or an `undefined` from an index.
//
// Offsets are relative to the reader; errors report `base + offset`, the offset in the file
// (a `sub` reader carries its base on), so a reader over one chunk still names file offsets.

import { decodeAscii, decodeUtf16le, formatGuid, utf16NulAt } from './codec.js';
import { FormatError, type FormatErrorFactory } from './errors.js';

export interface ByteReaderOptions {
  /** The format, for the errors: 'PE', 'EVTX', ... (default 'binary'). */
  format?: string;
  /** File offset of the first byte (default 0). */
  base?: number;
  /** Makes the errors, to throw a reader's own FormatError subclass. */
  error?: FormatErrorFactory;
  /** Words the error of a read past the end; the default is `WHAT needs N bytes, only M remain`. */
  short?: (what: string, length: number, remain: number) => string;
}

export class ByteReader {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly length: number;
  /** File offset of bytes[0]. */
  readonly base: number;
  readonly format: string;
  private readonly makeError: FormatErrorFactory;
  private readonly short: ((what: string, length: number, remain: number) => string) | undefined;

  constructor(bytes: Uint8Array, options: ByteReaderOptions = {}) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.length = bytes.length;
    this.base = options.base ?? 0;
    this.format = options.format ?? 'binary';
    const format = this.format;
    this.makeError = options.error ?? ((detail, offset, structure) => new FormatError(format, detail, offset, { structure }));
    this.short = options.short;
  }

  /** The error this reader throws, at `offset` (relative to the reader). */
  error(detail: string, offset: number, structure?: string): FormatError {
    return this.makeError(detail, this.base + offset, structure);
  }

  /** Whether `length` bytes at `offset` are inside the reader. */
  has(offset: number, length: number): boolean {
    return Number.isInteger(offset) && Number.isInteger(length) && offset >= 0 && length >= 0 && offset + length <= this.length;
  }

  /** Throws unless `length` bytes at `offset` are inside the reader; `what` names the structure. */
  need(offset: number, length: number, what: string): void {
    if (this.has(offset, length)) return;
    const remain = Math.max(0, this.length - offset);
    const detail = this.short ? this.short(what, length, remain) : `${what} needs ${length} bytes, only ${remain} remain`;
    throw this.error(detail, Math.max(0, offset), what);
  }

  /** `offset`, once `length` bytes there are known to be inside the reader. */
  private at(offset: number, length: number, what: string): number {
    this.need(offset, length, what);
    return offset;
  }

  u8(offset: number, what = 'byte'): number {
    return this.bytes[this.at(offset, 1, what)]!;
  }

  u16(offset: number, what = 'WORD'): number {
    return this.view.getUint16(this.at(offset, 2, what), true);
  }

  u32(offset: number, what = 'DWORD'): number {
    return this.view.getUint32(this.at(offset, 4, what), true);
  }

  i32(offset: number, what = 'LONG'): number {
    return this.view.getInt32(this.at(offset, 4, what), true);
  }

  /** The 16 bytes of a GUID, written `{...}` in upper case. */
  guid(offset: number, what = 'GUID'): string {
    return formatGuid(this.slice(offset, 16, what));
  }

  u64(offset: number, what = 'QWORD'): bigint {
    return this.view.getBigUint64(this.at(offset, 8, what), true);
  }

  /** `length` bytes at `offset`, as a view (not a copy). */
  slice(offset: number, length: number, what = 'bytes'): Uint8Array {
    this.need(offset, length, what);
    return this.bytes.subarray(offset, offset + length);
  }

  /** `units` UTF-16LE code units at `offset` (no terminator). */
  utf16(offset: number, units: number, what = 'UTF-16 string'): string {
    this.need(offset, units * 2, what);
    return decodeUtf16le(this.bytes, offset, offset + units * 2);
  }

  /**
   * A NUL-terminated UTF-16LE string at `offset`, searched up to `limit` (default: the end);
   * throws if there is no NUL before it. `next` is the offset after the NUL.
   */
  utf16z(offset: number, what = 'UTF-16 string', limit = this.length): { text: string; next: number } {
    this.need(offset, 0, what);
    const end = Math.min(limit, this.length);
    const nul = utf16NulAt(this.bytes, offset, end);
    if (nul + 1 >= end) throw this.error(`${what} has no NUL terminator`, offset, what);
    return { text: decodeUtf16le(this.bytes, offset, nul), next: nul + 2 };
  }

  /** `length` bytes at `offset` as one character a byte (signatures). */
  ascii(offset: number, length: number, what = 'signature'): string {
    this.need(offset, length, what);
    return decodeAscii(this.bytes, offset, offset + length);
  }

  /** A reader over `length` bytes at `offset`, reporting file offsets from this one's base. */
  sub(offset: number, length: number, what = 'structure'): ByteReader {
    this.need(offset, length, what);
    const child = new ByteReader(this.bytes.subarray(offset, offset + length), { format: this.format, base: this.base + offset, error: this.makeError, short: this.short });
    return child;
  }
}
