// TraceLogging self-describing events: the event's metadata travels with it, in the
// EVENT_HEADER's extended data (EVENT_SCHEMA_TL = 11 for the event, PROV_TRAITS = 12 for the
// provider), and the user data is decoded from it.
//
// Provider traits: u16 size (itself included), the provider name (NUL-terminated UTF-8), then
// trait records. Event metadata: u16 size, extension bytes (each with bit 7 set while another
// follows), the event name (NUL-terminated UTF-8), then the fields to the end:
//   name (UTF-8, NUL), InType u8 [OutType u8 when InType bit 7 (Chain), with its own extension
//   bytes while OutType bit 7], [u16 element count when InType has Ccount (0x20)],
//   [u16 size + type-info bytes when Ccount and Vcount are both set: custom].
// InType & 0x1F is the type (TraceLoggingProvider.h's _TlgIn*). Vcount (0x40): the payload
// holds a u16 element count before the elements. A STRUCT's OutType holds its member count;
// the members are the next fields of the metadata. Arrays of structs repeat all members.

import { formatFiletime, formatSid } from '../binxml/reader.js';
import { toHex } from '../../binary/codec.js';
import { ByteReader } from '../../binary/reader.js';
import { etlError } from './buffer.js';
import { hexValue, int64Value, PayloadCursor, type FieldValue, type Fields } from './payload.js';

export const TLG_IN = {
  NULL: 0,
  UNICODESTRING: 1,
  ANSISTRING: 2,
  INT8: 3,
  UINT8: 4,
  INT16: 5,
  UINT16: 6,
  INT32: 7,
  UINT32: 8,
  INT64: 9,
  UINT64: 10,
  FLOAT: 11,
  DOUBLE: 12,
  BOOL32: 13,
  BINARY: 14,
  GUID: 15,
  POINTER: 16,
  FILETIME: 17,
  SYSTEMTIME: 18,
  SID: 19,
  HEXINT32: 20,
  HEXINT64: 21,
  COUNTEDSTRING: 22,
  COUNTEDANSISTRING: 23,
  STRUCT: 24,
  COUNTEDBINARY: 25,
} as const;
const CCOUNT = 0x20;
const VCOUNT = 0x40;
const CHAIN = 0x80;
const TYPE_MASK = 0x1f;

/** TraceLoggingProvider.h's out-types that change how a value is shown. */
const TLG_OUT = { BOOLEAN: 3, HEX: 4, UTF8: 35, HRESULT: 15, IPV4: 10, IPV6: 11, PORT: 12 } as const;

export interface TlField {
  name: string;
  inType: number;
  outType: number;
  /** 'single', a fixed count from the metadata, or a count from the payload. */
  count: 'single' | 'vcount' | number;
  custom: Uint8Array | null;
  /** STRUCT: its members. */
  members: TlField[];
}

export interface TlEventSchema {
  name: string;
  fields: TlField[];
}

/** The provider name from a PROV_TRAITS item, or null when it does not read. */
export function readProviderTraits(data: Uint8Array): string | null {
  if (data.length < 3) return null;
  const nul = data.indexOf(0, 2);
  if (nul < 0) return null;
  return new TextDecoder().decode(data.subarray(2, nul));
}

/** Decodes an EVENT_SCHEMA_TL item; throws a FormatError when it does not read. */
export function readTlSchema(data: Uint8Array, base = 0): TlEventSchema {
  const r = new ByteReader(data, { format: 'ETL', base, error: etlError });
  const size = r.u16(0, 'TraceLogging metadata size');
  const end = Math.min(size, r.length);
  let at = 2;
  while (r.u8(at, 'TraceLogging event tag') & 0x80) at++;
  at++;
  const name = cstr(r, at, end, 'TraceLogging event name');
  at = name.next;
  const flat: TlField[] = [];
  while (at < end) {
    const fname = cstr(r, at, end, 'TraceLogging field name');
    at = fname.next;
    const inRaw = r.u8(at++, 'TraceLogging in-type');
    let outType = 0;
    if (inRaw & CHAIN) {
      outType = r.u8(at++, 'TraceLogging out-type');
      let ext = outType;
      while (ext & 0x80) ext = r.u8(at++, 'TraceLogging field tag');
      outType &= 0x7f;
    }
    let count: TlField['count'] = 'single';
    let custom: Uint8Array | null = null;
    const countBits = inRaw & (CCOUNT | VCOUNT);
    if (countBits === (CCOUNT | VCOUNT)) {
      const n = r.u16(at, 'TraceLogging custom schema size');
      custom = r.slice(at + 2, n, 'TraceLogging custom schema');
      at += 2 + n;
    } else if (countBits === CCOUNT) {
      count = r.u16(at, 'TraceLogging element count');
      at += 2;
    } else if (countBits === VCOUNT) {
      count = 'vcount';
    }
    flat.push({ name: fname.text, inType: inRaw & TYPE_MASK, outType, count, custom, members: [] });
  }
  let i = 0;
  const take = (n: number, depth: number): TlField[] => {
    const out: TlField[] = [];
    while (out.length < n && i < flat.length) {
      const f = flat[i++]!;
      if (f.inType === TLG_IN.STRUCT) {
        if (depth > 32) throw r.error('TraceLogging structs nest too deeply', 0, 'TraceLogging metadata');
        f.members = take(f.outType, depth + 1);
      }
      out.push(f);
    }
    return out;
  };
  const fields = take(Infinity, 0);
  return { name: name.text, fields };
}

