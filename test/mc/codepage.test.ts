// Code page 1252 without iconv-lite (src/mc/codepage.ts): every byte decodes and every UTF-16
// code unit encodes as iconv-lite's windows1252 does, the undefined bytes (U+FFFD, which the
// decoder reports as errors) and the characters the code page lacks ('?') included.
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeAnsi, encodeAnsi } from '../../src/mc/codepage.js';

describe('code page 1252 = iconv-lite windows1252', () => {
  it('decodes every byte, alone and in a run of every byte', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(decodeAnsi(all, 1252)).toBe(iconv.decode(Buffer.from(all), 'cp1252'));
    for (let b = 0; b < 256; b++) {
      const bytes = Uint8Array.of(0x41, b, 0x0a, b);
      expect(decodeAnsi(bytes, 1252), `byte 0x${b.toString(16)}`).toBe(iconv.decode(Buffer.from(bytes), 'cp1252'));
    }
  });

  it('encodes every UTF-16 code unit, lone surrogates included', () => {
    for (let c = 0; c < 0x10000; c += 256) {
      const chunk = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => c + i));
      expect(Buffer.from(encodeAnsi(chunk, 1252)).equals(iconv.encode(chunk, 'cp1252')), `U+${c.toString(16)}..`).toBe(true);
    }
    for (const text of ['plain', 'Gr\u00fc\u00dfe \u201e%1\u201c \u20ac', '\ud83d\ude00 \u0081 \ufffd', '']) {
      expect(Buffer.from(encodeAnsi(text, 1252)).equals(iconv.encode(text, 'cp1252')), text).toBe(true);
    }
  });

  it('round-trips the defined bytes', () => {
    const defined = Uint8Array.from({ length: 256 }, (_, i) => i).filter((b) => ![0x81, 0x8d, 0x8f, 0x90, 0x9d].includes(b));
    expect([...encodeAnsi(decodeAnsi(defined, 1252), 1252)]).toEqual([...defined]);
  });
});
