// Registry value types and their data encodings, shared by every backend. Strings are stored as
// UTF-16LE with a terminating NUL; REG_MULTI_SZ is a run of such strings closed by one more NUL.

import { decodeUtf16le, encodeUtf16le, escapeText } from '../binary/codec.js';

export const enum RegType {
  NONE = 0,
  SZ = 1,
  EXPAND_SZ = 2,
  BINARY = 3,
  DWORD = 4,
  MULTI_SZ = 7,
  QWORD = 11,
}

export const REG_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'REG_NONE',
  1: 'REG_SZ',
  2: 'REG_EXPAND_SZ',
  3: 'REG_BINARY',
  4: 'REG_DWORD',
  7: 'REG_MULTI_SZ',
  11: 'REG_QWORD',
};

export function regTypeName(type: number): string {
  return REG_TYPE_NAMES[type] ?? `REG_TYPE_0x${type.toString(16)}`;
}

/** A value as the registry stores it: a type number and raw data bytes. */
export interface RegValue {
  type: number;
  data: Uint8Array;
}

/** UTF-16LE code units of `text`, no NUL (the shared codec's encodeUtf16le). */
export function utf16le(text: string): Uint8Array {
  return encodeUtf16le(text);
}

/** The code units of `bytes` as they are, an odd last byte ignored (the shared codec's decodeUtf16le). */
export function fromUtf16le(bytes: Uint8Array): string {
  return decodeUtf16le(bytes);
}

export function stringValue(type: RegType.SZ | RegType.EXPAND_SZ, text: string): RegValue {
  return { type, data: utf16le(text + '\0') };
}

export function dwordValue(n: number): RegValue {
  const data = new Uint8Array(4);
  new DataView(data.buffer).setUint32(0, n >>> 0, true);
  return { type: RegType.DWORD, data };
}

export function multiStringValue(items: readonly string[]): RegValue {
  return { type: RegType.MULTI_SZ, data: utf16le(items.map((s) => s + '\0').join('') + '\0') };
}

/** The text of a REG_SZ/REG_EXPAND_SZ value, up to its first NUL (data need not be terminated). */
export function decodeString(data: Uint8Array): string {
  const text = fromUtf16le(data);
  const nul = text.indexOf('\0');
  return nul < 0 ? text : text.slice(0, nul);
}

/** The strings of a REG_MULTI_SZ value. Empty and missing terminators are tolerated. */
export function decodeMultiString(data: Uint8Array): string[] {
  const text = fromUtf16le(data);
  const end = text.indexOf('\0\0');
  const body = end < 0 ? text : text.slice(0, end);
  return body.split('\0').filter((s) => s.length > 0);
}

export function decodeDword(data: Uint8Array): number {
  if (data.length < 4) throw new RangeError(`REG_DWORD data is ${data.length} bytes, not 4`);
  return new DataView(data.buffer, data.byteOffset, 4).getUint32(0, true);
}

export function sameValue(a: RegValue | undefined, b: RegValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.type !== b.type || a.data.length !== b.data.length) return false;
  for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) return false;
  return true;
}

/** Quotes text for display without escaping backslashes, so registry paths read as typed. */
function quoted(text: string): string {
  return '"' + escapeText(text, { named: false }) + '"';
}

/** A readable rendering of a value for plans and messages: `REG_EXPAND_SZ "%SystemRoot%\x.dll"`. */
export function describeValue(v: RegValue): string {
  switch (v.type) {
    case RegType.SZ:
    case RegType.EXPAND_SZ:
      return `${regTypeName(v.type)} ${quoted(decodeString(v.data))}`;
    case RegType.DWORD:
      return v.data.length === 4 ? `REG_DWORD ${decodeDword(v.data)}` : `REG_DWORD (${v.data.length} bytes)`;
    case RegType.MULTI_SZ:
      return `REG_MULTI_SZ [${decodeMultiString(v.data).map(quoted).join(', ')}]`;
    default:
      return `${regTypeName(v.type)} (${v.data.length} bytes)`;
  }
}
