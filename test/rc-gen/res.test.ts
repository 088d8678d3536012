import { copyFileSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  MEMORY_FLAGS_WINDRES,
  ResFormatError,
  looksLikeRes,
  messageTablesOfRes,
  readRes,
  writeRes,
  writeResEntries,
} from '../../src/rc-gen/res.js';
import { LLVM_RC, WINDRES, WRC, corpusRoot, corpusTables, hasCorpus, hasTool, rcFor, run, tempDir } from './peers.js';

const hasLlvmRc = hasTool(LLVM_RC, ['/?']);
const hasWindres = hasTool(WINDRES);
const hasWrc = hasTool(WRC);

const work = tempDir('res');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const cases = hasCorpus
  ? readdirSync(join(corpusRoot, 'mc'))
      .map((name) => ({ name, tables: corpusTables(join(corpusRoot, 'mc', name)) }))
      .filter((c) => c.tables !== undefined)
  : [];
if (!hasCorpus) console.warn(`res.test: corpus not found at ${corpusRoot}; the corpus comparisons are skipped`);

/** Copies a case's .bin files and its .rc into a fresh directory and returns that directory. */
function stage(name: string, tables: NonNullable<(typeof cases)[number]['tables']>, peer: string): string {
  const dir = join(work, `${peer}-${name}`);
  rmSync(dir, { recursive: true, force: true });
  run('mkdir', ['-p', dir], work);
  for (const t of tables) copyFileSync(join(corpusRoot, 'mc', name, 'expected', t.file), join(dir, t.file));
  writeFileSync(join(dir, 'messages.rc'), rcFor(tables));
  return dir;
}

describe.skipIf(!hasCorpus || !hasLlvmRc)(`writeRes equals ${LLVM_RC} on the mc.exe .bin files of the corpus (skipped without corpus or llvm-rc)`, () => {
  it.each(cases.map((c) => [c.name, c.tables!] as const))('%s', (name, tables) => {
    const dir = stage(name, tables, 'llvm');
    run(LLVM_RC, ['-no-cpp', '/fo', 'llvm.res', 'messages.rc'], dir);
    const reference = new Uint8Array(readFileSync(join(dir, 'llvm.res')));
    const ours = writeRes(tables);
    expect(Buffer.from(ours).equals(Buffer.from(reference))).toBe(true);

    const back = messageTablesOfRes(readRes(reference));
    expect(back.map((t) => [t.languageId, t.name])).toEqual(tables.map((t) => [t.languageId, 1]));
    back.forEach((t, i) => expect(Buffer.from(t.data).equals(Buffer.from(tables[i]!.data))).toBe(true));
  });

  it('keeps the .rc order of languages (mc.exe middle/legacy flavours list them descending)', () => {
    const multi = cases.find((c) => c.tables!.length > 1 && c.tables![0]!.languageId > c.tables![1]!.languageId);
    expect(multi, 'a corpus case whose .rc lists a higher LANGID first').toBeDefined();
    const ids = readRes(writeRes(multi!.tables!)).map((e) => e.languageId);
    expect(ids).toEqual(multi!.tables!.map((t) => t.languageId));
  });
});

describe.skipIf(!hasCorpus || !hasLlvmRc || !hasWrc)('Wine wrc agrees with llvm-rc byte for byte (skipped without corpus, llvm-rc or wrc)', () => {
  it.each(cases.map((c) => [c.name, c.tables!] as const))('%s', (name, tables) => {
    const dir = stage(name, tables, 'wrc');
    run(WRC, ['-o', 'wrc.res', 'messages.rc'], dir);
    expect(Buffer.from(readFileSync(join(dir, 'wrc.res'))).equals(Buffer.from(writeRes(tables)))).toBe(true);
  });
});

describe.skipIf(!hasCorpus || !hasWindres)('windres differs only in MemoryFlags 0x1030 and sorted languages (skipped without corpus or windres)', () => {
  it.each(cases.map((c) => [c.name, c.tables!] as const))('%s', (name, tables) => {
    const dir = stage(name, tables, 'windres');
    run(WINDRES, ['-i', 'messages.rc', '-O', 'res', '-o', 'windres.res'], dir);
    const sorted = [...tables].sort((a, b) => a.languageId - b.languageId);
    const expected = writeRes(sorted, { memoryFlags: MEMORY_FLAGS_WINDRES });
    expect(Buffer.from(readFileSync(join(dir, 'windres.res'))).equals(Buffer.from(expected))).toBe(true);
  });
});

