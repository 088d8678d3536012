// Windows ANSI code pages through iconv-lite's tables (maintained, not hand-made).

import iconv from 'iconv-lite';

export function codepageName(codepage: number): string {
  if (codepage === 65001) return 'utf8';
  if (codepage === 1200) return 'utf16le';
  return `cp${codepage}`;
}

export function isKnownCodepage(codepage: number): boolean {
  return Number.isInteger(codepage) && codepage > 0 && iconv.encodingExists(codepageName(codepage));
}

export function encodeAnsi(text: string, codepage: number): Uint8Array {
  if (codepage === 1252 && isAscii(text)) return asciiBytes(text);
  return iconv.encode(text, codepageName(codepage));
}

export function decodeAnsi(bytes: Uint8Array, codepage: number): string {
  return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), codepageName(codepage));
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

function asciiBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}
