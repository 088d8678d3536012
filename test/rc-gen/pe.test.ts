import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readMessageTable } from '../../src/rc-gen/message-table.js';
import {
  IMAGE_FILE_MACHINE,
  PeFormatError,
  looksLikePe,
  peChecksum,
  readPeImage,
  readPeResources,
  writeMessageDll,
  writeResourceDll,
  type Machine,
} from '../../src/rc-gen/pe.js';
import { RT_MESSAGETABLE } from '../../src/rc-gen/res.js';
import { MINGW_GCC, OBJDUMP, WINEDUMP, corpusRoot, corpusTables, hasCorpus, hasTool, run, tempDir } from './peers.js';

const hasWinedump = existsSync(WINEDUMP);
const hasObjdump = hasTool(OBJDUMP);
const hasGcc = hasTool(MINGW_GCC);
const KERNELBASE = '/usr/lib/x86_64-linux-gnu/wine/x86_64-windows/kernelbase.dll';
const hasKernelbase = existsSync(KERNELBASE);
const MACHINES: Machine[] = ['x86', 'x64', 'arm64'];

const work = tempDir('pe');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const cases = hasCorpus
  ? readdirSync(join(corpusRoot, 'mc'))
      .map((name) => ({ name, tables: corpusTables(join(corpusRoot, 'mc', name)) }))
      .filter((c) => c.tables !== undefined)
  : [];
if (!hasCorpus) console.warn(`pe.test: corpus not found at ${corpusRoot}; the corpus DLLs are skipped`);

/** A few small tables, one per language, listed out of LANGID order. */
const sample = [
  { languageId: 0x40c, data: new Uint8Array([1, 0, 0, 0, 7, 0, 0, 0, 7, 0, 0, 0, 16, 0, 0, 0, 8, 0, 1, 0, 0x41, 0, 0, 0]) },
  { languageId: 0x409, data: new Uint8Array([0, 0, 0, 0]) },
  { languageId: 0x000, data: new Uint8Array([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 16, 0, 0, 0, 8, 0, 1, 0, 0x42, 0, 0, 0]) },
];

describe('writeMessageDll / readPeResources', () => {
  it.each(MACHINES)('%s: the headers say what the machine needs', (machine) => {
    const dll = writeMessageDll(sample, { machine });
    expect(looksLikePe(dll)).toBe(true);
    const image = readPeImage(dll);
    expect(image.machine).toBe(IMAGE_FILE_MACHINE[machine]);
    expect(image.is64).toBe(machine !== 'x86');
    expect(image.characteristics & 0x2000).toBe(0x2000); // IMAGE_FILE_DLL
    expect(image.sections.map((s) => s.name)).toEqual(['.rsrc']);
    expect(image.resourceDirectory.rva).toBe(image.sections[0]!.virtualAddress);
    expect(dll.length % 0x200).toBe(0);
  });

  it('lists the tables in ascending LANGID order, as the loader requires, with their bytes unchanged', () => {
    const leaves = readPeResources(writeMessageDll(sample, { machine: 'x64' }));
    expect(leaves.map((l) => [l.type, l.name, l.languageId])).toEqual([
      [RT_MESSAGETABLE, 1, 0x000],
      [RT_MESSAGETABLE, 1, 0x409],
      [RT_MESSAGETABLE, 1, 0x40c],
    ]);
    for (const leaf of leaves) expect(leaf.data).toEqual(sample.find((s) => s.languageId === leaf.languageId)!.data);
  });

  it('sorts named types and names before ordinals and round-trips them', () => {
    const data = new Uint8Array([1, 2, 3]);
    const resources = [
      { type: 11, name: 2, languageId: 0x409, codepage: 1252, data },
      { type: 'zeta', name: 'B', languageId: 0, codepage: 0, data },
      { type: 11, name: 'abc', languageId: 0x409, codepage: 0, data },
      { type: 'ALPHA', name: 1, languageId: 7, codepage: 0, data },
    ];
    const leaves = readPeResources(writeResourceDll(resources, { machine: 'x86' }));
    expect(leaves.map((l) => [l.type, l.name, l.languageId, l.codepage])).toEqual([
      ['ALPHA', 1, 7, 0],
      ['zeta', 'B', 0, 0],
      [11, 'abc', 0x409, 0],
      [11, 2, 0x409, 1252],
    ]);
  });

  it('refuses two tables for one language', () => {
    expect(() => writeMessageDll([sample[0]!, sample[0]!], { machine: 'x64' })).toThrow(/language 0x40c/);
  });

  it('is reproducible: the same tables give the same bytes', () => {
    expect(writeMessageDll(sample, { machine: 'arm64' })).toEqual(writeMessageDll(sample, { machine: 'arm64' }));
  });
});

