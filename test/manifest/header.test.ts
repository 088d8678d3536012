// The manifest-mode C header (sdk10.0.16299 and sdk-newest) against every corpus case of those
// generations that kept mc.exe's header, plus the naming and mangling rules on small inputs.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventKeywordMask, guidInitializer, guidText, mangleField, sanitizeIdentifier } from '../../src/manifest/codegen.js';
import { isManifestGeneration, type ManifestGeneration } from '../../src/manifest/generation.js';
import { renderManifestHeader } from '../../src/manifest/header.js';
import { renderOlderManifestHeader } from '../../src/manifest/header-older.js';
import { assignMessageIds } from '../../src/manifest/message-ids.js';
import type { Manifest, TemplateField } from '../../src/manifest/model.js';
import { parseGuid, parseManifest } from '../../src/manifest/parse.js';
import { corpusRoot, corpusSkipNote } from '../support/paths.js';

const manDir = join(corpusRoot, 'man');
const hasManCorpus = existsSync(manDir);
const NEWER: readonly ManifestGeneration[] = ['sdk10.0.16299', 'sdk-newest'];

interface HeaderCase {
  name: string;
  input: string;
  headerFile: string;
  generation: ManifestGeneration;
  baseName: string;
  userMode: boolean;
  kernelMode: boolean;
}

function headerCases(): HeaderCase[] {
  const out: HeaderCase[] = [];
  for (const name of readdirSync(manDir).sort()) {
    const c = JSON.parse(readFileSync(join(manDir, name, 'case.json'), 'utf8')) as { args: string[]; input: string; expected: string[]; generation: string };
    if (!isManifestGeneration(c.generation) || !NEWER.includes(c.generation)) continue;
    const headerFile = c.expected.find((f) => f.toLowerCase().endsWith('.h'));
    if (!headerFile) continue;
    const z = c.args.indexOf('-z');
    out.push({
      name,
      input: c.input,
      headerFile,
      generation: c.generation,
      baseName: z >= 0 ? c.args[z + 1]! : c.input.replace(/\.[^.]*$/, ''),
      userMode: c.args.includes('-um'),
      kernelMode: c.args.includes('-km'),
    });
  }
  return out;
}

function load(bytes: Uint8Array): Manifest {
  const r = parseManifest(bytes, 'input.man');
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  assignMessageIds(r.manifest!);
  return r.manifest!;
}

const MINIMAL = (events: string, templates = '', extra = '') =>
  new TextEncoder().encode(`<?xml version="1.0"?>
<instrumentationManifest xmlns="http://schemas.microsoft.com/win/2004/08/events" xmlns:win="http://manifests.microsoft.com/win/2004/08/windows/events">
  <instrumentation><events>
    <provider name="My-Provider" guid="{00000000-0000-0000-0000-000000000001}" symbol="MyProv" resourceFileName="a.dll" messageFileName="a.dll">
      ${extra}
      <templates>${templates}</templates>
      <events>${events}</events>
    </provider>
  </events></instrumentation>
</instrumentationManifest>`);

const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');

describe('codegen rules', () => {
  it('sanitizes identifiers as mc.exe does: leading digits and non-identifier characters become _', () => {
    expect(sanitizeIdentifier('ProviderName1{646E035B+4651)')).toBe('ProviderName1_646E035B_4651_');
    expect(sanitizeIdentifier('12ab.c')).toBe('__ab_c');
    expect(sanitizeIdentifier('ns1:Task')).toBe('ns1_Task');
  });

  it('formats GUIDs in registry and initializer form', () => {
    const g = parseGuid('{D0883FA6-F3FD-43C3-A0E4-000000000001}')!;
    expect(guidText(g)).toBe('d0883fa6-f3fd-43c3-a0e4-000000000001');
    expect(guidInitializer(g)).toBe('{0xd0883fa6, 0xf3fd, 0x43c3, {0xa0, 0xe4, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01}}');
  });

  it('mangles template fields (type code, upper case for arrays, counts and lengths)', () => {
    const data = (inType: string, count?: number | [number], length?: number | [number]): TemplateField => ({
      kind: 'data',
      name: 'F',
      inType: { text: `win:${inType}`, name: inType, value: 0 },
      count: count === undefined ? undefined : typeof count === 'number' ? { kind: 'fixed', value: count, text: String(count) } : { kind: 'field', name: 'x', index: count[0] },
      length: length === undefined ? undefined : typeof length === 'number' ? { kind: 'fixed', value: length, text: String(length) } : { kind: 'field', name: 'x', index: length[0] },
      at: { line: 0, column: 0 },
    });
    expect(mangleField(data('UInt32'))).toBe('q');
    expect(mangleField(data('UInt32', 5))).toBe('Q5');
    expect(mangleField(data('UInt32', [2]))).toBe('QR2');
    expect(mangleField(data('UnicodeString', 5))).toBe('ZR');
    expect(mangleField(data('UnicodeString', 1, 3))).toBe('z3');
    expect(mangleField(data('Binary', 5, 3))).toBe('B15');
    expect(mangleField(data('AnsiString', [0], [1]))).toBe('Sr1R0');
    expect(mangleField({ kind: 'struct', name: 'S', fields: [], count: { kind: 'field', name: 'n', index: 5 }, at: { line: 0, column: 0 } })).toBe('NR5');
  });

  it('gives each declared channel a keyword bit from bit 63 down; a channel named but not imported gets none', () => {
    const m = load(
      MINIMAL(
        '<event value="1" channel="C1" level="win:Error"/><event value="2" channel="C2"/><event value="3" channel="TraceLogging"/>',
        '',
        '<channels><channel name="C1" chid="C1" type="Operational"/><channel name="C2" chid="C2" type="Analytic"/></channels>',
      ),
    );
    expect(m.providers[0]!.events.map((e) => eventKeywordMask(e).toString(16))).toEqual(['8000000000000000', '4000000000000000', '0']);
  });
});

