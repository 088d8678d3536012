// `winmc compile FILE.man` and bare `winmc FILE.man`: the input told by its content, mc.exe's
// manifest switches, where each output goes, and the refusals.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCompileArgs } from '../../src/cli/compile.js';
import { manifestOptions, manifestOutputDir } from '../../src/cli/compile-manifest.js';
import { readRes } from '../../src/rc-gen/res.js';
import { repoRoot, winmcBin } from '../support/paths.js';

const built = existsSync(join(repoRoot, 'dist/cli/main.js'));
if (!built) console.warn('test/cli/compile-manifest: dist/ missing, run npm run build; CLI runs skipped');

const MANIFEST = `<?xml version="1.0" encoding="UTF-8"?>
<instrumentationManifest xmlns="http://schemas.microsoft.com/win/2004/08/events" xmlns:win="http://manifests.microsoft.com/win/2004/08/windows/events">
  <instrumentation>
    <events>
      <provider name="Demo-Provider" guid="{0B3B7A2C-1D2E-4F50-8A9B-0C1D2E3F4A5B}" symbol="DEMO_PROVIDER" resourceFileName="demo.dll" messageFileName="demo.dll">
        <events>
          <event value="1" symbol="DemoStarted" level="win:Informational" message="$(string.Started)"/>
        </events>
      </provider>
    </events>
  </instrumentation>
  <localization>
    <resources culture="en-US">
      <stringTable>
        <string id="Started" value="Demo started."/>
      </stringTable>
    </resources>
  </localization>
</instrumentationManifest>
`;

let work: string;
function winmc(args: string[]) {
  const r = spawnSync(process.execPath, [winmcBin, ...args], { cwd: work, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'winmc-man-cli-'));
  writeFileSync(join(work, 'demo.man'), MANIFEST);
  // The same manifest under a name that says nothing, in UTF-16LE with a BOM.
  writeFileSync(join(work, 'demo16'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(MANIFEST.replace('UTF-8', 'UTF-16'), 'utf16le')]));
  writeFileSync(join(work, 'a.mc'), 'MessageId=1\r\nLanguage=English\r\nx\r\n.\r\n');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('manifest switches on the command line', () => {
  it('passes -z, -e, -b, -um/-km, -cs/-css and --compat to compileManifest', () => {
    const cmd = parseCompileArgs(['-km', '-z', 'x', '-e', 'hpp', '--compat', 'sdk-newest', 'in.man']);
    expect(cmd.errors).toEqual([]);
    expect(manifestOptions('in.man', cmd)).toEqual({ inputName: 'in.man', baseName: 'x', headerExtension: 'hpp', binPrefix: false, generation: 'sdk-newest', userMode: false, kernelMode: true });
    const p = parseCompileArgs(['-um', '-p', 'Log', '-cp', 'utf-8', '--ansi-codepage', '1251', 'in.man']);
    expect(manifestOptions('in.man', p)).toMatchObject({ userMode: true, writePrefix: 'Log', textEncoding: 'utf-8', ansiCodepage: 1251 });
    const cs = parseCompileArgs(['-css', 'My.Logging', 'in.man']);
    expect(manifestOptions('in.man', cs)).toMatchObject({ csharp: { namespace: 'My.Logging', staticClass: true }, generation: 'sdk10.0.16299' });
    expect(manifestOptions('in.man', parseCompileArgs(['in.man']))).not.toHaveProperty('baseName');
  });

  it('puts the header and the C# into -h, the rest into -r', () => {
    const cmd = parseCompileArgs(['-h', 'inc', '-r', 'res', 'in.man']);
    expect(['header', 'csharp', 'rc', 'bin', 'template'].map((k) => manifestOutputDir(k, cmd))).toEqual(['inc', 'inc', 'res', 'res', 'res']);
  });

  it('accepts -w and -W as mc.exe does (ignored), refuses the switches it does not implement with the reason', () => {
    expect(parseCompileArgs(['-w', 'eventman.xsd', '-W', 'winmeta.xml', 'in.man']).errors).toEqual([]);
    for (const s of ['-mof', '-co', '-generateProjections']) expect(parseCompileArgs([s, 'in.man']).errors.map((e) => e.code)).toEqual(['MC1002']);
    for (const s of ['-P', '-s', '-t']) expect(parseCompileArgs([s, 'v', 'in.man']).errors.map((e) => e.code)).toEqual(['MC1002']);
    expect(parseCompileArgs(['-cs', 'N', '-p', 'Log', 'in.man']).errors.map((e) => e.message)).toEqual(['-p with -cs/-css is refused: the C# methods are not renamed yet']);
  });
});

