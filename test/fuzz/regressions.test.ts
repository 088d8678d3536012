// Regression tests for the hostile inputs of issue 17, one per case found by the mutation campaign.

import { describe, expect, it } from 'vitest';
import { BINXML_MAX_DEPTH, BinXmlError, ChunkContext, readBinXml } from '../../src/eventlog/binxml/reader.js';
import { escapeText } from '../../src/binary/codec.js';
import { PacketFormatError, parseEventXml } from '../../src/packet/decode.js';
import { MessageTableFormatError, readMessageTable, writeMessageTable } from '../../src/rc-gen/message-table.js';
import { messageTablesToMc } from '../../src/rc-gen/mc-source.js';
import { writeRes } from '../../src/rc-gen/res.js';
import { readFoundTable, readTableFile } from '../../src/rc-gen/table-file.js';

/** A chunk-sized buffer with `parts` written at their offsets. */
function chunkWith(parts: [number, number[]][]): Uint8Array {
  const chunk = new Uint8Array(65536);
  for (const [at, bytes] of parts) chunk.set(bytes, at);
  return chunk;
}
const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];

/** A template instance token (0x0c) whose definition is at `def`: token, unknown, id, def offset. */
const instance = (def: number) => [0x0c, 0x01, ...u32(1), ...u32(def)];
/** A template definition at `at`: next u32, GUID, data size, then `body`. */
const definition = (body: number[]) => [...u32(0), ...new Array(16).fill(0xaa), ...u32(body.length), ...body];