describe.skipIf(!hasLlvmRc)(`named types, names and unaligned data match ${LLVM_RC} (skipped without llvm-rc)`, () => {
  it('pads names and data to DWORD boundaries as llvm-rc does', () => {
    const dir = join(work, 'named');
    run('mkdir', ['-p', dir], work);
    const odd = new Uint8Array([1, 2, 3, 4, 5]);
    const three = new Uint8Array([9, 8, 7]);
    writeFileSync(join(dir, 'odd.bin'), odd);
    writeFileSync(join(dir, 'three.bin'), three);
    // llvm-rc upper-cases names; `11` stays an ordinal type.
    writeFileSync(join(dir, 'named.rc'), 'LANGUAGE 0x7,0x1\r\nAB MYTYPE "odd.bin"\r\nLANGUAGE 0x0,0x0\r\nABC 11 "three.bin"\r\n7 ABCD "odd.bin"\r\n');
    run(LLVM_RC, ['-no-cpp', '/fo', 'named.res', 'named.rc'], dir);
    const base = { memoryFlags: 0x30, dataVersion: 0, version: 0, characteristics: 0 };
    const ours = writeResEntries([
      { ...base, type: 'MYTYPE', name: 'AB', languageId: 0x407, data: odd },
      { ...base, type: 11, name: 'ABC', languageId: 0, data: three },
      { ...base, type: 'ABCD', name: 7, languageId: 0, data: odd },
    ]);
    const reference = new Uint8Array(readFileSync(join(dir, 'named.res')));
    expect(Buffer.from(ours).equals(Buffer.from(reference))).toBe(true);
    expect(readRes(reference).map((e) => [e.type, e.name, e.languageId, e.data.length])).toEqual([
      ['MYTYPE', 'AB', 0x407, 5],
      [11, 'ABC', 0, 3],
      ['ABCD', 7, 0, 5],
    ]);
  });
});

describe('readRes rejects malformed files with a located error', () => {
  const good = writeRes([
    { languageId: 0x409, data: new Uint8Array([1, 0, 0, 0, 5, 0, 0, 0, 5, 0, 0, 0, 16, 0, 0, 0]) },
    { languageId: 0x40c, data: new Uint8Array(8) },
  ]);

  it('recognises the leading empty entry', () => {
    expect(looksLikeRes(good)).toBe(true);
    expect(looksLikeRes(new Uint8Array(64))).toBe(false);
  });

  it.each([
    ['a truncated header', good.subarray(0, 36), /resource 1: header truncated|HeaderSize .* runs past/],
    ['a DataSize past the end', good.subarray(0, good.length - 4), /resource 2: DataSize 8 runs past the end/],
    ['a file not starting with the empty entry', good.subarray(32), /first resource is not the empty leading entry/],
    ['an empty file', new Uint8Array(0), /empty file/],
  ])('%s', (_what, bytes, message) => {
    expect(() => readRes(bytes)).toThrow(ResFormatError);
    expect(() => readRes(bytes)).toThrow(message);
  });

  it('names the offset of a bad HeaderSize', () => {
    const bad = good.slice();
    new DataView(bad.buffer).setUint32(32 + 4, 6, true);
    expect(() => readRes(bad)).toThrow('resource 1: HeaderSize 6 is not a valid header size (at byte offset 0x24)');
  });

  it('finds an unterminated type name', () => {
    const bad = writeResEntries([{ type: 'T', name: 1, languageId: 0, memoryFlags: 0x30, dataVersion: 0, version: 0, characteristics: 0, data: new Uint8Array(0) }]);
    // Overwrite the type name's NUL and the name ordinal with letters so no NUL remains before the fixed fields.
    const view = new DataView(bad.buffer);
    for (let at = 32 + 8; at < 32 + 8 + 8; at += 2) view.setUint16(at, 0x41, true);
    expect(() => readRes(bad)).toThrow('resource 1: type is not NUL-terminated within its header (at byte offset 0x28)');
  });

  it('never throws anything but ResFormatError on damaged input', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: good.length }), fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), (cut, edits) => {
        const bytes = good.slice(0, cut);
        for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value;
        try {
          readRes(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(ResFormatError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
