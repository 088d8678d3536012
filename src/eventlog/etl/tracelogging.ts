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

import { toHex } from '../../binary/codec.js';
import { ByteReader } from '../../binary/reader.js';
import { etlError } from './buffer.js';
import { PayloadCursor, type FieldValue, type Fields } from './payload.js';
import { IN, readInType, type Display } from './tdh.js';

/** TraceLoggingProvider.h's in-types: TDH's, plus NULL, BOOL32 (TDH's BOOLEAN) and STRUCT. */
export const TLG_IN = { ...IN, NULL: 0, BOOL32: IN.BOOLEAN, STRUCT: 24 } as const;
const CCOUNT = 0x20;
const VCOUNT = 0x40;
const CHAIN = 0x80;
const TYPE_MASK = 0x1f;


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
  if (n > c.remaining + 1 && f.inType !== TLG_IN.STRUCT && f.inType !== TLG_IN.NULL) {
    // every element takes at least one byte (strings their NUL)
    throw c.r.error(`${f.name}: ${n} elements do not fit the ${c.remaining} bytes left`, c.at, 'TraceLogging array');
  }
  const items: FieldValue[] = [];
  for (let k = 0; k < n; k++) {
    c.spend(f.name);
    items.push(readOne(f, c));
  }
  return items;
}

function readOne(f: TlField, c: PayloadCursor): FieldValue {
  if (f.inType === TLG_IN.STRUCT) {
    const o: Fields = {};
    for (const m of f.members) o[m.name] = readField(m, c);
    return o;
  }
  if (f.custom) return toHex(c.bytes(c.u16(`${f.name} size`), f.name));
  return readInType(f.inType, tlDisplay(f.inType, f.outType), c, f.name);
}

/** How a TraceLogging out-type (TraceLoggingProvider.h's _TlgOut*, not TDH's) shows a value. */
function tlDisplay(inType: number, outType: number): Display {
  switch (outType) {
    case 3:
      return 'bool';
    case 4:
      return 'hex';
    case 7:
      return 'port';
    case 8:
      return 'ipv4';
    case 13:
    case 14:
    case 15:
      return inType === TLG_IN.INT32 || inType === TLG_IN.UINT32 ? 'hex' : null;
    default:
      return null;
  }
}

