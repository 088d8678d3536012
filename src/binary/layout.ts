// Struct layouts shared by a format's reader and writer: the fields in order with their types,
// the offsets computed once from them. A reader and a writer that both go through one table
// cannot disagree about where SizeOfImage or a chunk's record count is.
//
//   const FILE_HEADER = struct('IMAGE_FILE_HEADER', { Machine: 'u16', NumberOfSections: 'u16', ... });
//   FILE_HEADER.offset.SizeOfOptionalHeader   // 16
//   FILE_HEADER.write(view, at, { Machine: 0x8664, NumberOfSections: 1 })
//   FILE_HEADER.read(reader, at).Characteristics

import type { ByteReader } from './reader.js';
import type { ByteWriter } from './writer.js';

/** A field's type: a little-endian integer, or a number of raw bytes. */
export type FieldType = 'u8' | 'u16' | 'u32' | 'i32' | 'u64' | 'i64' | number;
export type Fields = Readonly<Record<string, FieldType>>;

/** What `read` returns: numbers, bigints for u64, byte views for raw fields. */
export type StructValues<F extends Fields> = { -readonly [K in keyof F]: F[K] extends 'u64' | 'i64' ? bigint : F[K] extends number ? Uint8Array : number };
/** What `write` takes: any field may be left out (it stays as it is, zero in a new buffer). */
export type StructInput<F extends Fields> = { [K in keyof F]?: F[K] extends number ? Uint8Array : number | bigint };

function sizeOf(type: FieldType): number {
  switch (type) {
    case 'u8':
      return 1;
    case 'u16':
      return 2;
    case 'u32':
    case 'i32':
      return 4;
    case 'u64':
    case 'i64':
      return 8;
    default:
      return type;
  }
}

export class Struct<F extends Fields> {
  /** Byte offset of each field from the start of the structure. */
  readonly offset: { readonly [K in keyof F]: number };
  /** Size of the whole structure. */
  readonly size: number;
  private readonly plan: readonly { field: string; offset: number; type: FieldType }[];

  constructor(
    /** The structure's name as the format's documents give it, for errors. */
    readonly name: string,
    readonly fields: F,
  ) {
    const offset: Record<string, number> = {};
    const plan: { field: string; offset: number; type: FieldType }[] = [];
    let at = 0;
    for (const [field, type] of Object.entries(fields)) {
      offset[field] = at;
      plan.push({ field, offset: at, type });
      at += sizeOf(type);
    }
    this.offset = offset as { [K in keyof F]: number };
    this.size = at;
    this.plan = plan;
  }

  /** Offset of the byte after `field`. */
  end(field: keyof F & string): number {
    return this.offset[field] + sizeOf(this.fields[field]!);
  }

  /** Every field of the structure at `at`; the whole structure must be inside the reader. */
  read(reader: ByteReader, at: number): StructValues<F> {
    reader.need(at, this.size, this.name);
    const out: Record<string, number | bigint | Uint8Array> = {};
    for (const { field, offset, type } of this.plan) out[field] = readField(reader, at + offset, type, field);
    return out as StructValues<F>;
  }

  /** One field of the structure at `at`. */
  get<K extends keyof F & string>(reader: ByteReader, at: number, field: K): StructValues<F>[K] {
    return readField(reader, at + this.offset[field], this.fields[field]!, field) as StructValues<F>[K];
  }

  /** Writes the given fields of the structure at `at` into `bytes`; others are left as they are. */
  write(bytes: Uint8Array, at: number, values: StructInput<F>): void {
    if (at < 0 || at + this.size > bytes.length) throw new RangeError(`${this.name} of ${this.size} bytes at ${at} does not fit in ${bytes.length} bytes`);
    const view = viewOf(bytes);
    // The values' own keys in order, as Object.entries gives them, without its arrays: a large
    // TEMP.BIN writes hundreds of thousands of records.
    for (const field in values) {
      if (!Object.hasOwn(values, field)) continue;
      const value = (values as Record<string, unknown>)[field];
      if (value === undefined) continue;
      const type = this.fields[field];
      if (type === undefined) throw new RangeError(`${this.name} has no field ${field}`);
      writeField(bytes, view, at + this.offset[field]!, type, value as number | bigint | Uint8Array, this.name, field);
    }
  }

  /**
   * Writes every field of the structure that `source` has a value for (a model object whose
   * property names are the field names); its other properties are ignored.
   */
  writeFrom(bytes: Uint8Array, at: number, source: object): void {
    const values: Record<string, unknown> = {};
    for (const { field } of this.plan) {
      const value = (source as Record<string, unknown>)[field];
      if (value !== undefined) values[field] = value;
    }
    this.write(bytes, at, values as StructInput<F>);
  }

  /** Appends the structure to a writer (fields left out are zero). */
  append(writer: ByteWriter, values: StructInput<F>): void {
    writer.bytes(this.encode(values));
  }

  /** The structure as a new buffer of `size` bytes. */
  encode(values: StructInput<F>): Uint8Array {
    const out = new Uint8Array(this.size);
    this.write(out, 0, values);
    return out;
  }
}

/** A struct layout from its fields in order. */
export function struct<const F extends Fields>(name: string, fields: F): Struct<F> {
  return new Struct(name, fields);
}

function readField(reader: ByteReader, at: number, type: FieldType, what: string): number | bigint | Uint8Array {
  switch (type) {
    case 'u8':
      return reader.u8(at, what);
    case 'u16':
      return reader.u16(at, what);
    case 'u32':
      return reader.u32(at, what);
    case 'i32':
      return reader.i32(at, what);
    case 'u64':
      return reader.u64(at, what);
    case 'i64':
      return BigInt.asIntN(64, reader.u64(at, what));
    default:
      return reader.slice(at, type, what);
  }
}

// The last buffer written and its view (records are written one after another into one buffer).
let lastBytes: Uint8Array | undefined;
let lastView: DataView | undefined;
function viewOf(bytes: Uint8Array): DataView {
  if (bytes !== lastBytes || lastView === undefined) {
    lastView = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    lastBytes = bytes;
  }
  return lastView;
}

/** `structure.field` names the field in an error (built only then). */
function writeField(bytes: Uint8Array, view: DataView, at: number, type: FieldType, value: number | bigint | Uint8Array, structure: string, field: string): void {
  if (typeof type === 'number') {
    if (!(value instanceof Uint8Array) || value.length > type) throw new RangeError(`${structure}.${field} takes at most ${type} bytes`);
    bytes.set(value, at);
    return;
  }
  if (value instanceof Uint8Array) throw new RangeError(`${structure}.${field} is a ${type}, not bytes`);
  switch (type) {
    case 'u8':
      view.setUint8(at, Number(value) & 0xff);
      return;
    case 'u16':
      view.setUint16(at, Number(value) & 0xffff, true);
      return;
    case 'u32':
      view.setUint32(at, Number(value) >>> 0, true);
      return;
    case 'i32':
      view.setInt32(at, Number(value) | 0, true);
      return;
    case 'u64':
      view.setBigUint64(at, BigInt.asUintN(64, BigInt(value)), true);
      return;
    case 'i64':
      view.setBigInt64(at, BigInt.asIntN(64, BigInt(value)), true);
      return;
  }
}
