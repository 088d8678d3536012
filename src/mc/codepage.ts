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
  if (codepage === 1252) return encode1252(text);
  return iconv().encode(text, codepageName(codepage));
}

export function decodeAnsi(bytes: Uint8Array, codepage: number): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isAsciiCompatible(codepage) && isAsciiBytes(buffer)) return buffer.toString('latin1');
  if (codepage === 1252) return decode1252(buffer);
  return iconv().decode(buffer, codepageName(codepage));
}

// Code page 1252, the default, without iconv-lite: it is Latin-1 except for bytes 0x80-0x9F, so
// text is decoded and encoded natively (latin1) and only those 32 places go through a table.
// iconv-lite's per-byte loops were a twentieth of a large compile (docs/performance.md).
// CP1252_HIGH is iconv-lite's windows1252 for 0x80-0x9F (U+FFFD for the five undefined bytes);
// test/mc/codepage.test.ts checks every byte and every UTF-16 code unit against iconv-lite.
const CP1252_HIGH =
  '\u20ac\ufffd\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\ufffd\u017d\ufffd' +
  '\ufffd\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\ufffd\u017e\u0178';
const C1 = /[\x80-\x9f]/g;
/** Characters that are not the same byte in code page 1252 and Latin-1. */
const NOT_LATIN1_IN_1252 = /[^\x00-\x7f\xa0-\xff]/g;
let encode1252Table: Map<string, string> | undefined;

function decode1252(buffer: Buffer): string {
  const latin1 = buffer.toString('latin1');
  C1.lastIndex = 0;
  if (!C1.test(latin1)) return latin1;
  return latin1.replace(C1, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!);
}

function encode1252(text: string): Uint8Array {
  NOT_LATIN1_IN_1252.lastIndex = 0;
  if (NOT_LATIN1_IN_1252.test(text)) {
    // As iconv-lite builds its table: byte b for the character b decodes to, a later byte winning
    // (U+FFFD becomes 0x9D); anything else, a C1 control or a lone surrogate included, is '?'.
    if (encode1252Table === undefined) {
      encode1252Table = new Map();
      for (let b = 0x80; b < 0xa0; b++) encode1252Table.set(CP1252_HIGH[b - 0x80]!, String.fromCharCode(b));
    }
    const table = encode1252Table;
    text = text.replace(NOT_LATIN1_IN_1252, (c) => table.get(c) ?? '?');
  }
  return Buffer.from(text, 'latin1');
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
