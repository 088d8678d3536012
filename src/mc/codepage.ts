// Windows ANSI code pages through iconv-lite's tables (maintained, not hand-made).
// iconv-lite is loaded on first use: an ASCII file in an ASCII-compatible code page (most .mc
// files) never needs it, and loading it is a good part of a small compile's start-up.

import { Buffer, isAscii as isAsciiBytes } from 'node:buffer';
import { createRequire } from 'node:module';
import type Iconv from 'iconv-lite';

let iconvModule: typeof Iconv | undefined;
function iconv(): typeof Iconv {
  return (iconvModule ??= createRequire(import.meta.url)('iconv-lite') as typeof Iconv);
}

export function codepageName(codepage: number): string {
  if (codepage === 65001) return 'utf8';
  if (codepage === 1200) return 'utf16le';
  return `cp${codepage}`;
}

export function isKnownCodepage(codepage: number): boolean {
  return Number.isInteger(codepage) && codepage > 0 && (isAsciiCompatible(codepage) || iconv().encodingExists(codepageName(codepage)));
}

/** Code pages whose bytes 0x00-0x7F are ASCII: pure-ASCII text needs no table (the common case). */
function isAsciiCompatible(codepage: number): boolean {
  return (codepage >= 1250 && codepage <= 1258) || codepage === 874 || codepage === 65001;
}

export function encodeAnsi(text: string, codepage: number): Uint8Array {
  if (isAsciiCompatible(codepage) && isAscii(text)) return asciiBytes(text);
  return iconv().encode(text, codepageName(codepage));
}

export function decodeAnsi(bytes: Uint8Array, codepage: number): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isAsciiCompatible(codepage) && isAsciiBytes(buffer)) return buffer.toString('latin1');
  return iconv().decode(buffer, codepageName(codepage));
}

// Native scans and copies: a generated header is megabytes, and a charCodeAt loop over it
// was a tenth of the compile time.
function isAscii(text: string): boolean {
  return Buffer.byteLength(text, 'utf8') === text.length;
}

function asciiBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  Buffer.from(out.buffer, out.byteOffset, out.byteLength).write(text, 0, 'latin1');
  return out;
}

/** UTF-16LE bytes of a string, optionally with a BOM in front and a NUL terminator after it. */
export function encodeUtf16le(text: string, options: { bom?: boolean; nul?: boolean } = {}): Uint8Array {
  const start = options.bom ? 2 : 0;
  const out = new Uint8Array(start + text.length * 2 + (options.nul ? 2 : 0));
  if (options.bom) out.set([0xff, 0xfe]);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[start + i * 2] = c & 0xff;
    out[start + i * 2 + 1] = c >>> 8;
  }
  return out;
}
