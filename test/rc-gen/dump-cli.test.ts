import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readMessageTable, writeMessageTable } from '../../src/rc-gen/message-table.js';
import { readPeResources, writeResourceDll } from '../../src/rc-gen/pe.js';
import { corpusRoot, hasCorpus, repoRoot, tempDir } from './peers.js';

const winmc = join(repoRoot, 'bin', 'winmc.js');
const built = existsSync(join(repoRoot, 'dist', 'cli', 'main.js'));
if (!built) console.warn('dump-cli.test: dist/ is missing; run `npm run build` (npm test does) — the CLI tests are skipped');
const KERNELBASE = '/usr/lib/x86_64-linux-gnu/wine/x86_64-windows/kernelbase.dll';
const NSSM = join(corpusRoot, 'mc', 'bitforgebr__nssm__messages');

const work = tempDir('dump');
afterAll(() => rmSync(work, { recursive: true, force: true }));

function cli(args: string[], cwd = work) {
  const r = spawnSync(process.execPath, [winmc, ...args], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!built)('winmc dump: arguments and bad input (skipped without a build)', () => {
  it('rejects unknown switches and a missing file name with exit code 2', () => {
    expect(cli(['dump', 'x.dll', '--frob'])).toMatchObject({ code: 2, stderr: 'winmc : error MC1001: unknown switch --frob\n' });
    expect(cli(['dump'])).toMatchObject({ code: 2, stderr: 'winmc : error MC1001: no input file: winmc dump [options] FILE...\n' });
    expect(cli(['dump', '--as', 'rc', 'x.dll']).stderr).toContain("--as takes mc or man, not 'rc'");
    expect(cli(['dump', '--codepage', '99999', 'x.dll'])).toMatchObject({ code: 2, stderr: 'winmc : error MC1005: --codepage: code page 99999 is not known\n' });
  });

  it('reports a PE file without message tables as such', () => {
    writeFileSync(join(work, 'rcdata.dll'), writeResourceDll([{ type: 10, name: 1, languageId: 0, codepage: 0, data: new Uint8Array(4) }], { machine: 'x86' }));
    expect(cli(['dump', 'rcdata.dll'])).toMatchObject({ code: 0, stdout: 'rcdata.dll: PE32 image for x86, 0 message tables\n' });
    expect(JSON.parse(cli(['dump', '--json', 'rcdata.dll']).stdout)).toEqual({ files: [{ file: 'rcdata.dll', format: 'pe', machine: 'x86', tables: [] }] });
    expect(cli(['dump', '--as', 'mc', 'rcdata.dll'])).toMatchObject({ code: 1, stderr: 'winmc : error MC3003: rcdata.dll: no message tables to write\n' });
  });

  it('decodes ANSI texts with --codepage and marks them', () => {
    const table = writeMessageTable([{ id: 7, text: '\u0416\r\n', unicode: false }], 1251);
    writeFileSync(join(work, 'MSG00419.bin'), table);
    const r = cli(['dump', '--codepage', '1251', 'MSG00419.bin']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe('MSG00419.bin: message table (.bin), 1 message table\n  language 0x0419 (from the file name): 1 message\n    0x00000007 [ANSI]  \u0416\\r\\n\n');
  });

  it('names an unreadable file', () => {
    const r = cli(['dump', 'missing.dll']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^winmc : error MC1003: .*missing\.dll/);
  });

  it('names the file and the offset of a malformed table', () => {
    writeFileSync(join(work, 'bad.bin'), new Uint8Array([5, 0, 0, 0, 1, 0, 0, 0]));
    expect(cli(['dump', 'bad.bin'])).toMatchObject({
      code: 1,
      stderr: 'winmc : error MC3001: bad.bin: NumberOfBlocks 5 does not fit in 8 bytes (at byte offset 0x0)\n',
    });
  });
});

describe.skipIf(!built || !hasCorpus)('compile --dll/--res, dump, dump --as mc, compile again (skipped without a build or the corpus)', () => {
  const out = join(work, 'nssm');
  const expectedBins = hasCorpus ? ['MSG00409.bin', 'MSG0040C.bin', 'MSG00410.bin'].map((f) => readFileSync(join(NSSM, 'expected', f))) : [];
  const languages = [0x409, 0x40c, 0x410];

  it('compiles the nssm sample into a DLL and a .res', () => {
    mkdirSync(out, { recursive: true });
    const r = cli(['compile', '-r', out, '-h', out, '--res', join(out, 'nssm.res'), '--dll', join(out, 'nssm.dll'), join(NSSM, 'input', 'messages.mc')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const leaves = readPeResources(readFileSync(join(out, 'nssm.dll')));
    expect(leaves.map((l) => l.languageId)).toEqual(languages);
  });

  it('dump lists every table of the DLL with its language, ids and texts', () => {
    const r = cli(['dump', join(out, 'nssm.dll')]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`${join(out, 'nssm.dll')}: PE32+ image for x64, 3 message tables`);
    languages.forEach((lang, i) => {
      const entries = readMessageTable(expectedBins[i]!).entries;
      expect(lines).toContain(`  language 0x${lang.toString(16).toUpperCase().padStart(4, '0')}, resource 1: ${entries.length} messages`);
      const escaped = entries[2]!.text.replace(/\\/g, '\\\\').replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\t/g, '\\t');
      expect(lines).toContain(`    0x${entries[2]!.id.toString(16).toUpperCase().padStart(8, '0')}  ${escaped}`);
    });
  });

  it('dump --json of the .res carries the exact texts', () => {
    const r = cli(['dump', '--json', join(out, 'nssm.res')]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { files: { format: string; tables: { languageId: number; messages: { id: number; text: string; unicode: boolean }[] }[] }[] };
    expect(json.files[0]!.format).toBe('res');
    expect(json.files[0]!.tables.map((t) => t.languageId)).toEqual(languages);
    json.files[0]!.tables.forEach((t, i) => {
      expect(t.messages.map((m) => [m.id, m.text, m.unicode])).toEqual(readMessageTable(expectedBins[i]!).entries.map((e) => [e.id, e.text, true]));
    });
  });

  it.each(['nssm.dll', 'nssm.res'])('dump %s --as mc, then compile: the same .bin files as mc.exe', (file) => {
    const again = join(out, `again-${file}`);
    const dumped = cli(['dump', '--as', 'mc', '-o', join(out, `${file}.mc`), join(out, file)]);
    expect(dumped).toMatchObject({ code: 0, stderr: '' });
    mkdirSync(again, { recursive: true });
    expect(cli(['compile', '-r', again, '-h', again, join(out, `${file}.mc`)])).toMatchObject({ code: 0, stderr: '' });
    ['MSG00409.bin', 'MSG0040C.bin', 'MSG00410.bin'].forEach((name, i) => {
      expect(readFileSync(join(again, name)).equals(expectedBins[i]!), name).toBe(true);
    });
  });

  it('dump --as mc of several .bin files takes the languages from their names', () => {
    const mcPath = join(out, 'two.mc');
    const r = cli(['dump', '--as', 'mc', '-o', mcPath, ...['MSG00409.bin', 'MSG0040C.bin'].map((f) => join(NSSM, 'expected', f))]);
    expect(r.code).toBe(0);
    const bytes = readFileSync(mcPath);
    expect([bytes[0], bytes[1]], 'French text needs a UTF-16LE .mc with a BOM').toEqual([0xff, 0xfe]);
    const text = bytes.subarray(2).toString('utf16le');
    expect(text).toContain('\r\n    Language0409=0x0409:MSG00409\r\n    Language040C=0x040C:MSG0040C\r\n');
  });
});

describe.skipIf(!built || !existsSync(KERNELBASE))("winmc dump of Wine's kernelbase.dll (skipped without a build or Wine's PE DLLs)", () => {
  it('prints its tables', () => {
    const r = cli(['dump', KERNELBASE]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n', 1)[0]).toBe(`${KERNELBASE}: PE32+ image for x64, 33 message tables`);
    expect(r.stdout).toMatch(/^ {2}language 0x0409, resource 1: \d+ messages$/m);
    expect(r.stdout).toContain('    0x00000002  File not found.\\n\n');
  });

  it('--as mc refuses texts an .mc cannot hold; --lossy writes them with CR LF line ends', () => {
    const strict = cli(['dump', '--as', 'mc', KERNELBASE]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toBe('');
    expect(strict.stderr).toContain(`${KERNELBASE} : error MC3002: message 0x00000000: has a line break other than CR LF`);

    const mcPath = join(work, 'kernelbase.mc');
    const lossy = cli(['dump', '--as', 'mc', '--lossy', '-o', mcPath, KERNELBASE]);
    expect(lossy.code).toBe(0);
    expect(lossy.stderr).toContain(`${KERNELBASE} : warning MC3002:`);
    const again = join(work, 'kernelbase');
    mkdirSync(again, { recursive: true });
    expect(cli(['compile', '-r', again, '-h', again, mcPath]).code).toBe(0);

    const original = readPeResources(readFileSync(KERNELBASE)).filter((r) => r.type === 11);
    expect(readdirSync(again).filter((f) => f.endsWith('.bin'))).toHaveLength(original.length);
    for (const table of original) {
      const name = `MSG${table.languageId.toString(16).toUpperCase().padStart(5, '0')}.bin`;
      const back = readMessageTable(readFileSync(join(again, name))).entries;
      const want = readMessageTable(table.data).entries.map((e) => [e.id, e.text.replace(/\r\n|\r|\n/g, '\r\n')]);
      expect(back.map((e) => [e.id, e.text]), name).toEqual(want);
    }
  });
});