describe.skipIf(!built)('winmc FILE.man (skipped without a build)', () => {
  it('compiles a manifest told by its content, not its name, into -h and -r', () => {
    const r = winmc(['-um', '-h', 'inc', '-r', 'res', 'demo16']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(readdirSync(join(work, 'inc'))).toEqual(['demo16.h']);
    expect(readdirSync(join(work, 'res')).sort()).toEqual(['MSG00001.bin', 'demo16.rc', 'demo16TEMP.BIN']);
    expect(readFileSync(join(work, 'inc/demo16.h'), 'latin1')).toContain('DemoStarted');
  });

  it('compile -cs writes the .cs into the -h directory; -v lists the outputs', () => {
    const r = winmc(['compile', '-cs', 'Demo.Logging', '-v', '-h', 'cs', '-r', 'cs-res', 'demo.man']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(join('cs', 'demo.cs'));
    expect(readFileSync(join(work, 'cs/demo.cs'), 'latin1')).toContain('namespace Demo.Logging');
  });

  it('-p renames the logging macros', () => {
    expect(winmc(['-um', '-p', 'LogDemo', '-h', 'pfx', '-r', 'pfx', 'demo.man']).code).toBe(0);
    const header = readFileSync(join(work, 'pfx/demo.h'), 'latin1');
    expect(header).toContain('#define LogDemoDemoStarted(');
    expect(header).not.toContain('#define EventWriteDemoStarted(');
  });

  it('--res carries the message table and the WEVT_TEMPLATE', () => {
    expect(winmc(['-h', 'p', '-r', 'p', '--res', 'p/demo.res', 'demo.man']).code).toBe(0);
    const types = readRes(readFileSync(join(work, 'p/demo.res'))).map((e) => e.type);
    expect(types).toEqual([11, 'WEVT_TEMPLATE']);
  });

  it('each kind refuses the other kind\'s switches, exit 2, nothing written', () => {
    const mcSwitch = winmc(['-d', '-h', 'no1', 'demo.man']);
    expect([mcSwitch.code, mcSwitch.stderr]).toEqual([2, 'winmc : error MC1001: -d applies to message text files only, and demo.man is an instrumentation manifest\n']);
    const manSwitch = winmc(['-um', '-h', 'no2', 'a.mc']);
    expect([manSwitch.code, manSwitch.stderr]).toEqual([2, 'winmc : error MC1002: -um applies to instrumentation manifests only, and a.mc is a message text file\n']);
    expect(existsSync(join(work, 'no1')) || existsSync(join(work, 'no2'))).toBe(false);
  });

  it('a manifest with errors: located diagnostics, exit 1, nothing written', () => {
    writeFileSync(join(work, 'bad.man'), MANIFEST.replace('$(string.Started)', '$(string.Missing)'));
    const r = winmc(['-h', 'bad', '-r', 'bad', 'bad.man']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^bad\.man\(\d+,\d+\) : error MC2\d{3}: /);
    expect(existsSync(join(work, 'bad'))).toBe(false);
  });
});

describe('startsLikeXml: the cheap test before the manifest parser is loaded', () => {
  const utf16 = (s: string, be = false) => {
    const le = Buffer.from(s, 'utf16le');
    return be ? Buffer.from(le.map((_, i) => le[i ^ 1]!)) : le;
  };
  it('finds a < after a BOM and white space, in UTF-8 and UTF-16 either way round', async () => {
    const { startsLikeXml } = await import('../../src/cli/compile.js');
    const cases: [Uint8Array, boolean][] = [
      [Buffer.from('<?xml?>'), true],
      [Buffer.from('\ufeff  \r\n<x/>'), true],
      [Buffer.concat([Buffer.from([0xff, 0xfe]), utf16(' <x/>')]), true],
      [Buffer.concat([Buffer.from([0xfe, 0xff]), utf16('<x/>', true)]), true],
      [utf16('\r\n<x/>'), true],
      [utf16(' <x/>', true), true],
      [Buffer.from('MessageId=1\r\n'), false],
      [Buffer.from('; <comment>\r\n'), false],
      [new Uint8Array(0), false],
    ];
    for (const [bytes, want] of cases) expect(startsLikeXml(bytes)).toBe(want);
  });
});
