// One value of a TDH in-type (TDH_INTYPE_*, the `win:` types of manifests and the _TlgIn* types of
// TraceLogging, which share the numbering 1-25) read from a payload. How it is shown (hex, a
// boolean, an address) comes from the out-type, whose numbering differs between manifests and
// TraceLogging; each caller maps its own to a Display.
//
// Hex values are written as PerfView writes them: 0x and at least 8 digits.
// Sizes: strings without a length are NUL-terminated (UTF-16 for 1, 8-bit for 2); with one, it
// counts characters (1) or bytes (2, 14). Counted types (22, 23, 25) start with a u16 byte count.
// BOOLEAN is 4 bytes, POINTER the producer's pointer size, SYSTEMTIME 8 u16 fields, SID 8 + 4 x
// its sub-authority count.

import { formatFiletime, formatSid } from '../binxml/reader.js';
import { toHex } from '../../binary/codec.js';
import { hexValue, int64Value, type FieldValue, type PayloadCursor } from './payload.js';

export type Display = 'bool' | 'hex' | 'port' | 'ipv4' | null;

export const IN = {
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
  BOOLEAN: 13,
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
  COUNTEDBINARY: 25,
} as const;

const utf8 = new TextDecoder('utf-8');

/** Reads one value; `length` is a manifest's length attribute (characters or bytes). Throws a FormatError when short. */
export function readInType(inType: number, display: Display, c: PayloadCursor, name: string, length?: number): FieldValue {
  switch (inType) {
    case 0:
      return null;
    case IN.UNICODESTRING:
      return length === undefined ? c.utf16z(name) : c.utf16(length * 2, name).replace(/\0+$/, '');
    case IN.ANSISTRING:
      return length === undefined ? c.ansiz(name) : utf8.decode(c.bytes(length, name)).replace(/\0+$/, '');
    case IN.INT8:
      return c.i8(name);
    case IN.UINT8: {
      const v = c.u8(name);
      return display === 'bool' ? v !== 0 : display === 'hex' ? hexValue(v, 2) : v;
    }
    case IN.INT16:
      return c.i16(name);
    case IN.UINT16: {
      const v = c.u16(name);
      return display === 'hex' ? hexValue(v, 4) : display === 'port' ? ((v & 0xff) << 8) | (v >>> 8) : v;
    }
    case IN.INT32:
      return display === 'hex' ? hexValue(c.u32(name), 8) : c.i32(name);
    case IN.UINT32: {
      const v = c.u32(name);
      if (display === 'hex') return hexValue(v, 8);
      if (display === 'ipv4') return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24].join('.');
      return v;
    }
    case IN.INT64:
      return int64Value(c.i64(name));
    case IN.UINT64:
      return display === 'hex' ? hexValue(c.u64(name), 8) : int64Value(c.u64(name));
    case IN.FLOAT:
      return c.f32(name);
    case IN.DOUBLE:
      return c.f64(name);
    case IN.BOOLEAN:
      return c.i32(name) !== 0;
    case IN.BINARY:
      return toHex(c.bytes(length ?? c.u16(`${name} size`), name));
    case IN.COUNTEDBINARY:
      return toHex(c.bytes(c.u16(`${name} size`), name));
    case IN.GUID:
      return c.guid(name);
    case IN.POINTER:
      return hexValue(c.ptr(name), 8);
    case IN.FILETIME:
      return formatFiletime(c.u64(name));
    case IN.SYSTEMTIME:
      return systemTime(c, name);
    case IN.SID: {
      const count = c.r.u8(c.at + 1, `${name} SubAuthorityCount`);
      return formatSid(c.bytes(8 + 4 * count, name));
    }
    case IN.HEXINT32:
      return hexValue(c.u32(name), 8);
    case IN.HEXINT64:
      return hexValue(c.u64(name), 8);
    case IN.COUNTEDSTRING:
      return c.utf16(c.u16(`${name} size`), name);
    case IN.COUNTEDANSISTRING:
      return utf8.decode(c.bytes(c.u16(`${name} size`), name));
    default:
      throw c.r.error(`${name}: in-type ${inType} is not known`, c.at, 'field');
  }
}

/** SYSTEMTIME (8 u16: year, month, weekday, day, hour, minute, second, ms) as ISO text, no zone. */
function systemTime(c: PayloadCursor, what: string): string {
  const [y, mo, , d, h, mi, s, ms] = Array.from({ length: 8 }, () => c.u16(what)) as number[];
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(y!, 4)}-${p(mo!)}-${p(d!)}T${p(h!)}:${p(mi!)}:${p(s!)}.${p(ms!, 3)}`;
}