function cstr(r: ByteReader, at: number, end: number, what: string): { text: string; next: number } {
  r.need(at, 1, what);
  const nul = r.bytes.indexOf(0, at);
  if (nul < 0 || nul >= end) throw r.error(`${what} has no NUL terminator`, at, what);
  return { text: new TextDecoder().decode(r.bytes.subarray(at, nul)), next: nul + 1 };
}

/** The user data of a TraceLogging event, by its schema. Throws a FormatError on short data. */
export function decodeTlPayload(schema: TlEventSchema, payload: Uint8Array, pointerSize: 4 | 8, base = 0): Fields {
  const c = new PayloadCursor(payload, pointerSize, base);
  const out: Fields = {};
  for (const f of schema.fields) out[f.name] = readField(f, c);
  return out;
}

function readField(f: TlField, c: PayloadCursor): FieldValue {
  if (f.count === 'single') return readOne(f, c);
  const n = f.count === 'vcount' ? c.u16(`${f.name} element count`) : f.count;
  if (n * 1 > c.remaining + 1 && f.inType !== TLG_IN.STRUCT && f.inType !== TLG_IN.NULL) {
    // every element takes at least one byte (strings their NUL)
    throw c.r.error(`${f.name}: ${n} elements do not fit the ${c.remaining} bytes left`, c.at, 'TraceLogging array');
  }
  const items: FieldValue[] = [];
  for (let k = 0; k < n; k++) items.push(readOne(f, c));
  return items;
}

function readOne(f: TlField, c: PayloadCursor): FieldValue {
  const I = TLG_IN;
  switch (f.inType) {
    case I.NULL:
      return null;
    case I.UNICODESTRING:
      return c.utf16z(f.name);
    case I.ANSISTRING:
      return c.ansiz(f.name);
    case I.INT8:
      return c.i8(f.name);
    case I.UINT8: {
      const v = c.u8(f.name);
      return f.outType === TLG_OUT.BOOLEAN ? v !== 0 : f.outType === TLG_OUT.HEX ? hexValue(v, 2) : v;
    }
    case I.INT16:
      return c.i16(f.name);
    case I.UINT16: {
      const v = c.u16(f.name);
      return f.outType === TLG_OUT.HEX ? hexValue(v, 4) : f.outType === TLG_OUT.PORT ? ((v & 0xff) << 8) | (v >>> 8) : v;
    }
    case I.INT32:
      return f.outType === TLG_OUT.HRESULT ? hexValue(c.u32(f.name), 8) : c.i32(f.name);
    case I.UINT32: {
      const v = c.u32(f.name);
      if (f.outType === TLG_OUT.HEX) return hexValue(v, 8);
      if (f.outType === TLG_OUT.IPV4) return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24].join('.');
      return v;
    }
    case I.INT64:
      return int64Value(c.i64(f.name));
    case I.UINT64:
      return f.outType === TLG_OUT.HEX ? hexValue(c.u64(f.name), 16) : int64Value(c.u64(f.name));
    case I.FLOAT:
      return c.f32(f.name);
    case I.DOUBLE:
      return c.f64(f.name);
    case I.BOOL32:
      return c.i32(f.name) !== 0;
    case I.BINARY:
    case I.COUNTEDBINARY:
      return toHex(c.bytes(c.u16(`${f.name} size`), f.name));
    case I.GUID:
      return c.guid(f.name);
    case I.POINTER:
      return hexValue(c.ptr(f.name), c.pointerSize * 2);
    case I.FILETIME:
      return formatFiletime(c.u64(f.name));
    case I.SYSTEMTIME:
      return systemTime(c, f.name);
    case I.SID: {
      const count = c.r.u8(c.at + 1, `${f.name} SubAuthorityCount`);
      return formatSid(c.bytes(8 + 4 * count, f.name));
    }
    case I.HEXINT32:
      return hexValue(c.u32(f.name), 8);
    case I.HEXINT64:
      return hexValue(c.u64(f.name), 16);
    case I.COUNTEDSTRING:
      return c.utf16(c.u16(`${f.name} size`), f.name);
    case I.COUNTEDANSISTRING:
      return new TextDecoder().decode(c.bytes(c.u16(`${f.name} size`), f.name));
    case I.STRUCT: {
      const o: Fields = {};
      for (const m of f.members) o[m.name] = readField(m, c);
      return o;
    }
    default:
      if (f.custom) return toHex(c.bytes(c.u16(`${f.name} size`), f.name));
      throw c.r.error(`${f.name}: TraceLogging in-type ${f.inType} is not known`, c.at, 'TraceLogging field');
  }
}

/** SYSTEMTIME (8 u16: year, month, weekday, day, hour, minute, second, ms) as ISO text, no zone. */
function systemTime(c: PayloadCursor, what: string): string {
  const [y, mo, , d, h, mi, s, ms] = Array.from({ length: 8 }, () => c.u16(what)) as number[];
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(y!, 4)}-${p(mo!)}-${p(d!)}T${p(h!)}:${p(mi!)}:${p(s!)}.${p(ms!, 3)}`;
}
