// `winmc dump` given a file that is no .bin, .res or PE says what the file is (issue 15) instead of
// reading the text as a message table with a nonsense block count.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeFileKind } from '../../src/cli/file-kind.js';
import { compileMc } from '../../src/mc/compile.js';
import { writeRes } from '../../src/rc-gen/res.js';
import { repoRoot, winmcBin } from '../support/paths.js';
import { evtFile } from '../support/evt-file.js';

const example = (name: string) => readFileSync(join(repoRoot, 'examples', name));
const utf16 = (s: string, bom: boolean) => Buffer.concat([Buffer.from(bom ? [0xff, 0xfe] : []), Buffer.from(s, 'utf16le')]);

describe('describeFileKind', () => {
  it('names the kinds winmc knows and common others', () => {
    expect(describeFileKind(example('app.mc'))).toMatch(/^a message text file \(\.mc\)/);
    expect(describeFileKind(utf16(';// x\r\nMessageId=1\r\n', true))).toMatch(/^a message text file/);
    expect(describeFileKind(utf16('MessageId=1\r\n', false))).toMatch(/^a message text file/);
    expect(describeFileKind(example('provider.man'))).toMatch(/^an instrumentation manifest/);
    expect(describeFileKind(evtFile([]))).toMatch(/^an \.evt event log/);
    expect(describeFileKind(Buffer.from('ElfFile\0rest'))).toMatch(/^an \.evtx event log/);
    expect(describeFileKind(Buffer.from('<html><body/></html>'))).toBe('an XML or HTML document');
    expect(describeFileKind(Buffer.from('hello\n'))).toBe('a text file');
    expect(describeFileKind(new Uint8Array(0))).toBe('an empty file');
    expect(describeFileKind(Buffer.from('\x7fELF\x02\x01'))).toBe('an ELF executable');
  });

  it('leaves message tables, .res and PE files (and unknown binaries) to their readers', () => {
    const bin = compileMc(example('app.mc')).files.find((f) => f.kind === 'bin')!.bytes;
    expect(describeFileKind(bin)).toBeUndefined();
    expect(describeFileKind(writeRes([{ languageId: 0x409, data: bin }]))).toBeUndefined();
    expect(describeFileKind(Uint8Array.of(0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0))).toBeUndefined();
    expect(describeFileKind(Uint8Array.of(1, 2, 3, 0, 0xff))).toBeUndefined();
  });
});

const built = existsSync(join(repoRoot, 'dist', 'cli', 'file-kind.js'));
describe.skipIf(!built)(`winmc dump of another kind of file${built ? '' : ' (skipped: run npm run build first)'}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'winmc-file-kind-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('an .mc, a manifest and an event log are named, exit 1', () => {
    const evt = join(dir, 'System.evt');
    writeFileSync(evt, evtFile([]));
    for (const [path, kind] of [
      [join(repoRoot, 'examples', 'app.mc'), 'a message text file (.mc): winmc compile compiles it; dump reads the .bin, .res or DLL it compiles to'],
      [join(repoRoot, 'examples', 'provider.man'), 'an instrumentation manifest (winmc compile compiles it; dump reads the BASETEMP.BIN, .res or DLL it compiles to)'],
      [evt, 'an .evt event log (winmc events reads it)'],
    ] as const) {
      const r = spawnSync(process.execPath, [winmcBin, 'dump', path], { encoding: 'utf8' });
      expect([r.status, r.stdout, r.stderr]).toEqual([1, '', `winmc : error MC3001: ${path}: not a message table (.bin), .res or PE file: ${kind}\n`]);
    }
  });
});