describe.skipIf(!hasCorpus)('every corpus table survives a DLL round trip (skipped without corpus)', () => {
  it.each(cases.map((c) => [c.name, c.tables!] as const))('%s', (_name, tables) => {
    for (const machine of MACHINES) {
      const leaves = readPeResources(writeMessageDll(tables, { machine }));
      expect(leaves.map((l) => l.languageId)).toEqual(tables.map((t) => t.languageId).sort((a, b) => a - b));
      for (const leaf of leaves) expect(Buffer.from(leaf.data).equals(Buffer.from(tables.find((t) => t.languageId === leaf.languageId)!.data))).toBe(true);
    }
  });
});

describe.skipIf(!hasWinedump)(`${WINEDUMP} reads the DLLs (skipped: winedump not installed)`, () => {
  it.each(MACHINES)('%s: headers and resource tree', (machine) => {
    const path = join(work, `sample-${machine}.dll`);
    writeFileSync(path, writeMessageDll(sample, { machine }));
    const dump = run(WINEDUMP, [path], work);
    const expectMachine = { x86: '014C (i386)', x64: '8664 (AMD64)', arm64: 'AA64 (ARM64)' }[machine];
    expect(dump).toContain(`Machine:                      ${expectMachine}`);
    expect(dump).toMatch(machine === 'x86' ? /Magic\s+0x10B/ : /Magic\s+0x20B/);
    expect(dump).toMatch(/RESOURCE\s+rva: 0x1000\s/);
    const resources = run(WINEDUMP, ['-j', 'resource', path], work);
    expect([...resources.matchAll(/^ {2}MESSAGETABLE Name=0001 Language=([0-9a-f]{4}):/gm)].map((m) => parseInt(m[1]!, 16))).toEqual([0, 0x409, 0x40c]);
  });

  // The genuine table comes from the corpus: without it (a fresh clone) the check skips, saying so.
  it.skipIf(!hasCorpus)(`prints the messages of a DLL made from a genuine mc.exe table${hasCorpus ? '' : ` (skipped: corpus not found at ${corpusRoot})`}`, () => {
    const tables = corpusTables(join(corpusRoot, 'mc', 'bitforgebr__nssm__messages'));
    if (!tables) return expect.fail('the nssm corpus case is needed for this check');
    const path = join(work, 'nssm.dll');
    writeFileSync(path, writeMessageDll(tables, { machine: 'x64' }));
    const dump = run(WINEDUMP, ['-j', 'resource', path], work);
    const english = readMessageTable(tables.find((t) => t.languageId === 0x409)!.data).entries;
    const simple = english.filter((e) => /^[\x20-\x7e\r\n\t]*$/.test(e.text) && !/["\\]/.test(e.text));
    expect(simple.length).toBeGreaterThan(10);
    for (const e of simple) {
      const escaped = e.text.replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\t/g, '\\t');
      expect(dump).toContain(`    ${e.id.toString(16).padStart(8, '0')} L"${escaped}"`);
    }
  });
});

describe.skipIf(!hasObjdump)(`${OBJDUMP} reads the DLLs (skipped: mingw objdump not installed)`, () => {
  it.each(['x86', 'x64'] as const)('%s: format, section and resource leaves', (machine) => {
    const path = join(work, `objdump-${machine}.dll`);
    const dll = writeMessageDll(sample, { machine });
    writeFileSync(path, dll);
    const dump = run(OBJDUMP, ['-x', path], work);
    expect(dump).toContain(`file format ${machine === 'x86' ? 'pei-i386' : 'pei-x86-64'}`);
    expect(dump).toMatch(/Characteristics 0x2(102|022)\n/);
    expect(dump).toMatch(/\.rsrc\s+[0-9a-f]+\s+[0-9a-f]+\s+[0-9a-f]+\s+00000200/);
    expect(dump).toMatch(/Type Table: .*Num Names: 0, IDs: 1\n.*Entry: ID: 0x00000b/);
    const leaves = [...dump.matchAll(/Leaf: Addr: 0x([0-9a-f]+), Size: 0x([0-9a-f]+), Codepage: 0/g)].map((m) => parseInt(m[2]!, 16));
    expect(leaves).toEqual([sample[2]!.data.length, sample[1]!.data.length, sample[0]!.data.length]);
    const stored = new DataView(dll.buffer).getUint32(0x40 + 24 + 64, true);
    expect(dump).toContain(`CheckSum\t\t${stored.toString(16).padStart(8, '0')}`);
  });
});

describe.skipIf(!hasGcc)(`peChecksum equals the checksum GNU ld writes (skipped: ${MINGW_GCC} not installed)`, () => {
  it('matches a freshly linked executable', () => {
    writeFileSync(join(work, 'tiny.c'), 'int main(void) { return 0; }\n');
    run(MINGW_GCC, ['-o', 'tiny.exe', 'tiny.c'], work);
    const exe = new Uint8Array(readFileSync(join(work, 'tiny.exe')));
    const at = new DataView(exe.buffer).getUint32(0x3c, true) + 24 + 64;
    const stored = new DataView(exe.buffer).getUint32(at, true);
    expect(stored).not.toBe(0);
    expect(peChecksum(exe, at)).toBe(stored);
  });
});

describe.skipIf(!hasKernelbase || !hasWinedump)("Wine's kernelbase.dll (skipped: Wine's PE DLLs or winedump not installed)", () => {
  it('yields the same message-table languages and texts as winedump', () => {
    const bytes = new Uint8Array(readFileSync(KERNELBASE));
    const tables = readPeResources(bytes).filter((r) => r.type === RT_MESSAGETABLE);
    const dump = run(WINEDUMP, ['-j', 'resource', KERNELBASE], work);
    const languages = [...dump.matchAll(/^ {2}MESSAGETABLE Name=0001 Language=([0-9a-f]{4}):/gm)].map((m) => parseInt(m[1]!, 16));
    expect(tables.map((t) => t.languageId)).toEqual(languages);
    expect(languages.length).toBeGreaterThan(10);
    const english = readMessageTable(tables.find((t) => t.languageId === 0x409)!.data).entries;
    expect(english.length).toBeGreaterThan(500);
    const section = dump.slice(dump.indexOf('MESSAGETABLE Name=0001 Language=0409:'));
    const lines = new Set(section.slice(0, 10 + section.slice(10).search(/\n {2}\S/)).split('\n'));
    const simple = english.filter((e) => /^[\x20-\x7e\r\n\t]*$/.test(e.text) && !/["\\]/.test(e.text));
    expect(simple.length).toBeGreaterThan(400);
    for (const e of simple) {
      const escaped = e.text.replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\t/g, '\\t');
      expect(lines.has(`    ${e.id.toString(16).padStart(8, '0')} L"${escaped}"`), `id 0x${e.id.toString(16)}`).toBe(true);
    }
  });
});

describe('readPeImage / readPeResources reject malformed images with a located error', () => {
  const good = writeMessageDll(sample, { machine: 'x64' });
  const patched = (at: number, value: number, size: 2 | 4 = 4) => {
    const b = good.slice();
    const v = new DataView(b.buffer);
    if (size === 2) v.setUint16(at, value, true);
    else v.setUint32(at, value, true);
    return b;
  };
  const optional = 0x40 + 4 + 20;
  const section = optional + 240;
  const read = (b: Uint8Array) => readPeResources(b);

  it.each([
    ['a file shorter than the DOS header', good.subarray(0, 10), 'file shorter than an IMAGE_DOS_HEADER (at byte offset 0x0)'],
    ['no MZ', patched(0, 0x4142, 2), "no 'MZ' signature in IMAGE_DOS_HEADER.e_magic (at byte offset 0x0)"],
    ['e_lfanew past the end', patched(0x3c, 0x7fffffff), 'e_lfanew 0x7fffffff points past the end of the file (at byte offset 0x3c)'],
    ['no PE signature', patched(0x40, 0), "no 'PE\\0\\0' signature where e_lfanew points (at byte offset 0x40)"],
    ['an unknown optional-header magic', patched(optional, 0x107, 2), 'optional header Magic 0x107 is neither PE32 (0x10b) nor PE32+ (0x20b) (at byte offset 0x58)'],
    ['a section table past the end', patched(0x40 + 4 + 2, 0xffff, 2), /section table of 65535 entries runs past the end of the file/],
    ['a resource RVA in no section', patched(optional + 112 + 16, 0x50000), 'resource directory at RVA 0x50000 lies in no section (at byte offset 0x0)'],
    ['raw data past the end of the file', patched(section + 20, 0x100000), /resource directory at RVA 0x1000 .* is not stored in the file \(section \.rsrc\)/],
    ['a directory pointing at itself', patched(0x200 + 16 + 4, 0x80000000), 'resource directory reached twice (shared or looping subdirectory) (at byte offset 0x200)'],
    ['a type entry pointing at data', patched(0x200 + 16 + 4, 0x58), 'resource type entry points at data instead of a directory (at byte offset 0x210)'],
    ['a language entry with a name', patched(0x200 + 0x40, 0x80000000), 'resource language entry has a name instead of a LANGID (at byte offset 0x240)'],
    ['data outside every section', patched(0x200 + 0x58, 0x90000), 'resource data of type 11, name 1 at RVA 0x90000 lies in no section (at byte offset 0x0)'],
    ['a data size past the section', patched(0x200 + 0x58 + 4, 0x10000), /resource data of type 11, name 1 at RVA 0x[0-9a-f]+ \(65536 bytes\) is not stored in the file/],
  ])('%s', (_what, bytes, message) => {
    expect(() => read(bytes)).toThrow(PeFormatError);
    expect(() => read(bytes)).toThrow(message);
  });

  it('never throws anything but PeFormatError on damaged input', () => {
    const small = writeMessageDll([sample[0]!], { machine: 'x86' });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: small.length }), fc.array(fc.tuple(fc.nat(0x2ff), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), (cut, edits) => {
        const bytes = small.slice(0, cut);
        for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value;
        try {
          read(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(PeFormatError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
