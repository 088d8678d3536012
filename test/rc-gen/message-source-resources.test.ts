import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MessageSourceError, findMessage, loadMessageTables } from '../../src/rc-gen/message-source.js';
import { writeMessageTable } from '../../src/rc-gen/message-table.js';
import { writeMessageDll } from '../../src/rc-gen/pe.js';
import { writeRes } from '../../src/rc-gen/res.js';
import { tempDir } from './peers.js';

const work = tempDir('msgsrc');
afterAll(() => rmSync(work, { recursive: true, force: true }));
const KERNELBASE = '/usr/lib/x86_64-linux-gnu/wine/x86_64-windows/kernelbase.dll';

const english = writeMessageTable([
  { id: 1, text: 'Hello %1\r\n', unicode: true },
  { id: 0xc0000002, text: 'Failed\r\n', unicode: true },
]);
const french = writeMessageTable([{ id: 1, text: 'Bonjour %1\r\n', unicode: true }]);
const tables = [
  { languageId: 0x40c, data: french },
  { languageId: 0x409, data: english },
];

describe('loadMessageTables reads .res and PE files', () => {
  it.each([
    ['messages.res', writeRes(tables), [0x40c, 0x409]],
    ['messages.dll', writeMessageDll(tables, { machine: 'x64' }), [0x409, 0x40c]],
    ['driver.sys', writeMessageDll(tables, { machine: 'arm64' }), [0x409, 0x40c]],
    ['no-extension', writeMessageDll(tables, { machine: 'x86' }), [0x409, 0x40c]],
  ])('%s', async (name, bytes, languages) => {
    const path = join(work, name);
    writeFileSync(path, bytes);
    const sets = await loadMessageTables(path);
    expect(sets.map((s) => s.languageId)).toEqual(languages);
    expect(findMessage(sets, 1, 0x40c)).toBe('Bonjour %1\r\n');
    expect(findMessage(sets, 0xc0000002)).toBe('Failed\r\n');
    expect(sets[0]!.origin).toMatch(new RegExp(`^${name} \\(language 0x0`));
  });

  it('names the file and the offset of a malformed DLL', async () => {
    const dll = writeMessageDll(tables, { machine: 'x64' });
    new DataView(dll.buffer).setUint32(0x200 + 16 + 4, 0x80000000, true);
    const path = join(work, 'broken.dll');
    writeFileSync(path, dll);
    await expect(loadMessageTables(path)).rejects.toThrow(MessageSourceError);
    await expect(loadMessageTables(path)).rejects.toThrow('broken.dll: resource directory reached twice (shared or looping subdirectory) (at byte offset 0x200)');
  });

  it('names the file and the fault of a .dll or .res that is not one', async () => {
    const path = join(work, 'text.dll');
    writeFileSync(path, 'not a DLL at all, just some text, long enough to hold an IMAGE_DOS_HEADER\n');
    await expect(loadMessageTables(path)).rejects.toThrow(/^text\.dll: no 'MZ' signature/);
    const res = join(work, 'text.res');
    writeFileSync(res, 'not a .res either, and long enough for a header\n');
    await expect(loadMessageTables(res)).rejects.toThrow(/^text\.res: resource 0: HeaderSize \d+ is not a valid header size/);
  });

  it.skipIf(!existsSync(KERNELBASE))("reads Wine's kernelbase.dll (skipped: Wine's PE DLLs not installed)", async () => {
    const sets = await loadMessageTables(KERNELBASE);
    expect(sets.length).toBeGreaterThan(10);
    expect(findMessage(sets, 2, 0x409)).toBe('File not found.\n');
  });
});
