// `winmc dump` of event templates, through bin/winmc.js (needs `npm run build`): a TEMP.BIN, a .res
// and a DLL with a WEVT_TEMPLATE are listed; --as man writes a manifest that `winmc compile`
// turns back into the same TEMP.BIN and MSG*.bin; malformed templates are named by file, block
// and offset; an inexact round trip is reported as warnings.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeCrim, readCrim } from '../../src/manifest/crim.js';
import { writeResEntries } from '../../src/rc-gen/res.js';
import { corpusRoot, repoRoot } from '../support/paths.js';

const winmc = join(repoRoot, 'bin', 'winmc.js');
const built = existsSync(join(repoRoot, 'dist', 'cli', 'main.js'));
if (!built) console.warn('dump-cli.test (manifest): dist/ is missing; run `npm run build` — the CLI tests are skipped');
const work = mkdtempSync(join(tmpdir(), 'winmc-dump-man-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function cli(args: string[], cwd = work) {
  const r = spawnSync(process.execPath, [winmc, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const bytes = (f: string) => new Uint8Array(readFileSync(join(work, f)));

const MAN = `<?xml version="1.0" encoding="UTF-8"?>
<instrumentationManifest xmlns="http://schemas.microsoft.com/win/2004/08/events" xmlns:win="http://manifests.microsoft.com/win/2004/08/windows/events">
 <instrumentation><events>
  <provider name="Contoso-Dump" guid="{0A0B0C0D-1111-2222-3333-444455556666}" symbol="DUMP" resourceFileName="d.dll" messageFileName="d.dll" message="$(string.prov)">
   <channels><channel name="Contoso-Dump/Operational" chid="op" type="Operational" message="$(string.op)"/></channels>
   <tasks><task name="Copy" value="3" message="$(string.copy)"/></tasks>
   <keywords><keyword name="Disk" mask="0x2" message="$(string.disk)"/></keywords>
   <maps><valueMap name="Result"><map value="0" message="$(string.ok)"/><map value="1" message="$(string.failed)"/></valueMap></maps>
   <templates><template tid="t"><data name="Size" inType="win:UInt64"/><data name="Result" inType="win:UInt32" map="Result"/><data name="Path" inType="win:UnicodeString"/></template></templates>
   <events>
    <event value="10" channel="op" level="win:Informational" task="Copy" opcode="win:Start" keywords="Disk" template="t" message="$(string.started)"/>
    <event value="11" version="2" channel="op" level="win:Error" task="Copy" opcode="win:Stop" template="t" message="$(string.done)"/>
   </events>
  </provider>
 </events></instrumentation>
 <localization><resources culture="en-US"><stringTable>
  <string id="prov" value="Dump demo"/><string id="op" value="Operational"/><string id="copy" value="Copy"/><string id="disk" value="Disk"/>
  <string id="ok" value="OK"/><string id="failed" value="Failed"/><string id="started" value="Copying %3 (%1 bytes)"/><string id="done" value="Copied %3: %2"/>
 </stringTable></resources></localization>
</instrumentationManifest>
`;

describe.skipIf(!built)('winmc dump of event templates (skipped without a build)', () => {
  it('compiles the sample manifest into a TEMP.BIN, a table, a .res and a DLL', () => {
    writeFileSync(join(work, 'demo.man'), MAN);
    const r = cli(['compile', '-um', '-r', 'a', '-h', 'a', '--res', 'a/demo.res', '--dll', 'a/demo.dll', 'demo.man']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(existsSync(join(work, 'a', 'demoTEMP.BIN'))).toBe(true);
  });

  it('lists a TEMP.BIN with the texts of --messages', () => {
    const r = cli(['dump', 'a/demoTEMP.BIN', '--messages', 'a/MSG00001.bin']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('a/demoTEMP.BIN: event template (CRIM 5.1, TEMP.BIN), 1 provider, texts from language 0x0409');
    expect(lines[1]).toBe('  provider 0 {0A0B0C0D-1111-2222-3333-444455556666} Contoso-Dump: message 0x90000001 "Dump demo"');
    expect(lines).toContain('    channel 16 Contoso-Dump/Operational: message 0x90000002 "Operational"');
    expect(lines).toContain('    task 3 Copy: message 0x70000003 "Copy"');
    expect(lines).toContain('    keyword 0x0000000000000002 Disk: message 0x10000002 "Disk"');
    expect(lines).toContain('    valueMap Result: 2 items');
    expect(lines).toContain('      0x00000001: message 0xD0000002 "Failed"');
    expect(lines).toContain('      Result: in win:UInt32, out xs:unsignedInt, map Result');
    expect(lines).toContain(
      '    event 11 version 2: channel Contoso-Dump/Operational (16), level win:Error (2), task Copy (3), opcode win:Stop (2), keywords 0x8000000000000000, template 0; message 0xB002000B "Copied %3: %2"',
    );
    // Without tables: ids only.
    expect(cli(['dump', 'a/demoTEMP.BIN']).stdout).toContain('task 3 Copy: message 0x70000003\n');
  });

  it('lists the tables and then the WEVT_TEMPLATE of a DLL and of a .res, in text and JSON', () => {
    for (const [file, head] of [
      ['a/demo.dll', 'a/demo.dll: PE32+ image for x64, 1 message table'],
      ['a/demo.res', 'a/demo.res: Win32 .res file, 1 message table'],
    ] as const) {
      const r = cli(['dump', file]);
      expect(r).toMatchObject({ code: 0, stderr: '' });
      expect(r.stdout.startsWith(`${head}\n  language 0x0409, resource 1: `)).toBe(true);
      expect(r.stdout).toContain(`\n${file}: event template (CRIM 5.1, WEVT_TEMPLATE resource 1, language 0x0409), 1 provider, texts from language 0x0409\n`);
      expect(r.stdout).toContain('message 0xB000000A "Copying %3 (%1 bytes)"');
    }
    const j = JSON.parse(cli(['dump', '--json', 'a/demo.dll', 'a/demoTEMP.BIN']).stdout);
    expect(j.files.map((f: { format: string }) => f.format)).toEqual(['pe', 'crim']);
    expect(j.files[0].tables[0].messages.length).toBeGreaterThan(0);
    expect(j.files[0].templates[0].resource).toEqual({ name: 1, languageId: 0x409 });
    expect(j.files[1].templates[0].providers[0].keywords[0]).toEqual({ name: 'Disk', mask: '0x0000000000000002', messageId: 0x10000002 });
  });

  it('--as man writes a manifest that compiles back to the same TEMP.BIN and table (from a TEMP.BIN, a .res, a DLL)', () => {
    for (const [i, args] of [['a/demoTEMP.BIN', '--messages', 'a/MSG00001.bin'], ['a/demoTEMP.BIN', 'a/MSG00001.bin'], ['a/demo.res'], ['a/demo.dll']].entries()) {
      const r = cli(['dump', '--as', 'man', '-o', `back${i}.man`, ...args]);
      expect(r).toMatchObject({ code: 0, stderr: '' });
      mkdirSync(join(work, `b${i}`), { recursive: true });
      const c = cli(['compile', '-um', '-z', 'demo', '-r', `b${i}`, '-h', `b${i}`, `back${i}.man`]);
      expect(c).toMatchObject({ code: 0, stderr: '' });
      expect(bytes(`b${i}/demoTEMP.BIN`)).toEqual(bytes('a/demoTEMP.BIN'));
      expect(bytes(`b${i}/demo_MSG00001.bin`)).toEqual(bytes('a/MSG00001.bin'));
    }
    // To standard output, and without tables: same template, empty strings, a note.
    const bare = cli(['dump', '--as', 'man', 'a/demoTEMP.BIN']);
    expect(bare.code).toBe(0);
    const blank = (t: string) => t.replace(/(<string id="[^"]*" value=")[^"]*"/g, '$1"');
    expect(bare.stdout).not.toBe(readFileSync(join(work, 'back0.man'), 'utf8'));
    expect(bare.stdout).toBe(blank(readFileSync(join(work, 'back0.man'), 'utf8')));
    expect(bare.stderr).toBe("winmc: no message tables given (the MSGnnnnn.bin files, or --messages): the manifest's strings are empty\n");
  });

  it('a .res and a DLL with two cultures come back byte for byte (the template keeps the last culture\'s language)', () => {
    const de = '<resources culture="de-DE"><stringTable><string id="prov" value="Demo"/><string id="op" value="Betrieb"/><string id="copy" value="Kopie"/></stringTable></resources>';
    writeFileSync(join(work, 'two.man'), MAN.replace('</stringTable></resources></localization>', `</stringTable></resources>${de}</localization>`));
    expect(cli(['compile', '-um', '-r', 'c', '-h', 'c', '--res', 'c/two.res', '--dll', 'c/two.dll', 'two.man']).code).toBe(0);
    for (const kind of ['res', 'dll']) {
      expect(cli(['dump', '--as', 'man', '-o', `two-${kind}.man`, `c/two.${kind}`])).toMatchObject({ code: 0, stderr: '' });
      const r = cli(['compile', '-um', '-z', 'two', '-r', `d-${kind}`, '-h', `d-${kind}`, '--res', `d-${kind}/two.res`, '--dll', `d-${kind}/two.dll`, `two-${kind}.man`]);
      expect(r.code).toBe(0);
      for (const f of ['two.res', 'two.dll', 'twoTEMP.BIN']) expect(bytes(`d-${kind}/${f}`)).toEqual(bytes(`c/${f}`));
    }
  });

  it('names the file, block and offset of a malformed template (MC3004)', () => {
    const temp = bytes('a/demoTEMP.BIN');
    writeFileSync(join(work, 'short.BIN'), temp.subarray(0, 100));
    expect(cli(['dump', 'short.BIN'])).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `short.BIN : error MC3004: CRIM: size ${temp.length - 2} exceeds the file (100 bytes) (at file offset 0x4)\n`,
    });
    const bad = temp.slice();
    bad.set([0x58, 0x58, 0x58, 0x58], new DataView(bad.buffer).getUint32(16 + 16, true)); // the WEVT tag of the provider
    const res = writeResEntries([{ type: 'WEVT_TEMPLATE', name: 1, languageId: 0x409, memoryFlags: 0x30, dataVersion: 0, version: 0, characteristics: 0, data: bad }]);
    writeFileSync(join(work, 'bad.res'), res);
    const r = cli(['dump', 'bad.res']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('bad.res : error MC3004: WEVT_TEMPLATE resource 1, language 0x0409: WEVT {0A0B0C0D-1111-2222-3333-444455556666}: expected tag WEVT (at offset 0x24 of the resource)\n');
  });

  it('--as man: no template or several (MC3005), a round trip that cannot be exact (MC3006 warnings, still written)', () => {
    expect(cli(['dump', '--as', 'man', 'a/MSG00001.bin'])).toMatchObject({ code: 1, stderr: 'winmc : error MC3005: a/MSG00001.bin: no event template (a TEMP.BIN or a WEVT_TEMPLATE resource)\n' });
    expect(cli(['dump', '--as', 'man', 'a/demoTEMP.BIN', 'a/demo.dll']).stderr).toContain('2 event templates; --as man writes one');
    expect(cli(['dump', '--json', '--as', 'man', 'a/demo.dll'])).toMatchObject({ code: 2, stderr: 'winmc : error MC1001: --json and --as man exclude each other\n' });
    const crim = readCrim(bytes('a/demoTEMP.BIN'));
    crim.providers[0]!.events[0]!.messageId = 0xb0000777;
    writeFileSync(join(work, 'oddTEMP.BIN'), encodeCrim(crim));
    const r = cli(['dump', '--as', 'man', '-o', 'odd.man', 'oddTEMP.BIN', '--messages', 'a/MSG00001.bin']);
    expect(r.code).toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(
      /^oddTEMP\.BIN : warning MC3006: EVNT of \{0A0B0C0D-1111-2222-3333-444455556666\}, event 10 version 0: message id 0xB0000777 cannot be produced: mc numbers this item's string 0xB000000A, and no earlier item has 0xB0000777 \(manifest line \d+\)$/,
    );
    expect(lines[lines.length - 1]).toBe('winmc : warning MC3006: the manifest does not compile back to the same template and tables');
    const line = Number(/manifest line (\d+)/.exec(lines[0]!)![1]);
    expect(readFileSync(join(work, 'odd.man'), 'utf8').split('\r\n')[line - 1]).toContain('<event value="10"');
  });
});

const WPF = join(corpusRoot, 'man', 'gix__event-trace-kit__wpf-etw__mc8.1', 'expected');
describe.skipIf(!built || !existsSync(WPF))('winmc dump --as man of an mc.exe 8.1 TEMP.BIN (skipped without a build or the corpus)', () => {
  it('compiles back with --compat sdk8.1 to mc.exe bytes', () => {
    const r = cli(['dump', '--as', 'man', '-o', 'wpf.man', join(WPF, 'xTEMP.BIN'), join(WPF, 'x_MSG00001.bin')]);
    expect(r).toMatchObject({ code: 0, stderr: 'winmc: a CRIM 3.1 template: compile the manifest with --compat sdk8.1 to get it back\n' });
    mkdirSync(join(work, 'wpf'), { recursive: true });
    expect(cli(['compile', '-um', '--compat', 'sdk8.1', '-z', 'x', '-r', 'wpf', '-h', 'wpf', 'wpf.man'])).toMatchObject({ code: 0, stderr: '' });
    expect(bytes('wpf/xTEMP.BIN')).toEqual(new Uint8Array(readFileSync(join(WPF, 'xTEMP.BIN'))));
    expect(bytes('wpf/x_MSG00001.bin')).toEqual(new Uint8Array(readFileSync(join(WPF, 'x_MSG00001.bin'))));
  });
});