describe('renderManifestHeader', () => {
  it('writes only definitions without -um/-km, and logging code with -um', () => {
    const m = load(MINIMAL('<event value="1" symbol="Evt1" template="T1"/>', '<template tid="T1"><data name="Count" inType="win:UInt32"/></template>'));
    const plain = text(renderManifestHeader(m, { generation: 'sdk10.0.16299', userMode: false, kernelMode: false, baseName: 'x' }));
    expect(plain).not.toContain('MCGEN');
    expect(plain).toContain('EXTERN_C __declspec(selectany) const EVENT_DESCRIPTOR Evt1 = {0x1, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0};\r\n');
    const um = text(renderManifestHeader(m, { generation: 'sdk10.0.16299', userMode: true, kernelMode: false, baseName: 'x' }));
    expect(um).toContain('#define EventWriteEvt1(Count) \\\r\n        MCGEN_EVENT_ENABLED(Evt1) \\\r\n        ? McTemplateU0q(&MyProv_Context, &Evt1, Count) : 0\r\n');
    expect(um).toContain('    _In_ const unsigned int  _Arg0\r\n');
  });

  it('with -km gives the template functions and EventWrite macros an Activity parameter (unverified against mc.exe)', () => {
    const m = load(MINIMAL('<event value="1" symbol="Evt1" template="T1"/>', '<template tid="T1"><data name="Name" inType="win:UnicodeString"/></template>'));
    const km = text(renderManifestHeader(m, { generation: 'sdk10.0.16299', userMode: false, kernelMode: true, baseName: 'x' }));
    expect(km).toContain('#define MyProv_EventWriteActivity 1\r\n');
    expect(km).toContain('#define EventWriteEvt1(Activity, Name) \\\r\n        MCGEN_EVENT_ENABLED(Evt1) \\\r\n        ? McTemplateK0z(&MyProv_Context, &Evt1, Activity, Name) : 0\r\n');
    expect(km).toContain('#define EventWriteEvt1_AssumeEnabled(Name) \\\r\n        McTemplateK0z(&MyProv_Context, &Evt1, NULL, Name)\r\n');
    expect(km).toContain('    _In_ PCEVENT_DESCRIPTOR Descriptor,\r\n    _In_opt_ const GUID* Activity,\r\n    _In_opt_ PCWSTR  _Arg0\r\n');
    expect(km).toContain('return McGenEventWrite(Context, Descriptor, Activity, McTemplateK0z_ARGCOUNT + 1, EventData);');
  });

  it('hands the older generations to header-older.ts', () => {
    const m = load(MINIMAL('<event value="1" symbol="Evt1"/>'));
    for (const generation of ['sdk8.1', 'sdk10.0.10240'] as const) {
      const opts = { generation, userMode: true, kernelMode: false, baseName: 'x' };
      expect(text(renderManifestHeader(m, opts))).toBe(text(renderOlderManifestHeader(m, opts)));
    }
  });

  it('takes a user template', () => {
    const m = load(MINIMAL('<event value="1" symbol="Evt1"/>'));
    const out = renderManifestHeader(m, { generation: 'sdk-newest', userMode: true, kernelMode: false, baseName: 'x', template: '{{#each providers}}{{symbol}}:{{#each descriptors}}{{id}}{{/each}}{{/each}}\n' });
    expect(text(out)).toBe('MyProv:Evt1\r\n');
  });
});

describe.skipIf(!hasManCorpus)(`mc.exe manifest header, newer generations (${hasManCorpus ? manDir : corpusSkipNote})`, () => {
  for (const c of hasManCorpus ? headerCases() : []) {
    it(`${c.name}: ${c.headerFile}`, () => {
      const expected = readFileSync(join(manDir, c.name, 'expected', c.headerFile));
      const m = load(readFileSync(join(manDir, c.name, 'input', c.input)));
      const got = text(renderManifestHeader(m, { generation: c.generation, userMode: c.userMode, kernelMode: c.kernelMode, baseName: c.baseName }));
      if (got !== expected.toString('latin1') && process.env.WINMC_HEADER_DUMP) {
        mkdirSync(process.env.WINMC_HEADER_DUMP, { recursive: true });
        writeFileSync(join(process.env.WINMC_HEADER_DUMP, `${c.name}.h`), got, 'latin1');
      }
      expect(got).toBe(expected.toString('latin1'));
    });
  }
});

const clrMan = join(corpusRoot, 'etl', 'ClrEtwAll.man');
describe.skipIf(!existsSync(clrMan))(`ClrEtwAll.man (${existsSync(clrMan) ? clrMan : corpusSkipNote})`, () => {
  it('renders in every newer mode', () => {
    const m = load(readFileSync(clrMan));
    for (const generation of NEWER)
      for (const [userMode, kernelMode] of [[false, false], [true, false], [false, true]] as const) {
        const h = text(renderManifestHeader(m, { generation, userMode, kernelMode, baseName: 'ClrEtwAll' }));
        expect(h).toContain('// Provider "Microsoft-Windows-DotNETRuntime" event count');
        if (process.env.WINMC_HEADER_DUMP) writeFileSync(join(process.env.WINMC_HEADER_DUMP, `clr-${generation}-${userMode ? 'um' : kernelMode ? 'km' : 'none'}.h`), h, 'latin1');
      }
  });
});