describe('BinXML: cycles and depth', () => {
  it('a template whose body uses the same template is a located BinXmlError, not a stack overflow', () => {
    const def = 0x300;
    // The body: a fragment header, then an instance of the template being defined.
    const body = [0x0f, 0x01, 0x01, 0x00, ...instance(def), ...u32(0), 0x00];
    const chunk = chunkWith([
      [0x200, [...instance(def), ...u32(0), 0x00]],
      [def, definition(body)],
    ]);
    const read = () => readBinXml(new ChunkContext(chunk), 0x200, 0x200 + 30);
    expect(read).toThrow(BinXmlError);
    expect(read).toThrow(/template cycle.*at chunk offset 0x31c/);
  });

  it('two templates using each other are a cycle too', () => {
    const a = 0x300;
    const b = 0x400;
    const chunk = chunkWith([
      [0x200, [...instance(a), ...u32(0), 0x00]],
      [a, definition([...instance(b), ...u32(0), 0x00])],
      [b, definition([...instance(a), ...u32(0), 0x00])],
    ]);
    expect(() => readBinXml(new ChunkContext(chunk), 0x200, 0x220)).toThrow(/template cycle/);
  });

  it('elements nested past the limit are a BinXmlError naming the element', () => {
    // Open-start tokens written straight into the record (so without a dependency id) and without
    // attributes, each naming the same name at 0x100.
    const parts: [number, number[]][] = [[0x100, [...u32(0), 0, 0, 1, 0, 0x41, 0, 0, 0]]];
    const nested: number[] = [];
    for (let i = 0; i < BINXML_MAX_DEPTH + 10; i++) nested.push(0x01, ...u32(0), ...u32(0x100), 0x02);
    parts.push([0x400, nested]);
    const chunk = chunkWith(parts);
    let caught: unknown;
    try {
      readBinXml(new ChunkContext(chunk), 0x400, 0x400 + nested.length);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(BinXmlError);
    expect((caught as BinXmlError).structure).toBe('element');
    expect((caught as Error).message).toMatch(/nested deeper than 96 levels at chunk offset 0x/);
  });

  it('a template instantiated inside templates, fan-out 2 at every level, stops at the node budget', () => {
    // Template k's body: <A> with two instances of template k-1; template 0: <A/>.
    const parts: [number, number[]][] = [[0x100, [...u32(0), 0, 0, 1, 0, 0x41, 0, 0, 0]]];
    const defs: number[] = [];
    let at = 0x200;
    for (let k = 0; k < 40; k++) {
      const body =
        k === 0
          ? [0x01, 0xff, 0xff, ...u32(0), ...u32(0x100), 0x03, 0x00]
          : [0x01, 0xff, 0xff, ...u32(0), ...u32(0x100), 0x02, ...instance(defs[k - 1]!), ...u32(0), ...instance(defs[k - 1]!), ...u32(0), 0x04, 0x00];
      parts.push([at, definition(body)]);
      defs.push(at);
      at += 24 + body.length + 8;
    }
    parts.push([at, [...instance(defs[39]!), ...u32(0), 0x00]]);
    const chunk = chunkWith(parts);
    const started = performance.now();
    expect(() => readBinXml(new ChunkContext(chunk), at, at + 20)).toThrow(/more than 131072 nodes|nested deeper/);
    expect(performance.now() - started).toBeLessThan(5000); // a sanity bound, not a timing test
  });

  it('a BinXML value substituted four times into a template whose value is the same again, 12 deep, stops at the node budget', () => {
    // Template T: <A>%1%1%1%1</A>, %1 a BinXML value (0x21). Each level's value is an instance of T
    // whose value is the level below; the innermost is <A/>. The values are shared, not copied, so
    // the reader's own result stays small, but anything walking it (text, XML, JSON) meets 4^12
    // elements: each use of a value counts its whole tree against the budget.
    const t = 0x300;
    const name = [...u32(0), 0, 0, 1, 0, 0x41, 0, 0, 0];
    const sub = [0x0d, 0x00, 0x00, 0x21];
    const body = [0x0f, 0x01, 0x01, 0x00, 0x01, 0xff, 0xff, ...u32(0), ...u32(0x100), 0x02, ...sub, ...sub, ...sub, ...sub, 0x04, 0x00];
    let value = [0x0f, 0x01, 0x01, 0x00, 0x01, ...u32(0), ...u32(0x100), 0x03, 0x00];
    const withValue = (v: number[]) => [...instance(t), ...u32(1), v.length & 0xff, v.length >> 8, 0x21, 0x00, ...v];
    for (let level = 0; level < 12; level++) value = [0x0f, 0x01, 0x01, 0x00, ...withValue(value), 0x00];
    const record = withValue(value);
    const chunk = chunkWith([
      [0x100, name],
      [t, definition(body)],
      [0x1000, record],
    ]);
    expect(() => readBinXml(new ChunkContext(chunk), 0x1000, 0x1000 + record.length)).toThrow(/more than 131072 nodes/);
  });

  it('processing instructions whose target name is stored elsewhere advance (npm run fuzz, seed 20261201, .evtx input 54786)', () => {
    // Before the fix the reader stayed on a PI target token whose name is not inline and pushed
    // the same node until the heap ran out (6 GB). Three PIs naming the name at 0x100, then EOF.
    const pi = [0x0a, ...u32(0x100)];
    const chunk = chunkWith([
      [0x100, [...u32(0), 0, 0, 1, 0, 0x78, 0, 0, 0]],
      [0x200, [...pi, ...pi, 0x0b, 1, 0, 0x64, 0, ...pi, 0x00]],
    ]);
    const nodes = readBinXml(new ChunkContext(chunk), 0x200, 0x200 + 3 * 5 + 5 + 1);
    expect(nodes).toEqual([
      { kind: 'pi', target: 'x', data: '' },
      { kind: 'pi', target: 'x', data: 'd' },
      { kind: 'pi', target: 'x', data: '' },
    ]);
  });

  it('a PI whose inline name is its first use reads the name and goes on after it', () => {
    const at = 0x200;
    const chunk = chunkWith([[at, [0x0a, ...u32(at + 5), ...u32(0), 0, 0, 1, 0, 0x79, 0, 0, 0, 0x00]]]);
    expect(readBinXml(new ChunkContext(chunk), at, at + 5 + 12 + 1)).toEqual([{ kind: 'pi', target: 'y', data: '' }]);
  });
});

describe('escapeText', () => {
  it('escapes control characters, DEL, C1 and lone surrogates; keeps pairs', () => {
    expect(escapeText('a\x1b[31mb\0\n\t\x7f\x9b')).toBe('a\\x1b[31mb\\x00\\n\\t\\x7f\\x9b');
    expect(escapeText('\ud83d\ude00 \ud800x')).toBe('\ud83d\ude00 \\ud800x');
    expect(escapeText('a"b\\c', { quote: true })).toBe('"a\\"b\\c"');
    expect(escapeText('a"b\\c', { backslash: true })).toBe('a"b\\\\c');
    expect(escapeText('\n', { named: false })).toBe('\\x0a');
  });
});

describe('packet decode --xml: linear time', () => {
  it('227 KB of event XML without a ">" fails as a PacketFormatError, quickly', () => {
    const text = '<Event><Data' + ' <a b="c"'.repeat(227 * 1024 / 9);
    expect(text.length).toBeGreaterThan(227 * 1024);
    const started = performance.now();
    expect(() => parseEventXml(text)).toThrow(PacketFormatError);
    // The old scanner took over 15 s here; this is a generous sanity bound, not a timing test.
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('an export of 5,000 events without a root element reads in one pass', () => {
    const one = '<Event><System><Provider Name="x"/><EventID Qualifiers="49152">7</EventID></System><EventData><Data>a</Data><Binary>00</Binary></EventData></Event>\n';
    const records = parseEventXml('<?xml version="1.0"?>\n' + one.repeat(5000));
    expect(records.length).toBe(5000);
    expect(records[4999]).toMatchObject({ line: 5001, provider: 'x', eventId: 7, qualifiers: 49152, strings: ['a'] });
  });

  it('an element name with control characters is escaped in the error', () => {
    let message = '';
    try {
      parseEventXml('<Event>\n<Event\x1b[31m></Event>');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^XML \(at offset 0x[0-9a-f]+\): line 2: /);
    expect(message).not.toMatch(/\x1b/);
  });
});

describe('dump --as mc: exact only when it is', () => {
  const entries = [
    { id: 1, text: 'one\r\n', unicode: true },
    { id: 2, text: 'two\r\n', unicode: true },
  ];
  const table = writeMessageTable(entries);
  const problemsOf = (data: Uint8Array) =>
    messageTablesToMc([{ languageId: 0x409, entries: readMessageTable(data).entries, data, file: 'x.bin' }]).problems;

  it('a table as mc.exe writes it is exact', () => {
    expect(problemsOf(table)).toEqual([]);
  });

  it('entry flags other than 0 and 1', () => {
    const bad = table.slice();
    new DataView(bad.buffer).setUint16(4 + 12 + 2, 3, true); // the first entry's Flags
    const problems = problemsOf(bad);
    expect(problems).toEqual([expect.objectContaining({ file: 'x.bin', offset: 0x12, message: expect.stringMatching(/MESSAGE_RESOURCE_ENTRY at file offset 0x12: entry for id 0x1 has Flags 0x3/) })]);
  });

  it('an entry without its NUL or padding', () => {
    // "one\r\n" is 5 units + NUL = 12 bytes + 4 header = 16: overwrite the NUL with a character.
    const bad = table.slice();
    new DataView(bad.buffer).setUint16(16 + 4 + 10, 0x41, true);
    expect(problemsOf(bad).map((p) => p.message)).toEqual([expect.stringMatching(/entry for id 0x1 has no NUL terminator/)]);
    // "ab": 4 bytes, the NUL at 24, two bytes of padding at 26.
    const padded = writeMessageTable([{ id: 1, text: 'ab', unicode: true }]).slice();
    padded[26] = 0x41;
    expect(problemsOf(padded).map((p) => p.message)).toEqual([expect.stringMatching(/at file offset 0x1a: entry for id 0x1 has bytes other than zero after its NUL/)]);
    // No padding where mc.exe pads: Length 6 for a 6-byte entry.
    const unpadded = new Uint8Array([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 16, 0, 0, 0, 6, 0, 1, 0, 0, 0]);
    expect(problemsOf(unpadded).map((p) => p.message)).toEqual([expect.stringMatching(/has Length 6; mc.exe pads it to 8/)]);
  });

  it('bytes no block refers to', () => {
    const bad = new Uint8Array(table.length + 8);
    bad.set(table);
    expect(problemsOf(bad).map((p) => p.message)).toEqual([expect.stringMatching(/8 bytes after the last entry belong to no block or entry/)]);
  });

  it('a table with zero blocks', () => {
    expect(problemsOf(new Uint8Array(4)).map((p) => p.message)).toEqual([expect.stringMatching(/no blocks \(NumberOfBlocks is 0\)/)]);
  });

  it('a message-table error inside a .res names the resource and the file offset', () => {
    const bad = table.slice();
    new DataView(bad.buffer).setUint32(0, 9, true); // NumberOfBlocks 9
    const res = writeRes([{ languageId: 0x409, data: bad }]);
    const found = readTableFile(res).tables[0]!;
    let caught: unknown;
    try {
      readFoundTable(found);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(MessageTableFormatError);
    expect((caught as MessageTableFormatError).offset).toBe(found.fileOffset);
    expect((caught as Error).message).toBe(`RT_MESSAGETABLE 1, language 0x0409: NumberOfBlocks 9 does not fit in ${bad.length} bytes (at byte offset 0x${found.fileOffset.toString(16)})`);
  });
});
