// The older manifest-mode header (sdk8.1, sdk10.0.10240) against every corpus case that kept it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATION_TRAITS, isManifestGeneration, type ManifestGeneration } from '../../src/manifest/generation.js';
import { renderOlderManifestHeader, type OlderHeaderRevision } from '../../src/manifest/header-older.js';
import { assignMessageIds } from '../../src/manifest/message-ids.js';
import type { Manifest } from '../../src/manifest/model.js';
import { parseManifest } from '../../src/manifest/parse.js';
import { corpusRoot, corpusSkipNote } from '../support/paths.js';

const manDir = join(corpusRoot, 'man');
const hasManCorpus = existsSync(manDir);

// Cases whose mc.exe wrote another wording than the first SDK of their generation
// (docs/manifests-header-older.md, "Revisions").
const REVISION_OF_CASE: Record<string, OlderHeaderRevision> = {
  php__pecl_caching_wincache__wincache_etw__2975252: 'sdk8.0',
  Azure__azure_c_shared_utility__etwlogger: 'sdk10.0.15063',
};

// osquery's header was run through clang-format after mc.exe wrote it: clang-format 23 with the
// osquery .clang-format (80 columns) turns winmc's output into the stored file byte for byte. The
// test does not need clang-format: it applies the two edits that file shows (long GUID and
// descriptor initialisers broken after `{`, one space after a #define's name).
const CLANG_FORMATTED = new Set(['osquery__osquery__osquery__976906454']);

interface HeaderCase {
  name: string;
  header: string;
  input: string;
  generation: ManifestGeneration;
  args: string[];
}

function headerCases(): HeaderCase[] {
  const out: HeaderCase[] = [];
  for (const name of readdirSync(manDir).sort()) {
    const c = JSON.parse(readFileSync(join(manDir, name, 'case.json'), 'utf8')) as { args: string[]; input: string; expected: string[]; generation: string };
    if (!isManifestGeneration(c.generation) || GENERATION_TRAITS[c.generation].header !== 'older') continue;
    const header = c.expected.find((f) => f.toLowerCase().endsWith('.h'));
    if (!header) continue;
    out.push({ name, header, input: c.input, generation: c.generation, args: c.args });
  }
  return out;
}

function load(path: string): Manifest {
  const r = parseManifest(readFileSync(path), path);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  assignMessageIds(r.manifest!);
  return r.manifest!;
}

function render(c: HeaderCase, m: Manifest, extra: { kernelMode?: boolean } = {}): string {
  const z = c.args.indexOf('-z');
  const bytes = renderOlderManifestHeader(m, {
    generation: c.generation,
    userMode: c.args.includes('-um'),
    kernelMode: extra.kernelMode ?? c.args.includes('-km'),
    baseName: z >= 0 ? c.args[z + 1]! : c.input.replace(/\.[^.]*$/, ''),
    revision: REVISION_OF_CASE[c.name.replace(/-/g, '_')],
  });
  return Buffer.from(bytes).toString('latin1');
}

