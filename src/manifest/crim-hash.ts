// The hashes of CRIM template GUIDs (docs/manifests.md, "Template GUIDs"): mc.exe of the 8.1 SDK
// takes the MD5 of the template's XML text (UTF-16LE), then runs MD5 again over the template's
// substitution types (u32 each) starting from the first digest as its state; later versions take
// SHA-256 over "MS-WEVT\0", the XML text and the types, keep 16 bytes and set the version nibble 5.

import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';

const MS_WEVT = new TextEncoder().encode('MS-WEVT\0');

const S = [7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21];
const K = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0);
const MD5_INIT = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];

/** MD5 of `data` from the given chaining state (RFC 1321's when absent); the message length counts `data` only. */
export function md5From(data: Uint8Array, state: readonly number[] = MD5_INIT): Uint8Array {
  const bitLen = data.length * 8;
  const padded = new Uint8Array(((data.length + 8) >> 6) * 64 + 64);
  padded.set(data);
  padded[data.length] = 0x80;
  const pv = new DataView(padded.buffer);
  pv.setUint32(padded.length - 8, bitLen >>> 0, true);
  pv.setUint32(padded.length - 4, Math.floor(bitLen / 2 ** 32), true);
  let [a0, b0, c0, d0] = state as [number, number, number, number];
  for (let off = 0; off < padded.length; off += 64) {
    let a = a0, b = b0, c = c0, d = d0;
    for (let i = 0; i < 64; i++) {
      let f: number, g: number;
      if (i < 16) [f, g] = [(b & c) | (~b & d), i];
      else if (i < 32) [f, g] = [(d & b) | (~d & c), (5 * i + 1) % 16];
      else if (i < 48) [f, g] = [b ^ c ^ d, (3 * i + 5) % 16];
      else [f, g] = [c ^ (b | ~d), (7 * i) % 16];
      const x = (a + f + K[i]! + pv.getUint32(off + g * 4, true)) | 0;
      a = d;
      d = c;
      c = b;
      b = (b + ((x << S[i]!) | (x >>> (32 - S[i]!)))) | 0;
    }
    a0 = (a0 + a) | 0;
    b0 = (b0 + b) | 0;
    c0 = (c0 + c) | 0;
    d0 = (d0 + d) | 0;
  }
  const out = new Uint8Array(16);
  const ov = new DataView(out.buffer);
  [a0, b0, c0, d0].forEach((v, i) => ov.setUint32(i * 4, v >>> 0, true));
  return out;
}

// UTF-16LE code units as they are (lone surrogates too, as Buffer's utf16le writes them).
function utf16le(s: string): Uint8Array {
  return Buffer.from(s, 'utf16le');
}

function typeBytes(types: readonly number[]): Uint8Array {
  const b = new Uint8Array(types.length * 4);
  const v = new DataView(b.buffer);
  types.forEach((t, i) => v.setUint32(i * 4, t, true));
  return b;
}

/** 8.1 SDK: bare MD5 bytes, chained over the text and then the types. */
export function md5TemplateId(xml: string, types: readonly number[]): Uint8Array {
  const first = md5From(utf16le(xml));
  const v = new DataView(first.buffer);
  return md5From(typeBytes(types), [0, 1, 2, 3].map((i) => v.getUint32(i * 4, true)));
}

/** 10.0.10240 on: SHA-256 of "MS-WEVT\0" + text + types, 16 bytes, version nibble 5. */
export function sha256TemplateId(xml: string, types: readonly number[]): Uint8Array {
  const h = createHash('sha256');
  h.update(MS_WEVT);
  h.update(xml, 'utf16le');
  h.update(typeBytes(types));
  const out = new Uint8Array(h.digest().subarray(0, 16));
  out[7] = (out[7]! & 0x0f) | 0x50;
  return out;
}
