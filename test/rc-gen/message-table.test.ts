// MESSAGE_RESOURCE_DATA reader and writer: round trips, and hostile tables rejected with the
// structure and offset named, without reading past the end or multiplying work.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MessageTableFormatError, readMessageTable, writeMessageTable, type MessageTableEntry } from '../../src/rc-gen/message-table.js';

// Ids anywhere, and clustered (runs of consecutive ids) at 0, around 2^31 and up to 0xFFFFFFFF;
// Unicode entries with any text, ANSI ones with ASCII text (what code page 1252 encodes as is).
const id = fc.oneof(
  fc.nat({ max: 0xffffffff }),
  fc.nat({ max: 40 }),
  fc.integer({ min: 0x7ffffff0, max: 0x80000010 }),
  fc.integer({ min: 0xffffffe0, max: 0xffffffff }),
);
const entry = fc.oneof(
  fc.record({ id, text: fc.string({ maxLength: 40 }).filter((t) => !t.includes('\0')), unicode: fc.constant(true) }),
  fc.record({ id, text: fc.string({ unit: fc.integer({ min: 1, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 40 }), unicode: fc.constant(false) }),
);
const entries = fc.uniqueArray(entry, { selector: (e) => e.id, maxLength: 30 }).map((es) => es.map((e): MessageTableEntry => ({ ...e })));

describe('message table', () => {
  it('round-trips any set of unique ids and texts, grouped into blocks of consecutive ids', () => {
    fc.assert(
      fc.property(entries, (es) => {
        const table = readMessageTable(writeMessageTable(es));
        expect(table.entries).toEqual([...es].sort((a, b) => a.id - b.id));
        for (const b of table.blocks) expect(b.highId).toBeGreaterThanOrEqual(b.lowId);
        expect(table.blocks.length).toBe(new Set(es.map((e) => e.id)).size - es.filter((e) => es.some((f) => f.id === e.id - 1)).length);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('writes a table of Unicode entries only (one string, one write) with every code unit as it is', () => {
    // Any UTF-16 code unit but NUL, lone surrogates included: the bytes are the units, little-endian.
    const unit = fc.integer({ min: 1, max: 0xffff }).map((c) => String.fromCharCode(c));
    const unicodeEntries = fc.uniqueArray(fc.record({ id, text: fc.string({ unit, maxLength: 40 }), unicode: fc.constant(true) }), { selector: (e) => e.id, minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(unicodeEntries, (es) => {
        const bytes = writeMessageTable(es);
        const table = readMessageTable(bytes);
        const sorted = [...es].sort((a, b) => a.id - b.id);
        let at = table.blocks[0]!.offsetToEntries;
        for (const e of sorted) {
          const length = bytes[at]! | (bytes[at + 1]! << 8);
          expect(length).toBe(4 + ((e.text.length * 2 + 2 + 3) & ~3));
          expect(bytes[at + 2]! | (bytes[at + 3]! << 8)).toBe(1);
          const body = Buffer.from(bytes.subarray(at + 4, at + length));
          expect(body.subarray(0, e.text.length * 2).equals(Buffer.from(e.text, 'utf16le'))).toBe(true);
          expect([...body.subarray(e.text.length * 2)].every((b) => b === 0)).toBe(true);
          at += length;
        }
        expect(at).toBe(bytes.length);
      }),
      { numRuns: 300, seed: 11 },
    );
  });

  it('refuses duplicate ids when writing', () => {
    expect(() => writeMessageTable([{ id: 1, text: 'a', unicode: true }, { id: 1, text: 'b', unicode: true }])).toThrow('duplicate message id 0x1');
  });

  it('rejects every truncation of a valid table with a located error', () => {
    const bytes = writeMessageTable([
      { id: 1, text: 'one\r\n', unicode: true },
      { id: 2, text: 'two\r\n', unicode: false },
      { id: 0xc0000010, text: 'far\r\n', unicode: true },
    ]);
    for (let n = 0; n < bytes.length; n++) {
      expect(() => readMessageTable(bytes.subarray(0, n)), `truncated to ${n} bytes`).toThrow(MessageTableFormatError);
    }
  });

  it('rejects overlapping blocks that claim more entries than the table holds, at once', () => {
    // 5,000 blocks, each claiming the same 10,000 ids at the same entry: 50 million reads if trusted.
    const count = 5000;
    const bytes = new Uint8Array(4 + count * 12 + 8);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, count, true);
    for (let i = 0; i < count; i++) {
      view.setUint32(4 + i * 12, 0, true);
      view.setUint32(8 + i * 12, 9999, true);
      view.setUint32(12 + i * 12, 4 + count * 12, true);
    }
    view.setUint16(4 + count * 12, 8, true);
    expect(() => readMessageTable(bytes)).toThrow(/blocks 0\.\.0 claim 10000 entries, more than the 2 that fit in the table \(at byte offset 0x4\)/);
  });

  it('names the block whose HighId is below its LowId', () => {
    const bytes = new Uint8Array(16);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, 1, true);
    view.setUint32(4, 5, true);
    view.setUint32(8, 4, true);
    expect(() => readMessageTable(bytes)).toThrow('block 0: HighId 0x4 below LowId 0x5 (at byte offset 0x4)');
  });
});
