// MS-XCA "Plain LZ77" decompression ([MS-XCA] 2.4), the COMPRESSION_FORMAT_XPRESS of
// RtlDecompressBuffer that Windows 8+ uses for compressed .etl buffers.
//
// The stream is a sequence of groups: a 32-bit little-endian flag word, read from its most
// significant bit down, then one symbol per bit: 0 = one literal byte, 1 = a 16-bit match word
// (distance - 1 in the high 13 bits, length - 3 in the low 3). A length of 7 continues in a
// half byte (two matches share one byte: the first takes its low nibble, the second the high),
// 15 there continues in a byte, 255 there in a 16-bit word (0 there in a 32-bit word), each
// counting the lengths already added. The stream ends when a match bit finds no input left.

import { FormatError } from './errors.js';

/**
 * Decompresses `input` into at most `outputSize` bytes (the size the container records); returns
 * the bytes produced. A match before the start of the output, a length past `outputSize` or input
 * that ends inside a symbol is a FormatError at `base` + the input offset.
 */
export function decompressPlainLz77(input: Uint8Array, outputSize: number, base = 0, format = 'LZ77'): Uint8Array {
  const out = new Uint8Array(outputSize);
  const fail = (detail: string, at: number): never => {
    throw new FormatError(format, `plain LZ77: ${detail}`, base + at, { structure: 'LZ77 stream' });
  };
  let inPos = 0;
  let outPos = 0;
  let flags = 0;
  let flagCount = 0;
  let halfByteAt = -1;
  const n = input.length;
  const u16 = (at: number): number => {
    if (at + 2 > n) fail('stream ends inside a match', at);
    return input[at]! | (input[at + 1]! << 8);
  };
  for (;;) {
    if (flagCount === 0) {
      if (inPos + 4 > n) {
        if (inPos === n || outPos === outputSize) break; // no further symbols
        fail('stream ends inside a flag word', inPos);
      }
      flags = (input[inPos]! | (input[inPos + 1]! << 8) | (input[inPos + 2]! << 16) | (input[inPos + 3]! << 24)) >>> 0;
      inPos += 4;
      flagCount = 32;
    }
    flagCount--;
    if ((flags & (1 << flagCount)) === 0) {
      if (inPos >= n) break;
      if (outPos >= outputSize) fail(`output exceeds ${outputSize} bytes`, inPos);
      out[outPos++] = input[inPos++]!;
      continue;
    }
    if (inPos >= n) break;
    const word = u16(inPos);
    inPos += 2;
    let length = word & 7;
    const distance = (word >>> 3) + 1;
    if (length === 7) {
      if (halfByteAt < 0) {
        if (inPos >= n) fail('stream ends inside a match length', inPos);
        length = input[inPos]! & 15;
        halfByteAt = inPos++;
      } else {
        length = input[halfByteAt]! >>> 4;
        halfByteAt = -1;
      }
      if (length === 15) {
        if (inPos >= n) fail('stream ends inside a match length', inPos);
        length = input[inPos++]!;
        if (length === 255) {
          length = u16(inPos);
          inPos += 2;
          if (length === 0) {
            if (inPos + 4 > n) fail('stream ends inside a match length', inPos);
            length = (input[inPos]! | (input[inPos + 1]! << 8) | (input[inPos + 2]! << 16) | (input[inPos + 3]! << 24)) >>> 0;
            inPos += 4;
          }
          if (length < 15 + 7) fail(`match length ${length} is below its minimum`, inPos);
          length -= 15 + 7;
        }
        length += 15;
      }
      length += 7;
    }
    length += 3;
    if (distance > outPos) fail(`match distance ${distance} reaches before the start of the output (at ${outPos})`, inPos - 2);
    if (outPos + length > outputSize) fail(`match of ${length} bytes exceeds the ${outputSize}-byte output`, inPos - 2);
    let from = outPos - distance;
    if (distance >= length) {
      out.copyWithin(outPos, from, from + length);
      outPos += length;
    } else {
      for (let i = 0; i < length; i++) out[outPos++] = out[from++]!;
    }
  }
  return outPos === outputSize ? out : out.subarray(0, outPos);
}