/** What clang-format (80 columns) makes of mc.exe's one-line initialisers and padded #defines. */
function clangFormatted(text: string): string {
  return text
    .split('\r\n')
    .map((line) => {
      const init = /^(EXTERN_C __declspec\(selectany\) const (GUID|EVENT_DESCRIPTOR) \w+ = )\{(.*)\};$/.exec(line);
      if (init && line.length > 80) {
        if (init[2] === 'GUID') {
          const [, d1, d2, d3, rest] = /^(\w+), (\w+), (\w+), (\{.*\})$/.exec(init[3]!)!;
          return `${init[1]}{\r\n    ${d1},\r\n    ${d2},\r\n    ${d3},\r\n    ${rest}};`;
        }
        return `${init[1]}{\r\n    ${init[3]}};`;
      }
      return line.replace(/^(#define \S+) +/, '$1 ');
    })
    .join('\r\n');
}

describe.skipIf(!hasManCorpus)(`mc.exe older manifest header (${hasManCorpus ? manDir : corpusSkipNote})`, () => {
  for (const c of hasManCorpus ? headerCases() : []) {
    it(`${c.name}: ${c.header}`, () => {
      const expected = readFileSync(join(manDir, c.name, 'expected', c.header)).toString('latin1');
      const got = render(c, load(join(manDir, c.name, 'input', c.input)));
      expect(CLANG_FORMATTED.has(c.name) ? clangFormatted(got) : got).toBe(expected);
    });
  }
});

describe.skipIf(!hasManCorpus)('older header, other modes', () => {
  const cases = hasManCorpus ? headerCases() : [];
  const wincache = cases.find((c) => c.name.startsWith('php__'));

  it.skipIf(!wincache)('without -um or -km: the defines only, no logging code', () => {
    const c = wincache!;
    const text = render({ ...c, args: c.args.filter((a) => a !== '-um') }, load(join(manDir, c.name, 'input', c.input)));
    expect(text).not.toContain('#include');
    expect(text).not.toContain('MCGEN_DISABLE_PROVIDER_CODE_GENERATION');
    expect(text).toContain('#define UnlockFailedWaitForLock_value 0x17\r\n#define MSG_Provider_Name');
  });

  it.skipIf(!wincache)('-p and -P rename the write macros; a user template replaces the text', () => {
    const c = wincache!;
    const m = load(join(manDir, c.name, 'input', c.input));
    const text = Buffer.from(
      renderOlderManifestHeader(m, { generation: c.generation, userMode: true, kernelMode: false, baseName: 'x', writePrefix: 'Log' }),
    ).toString('latin1');
    expect(text).toContain('#define LogModuleInitErrorEvent(Error)\\\r\n');
    expect(text).not.toContain('#define EventWriteModuleInitErrorEvent');
    const stripped = Buffer.from(
      renderOlderManifestHeader(m, { generation: c.generation, userMode: true, kernelMode: false, baseName: 'x', stripPrefix: 'moduleinit' }),
    ).toString('latin1');
    expect(stripped).toContain('#define EventWriteErrorEvent(Error)\\\r\n        EventEnabledModuleInitErrorEvent() ?\\\r\n');
    const custom = renderOlderManifestHeader(m, {
      generation: c.generation,
      userMode: true,
      kernelMode: false,
      baseName: 'x',
      template: '{{#each templates}}{{name}} {{comment}}\n{{/each}}',
    });
    expect(Buffer.from(custom).toString('latin1')).toBe(
      'Template_x ModuleInitErrorTemplate\r\nTemplate_sp InitMutexErrorTemplate\r\nTemplateEventDescriptor (null)\r\nTemplate_ppsq MemAllocBlockTemplate\r\nTemplate_sqqsq LockMutexTemplate\r\n',
    );
  });

  it.skipIf(!wincache)('-km: the same code over the kernel-mode API, with an activity id', () => {
    const c = wincache!;
    const text = render(c, load(join(manDir, c.name, 'input', c.input)), { kernelMode: true });
    expect(text).toContain('Error = EtwRegister( ProviderId, EnableCallback, CallbackContext, RegHandle); \r\n');
    expect(text).toContain('    _In_ PCEVENT_DESCRIPTOR Descriptor,\r\n    _In_opt_ LPCGUID Activity,\r\n    _In_ unsigned __int64  Error\r\n');
    expect(text).toContain('    return EtwWrite(RegHandle, Descriptor, Activity, ARGUMENT_COUNT_x, EventData);\r\n');
    expect(text).toContain('#define EventWriteModuleInitErrorEvent(Activity, Error)\\\r\n');
    expect(text).toContain('        Template_x(PHP_WincacheHandle, &ModuleInitErrorEvent, Activity, Error)\\\r\n');
    expect(text).toContain('        TemplateEventDescriptor(PHP_WincacheHandle, &InitOpcacheLocalFallbackEvent, Activity)\\\r\n');
    expect(text).toContain('    _In_ PCEVENT_DESCRIPTOR Descriptor,\r\n    _In_opt_ LPCGUID Activity\r\n    )\r\n{\r\n    return EtwWrite(RegHandle, Descriptor, Activity, 0, NULL);\r\n');
    expect(text).toContain('        : STATUS_SUCCESS\\\r\n');
    expect(text).not.toContain('EventWrite(');
    expect(text).not.toContain('ERROR_SUCCESS');
  });
});
