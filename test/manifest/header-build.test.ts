// The issue's done-when: generated headers build and run. For mc.exe's own headers (corpus) and
// for winmc's -um headers of every corpus manifest, a C program that registers every provider,
// writes every event with zero arguments and unregisters is built with mingw-w64 for x64 and x86
// (and, where the header's code can use kernel-mode APIs, as an x64 driver against mingw-w64's
// wdm.h and ntoskrnl), and the x64 program is run under Wine. winmc's header must build wherever
// mc.exe's own header of the same case builds. See docs/manifests-csharp-rc-build.md.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isManifestGeneration, type ManifestGeneration } from '../../src/manifest/generation.js';
import { renderManifestHeader } from '../../src/manifest/header.js';
import { assignMessageIds } from '../../src/manifest/message-ids.js';
import { parseManifest } from '../../src/manifest/parse.js';
import { corpusRoot, corpusSkipNote } from '../support/paths.js';
import { buildHeader, firstErrors, type BuildOutcome, type Target } from './support/build-matrix.js';
import { GCC_X64, GCC_X86, which, wineProgram } from './support/toolchain.js';

const manDir = join(corpusRoot, 'man');
const hasManCorpus = existsSync(manDir);
const missing = [GCC_X64, GCC_X86].filter((t) => !which(t));
const wine = wineProgram();
const toolNote = missing.length > 0 ? `${missing.join(', ')} not found (apt-get install gcc-mingw-w64): skipped` : undefined;
const wineNote = wine ? wine : 'wine not found (apt-get install wine64): programs are built but not run';
const work = mkdtempSync(join(tmpdir(), 'winmc-header-build-'));
// The programs and logs stay for a look when WINMC_KEEP_BUILD is set.
afterAll(() => {
  if (process.env.WINMC_KEEP_BUILD) console.info(`header builds kept in ${work}`);
  else rmSync(work, { recursive: true, force: true });
});

interface CaseJson {
  input: string;
  args: string[];
  generation: string;
  expected: string[];
}

function cases(): { name: string; c: CaseJson }[] {
  if (!hasManCorpus) return [];
  return readdirSync(manDir)
    .sort()
    .map((name) => ({ name, c: JSON.parse(readFileSync(join(manDir, name, 'case.json'), 'utf8')) as CaseJson }));
}

// Where mingw-w64 rejects mc.exe's own header, and why (checked against the compiler's message).
const MC_KNOWN_FAILURES: Record<string, Partial<Record<Target, { why: string; message: RegExp }>>> = {
  // Two providers with the same task name and event symbol: the header defines the
  // selectany GUID TaskName1Id and the descriptor EventSym1 twice in one translation unit.
  'gix__event-trace-kit__Large__mc18362': {
    x64: { why: 'duplicate selectany definitions (TaskName1Id, EventSym1)', message: /redefinition of .TaskName1Id/ },
    x86: { why: 'duplicate selectany definitions (TaskName1Id, EventSym1)', message: /redefinition of .TaskName1Id/ },
    km: { why: 'duplicate selectany definitions; and wdm.h lacks EVENT_INFO_CLASS', message: /redefinition of .TaskName1Id|EVENT_INFO_CLASS/ },
  },
  // The sdk-newest header annotates McGenEventWrite_EtwWriteTransfer's parameter with the SAL
  // macro _Pre_cap_, which mingw-w64's sal.h does not define (it builds with -D'_Pre_cap_(x)=').
  'microsoft__mimalloc__mimalloc-etw-gen': {
    x64: { why: 'SAL _Pre_cap_ unknown to mingw-w64', message: /_Pre_cap_/ },
    x86: { why: 'SAL _Pre_cap_ unknown to mingw-w64', message: /_Pre_cap_/ },
    km: { why: 'SAL _Pre_cap_ unknown to mingw-w64', message: /_Pre_cap_/ },
  },
  // Provider traits: the context initialiser holds (ULONG_PTR)<traits array> in a 64-bit field;
  // i686 gcc cannot relocate a 32-bit address widened to 64 bits ("not computable at load time").
  // In kernel mode the traits call EtwSetInformation with EVENT_INFO_CLASS, absent from mingw-w64's wdm.h.
  'gix__event-trace-kit__ProviderTraits__mc18362': {
    x86: { why: 'pointer widened to a 64-bit field in a static initialiser (i686 gcc)', message: /not computable at load time/ },
    km: { why: 'wdm.h lacks EVENT_INFO_CLASS (EtwSetInformation)', message: /EVENT_INFO_CLASS/ },
  },
  // The FILETIME parameters: mingw-w64's wdm.h does not declare FILETIME.
  'gix__event-trace-kit__TypeMangling__mc18362': {
    km: { why: 'wdm.h lacks FILETIME', message: /FILETIME/ },
  },
};

// -km headers of manifests with time fields: their template functions take SYSTEMTIME/FILETIME
// pointers, which mingw-w64's wdm.h does not declare (they come from the user-mode minwinbase.h).
const KM_KNOWN_FAILURES: Record<string, { why: string; message: RegExp }> = {
  'etwlogger.man': { why: 'wdm.h lacks SYSTEMTIME', message: /unknown type name .SYSTEMTIME/ },
  'TypeMangling.man': { why: 'wdm.h lacks FILETIME', message: /FILETIME/ },
};

function outcomeOf(o: BuildOutcome, t: Target): { ok: boolean; diagnostics: string } | undefined {
  return t === 'km' ? o.km : o[t];
}

const mcOutcomes = new Map<string, BuildOutcome>();
const winmcOutcomes = new Map<string, BuildOutcome>();
const kmOutcomes = new Map<string, BuildOutcome>();

describe.skipIf(!hasManCorpus || toolNote !== undefined)(`mc.exe's own headers build with mingw-w64 (${toolNote ?? (hasManCorpus ? `run: ${wineNote}` : corpusSkipNote)})`, () => {
  for (const { name, c } of cases()) {
    for (const h of c.expected.filter((f) => f.toLowerCase().endsWith('.h'))) {
      it(`${name}: ${h}`, async () => {
        const o = await buildHeader(join(work, 'mc', name), h, readFileSync(join(manDir, name, 'expected', h)), { run: wine !== undefined });
        mcOutcomes.set(name, o);
        const known = MC_KNOWN_FAILURES[name] ?? {};
        for (const t of ['x64', 'x86', 'km'] as const) {
          const r = outcomeOf(o, t);
          if (!r) continue;
          const k = known[t];
          if (k) {
            expect({ target: t, ok: r.ok }, `${t} was recorded as failing: ${k.why}`).toEqual({ target: t, ok: false });
            expect(r.diagnostics).toMatch(k.message);
          } else {
            expect({ target: t, ok: r.ok, errors: firstErrors(r.diagnostics) }).toEqual({ target: t, ok: true, errors: '' });
          }
        }
        // Exit code only: Wine's first start in a new prefix writes its own notes to stderr.
        if (o.run !== undefined) expect({ exit: o.run, output: o.runOutput }).toMatchObject({ exit: 0 });
      }, 300_000);
    }
  }

  it('microsoft__mimalloc__mimalloc-etw-gen builds and runs once _Pre_cap_ is defined away', async () => {
    const name = 'microsoft__mimalloc__mimalloc-etw-gen';
    const o = await buildHeader(join(work, 'mc-sal', name), 'mimalloc-etw-gen.h', readFileSync(join(manDir, name, 'expected', 'mimalloc-etw-gen.h')), {
      run: wine !== undefined,
      flags: ['-D_Pre_cap_(x)='],
    });
    expect([o.x64?.ok, o.x86?.ok, o.km?.ok, firstErrors((o.x64?.diagnostics ?? '') + (o.x86?.diagnostics ?? '') + (o.km?.diagnostics ?? ''))]).toEqual([true, true, true, '']);
    if (o.run !== undefined) expect(o.run).toBe(0);
  }, 300_000);
});

/** winmc's -um (or -km) header, as renderManifestHeader writes it for the generation. */
function winmcHeader(bytes: Uint8Array, input: string, baseName: string, generation: ManifestGeneration, kernelMode: boolean): Uint8Array {
  const r = parseManifest(bytes, input);
  if (!r.manifest) throw new Error(`${input}: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  assignMessageIds(r.manifest);
  const opts = { generation, userMode: !kernelMode, kernelMode, baseName };
  return renderManifestHeader(r.manifest, opts);
}

interface WinmcCase {
  name: string;
  input: string;
  /** `-z` of the case, else the input's name without extension. */
  baseName: string;
  path: string;
  generation: ManifestGeneration;
}

function winmcCases(): WinmcCase[] {
  const out: WinmcCase[] = cases().map(({ name, c }) => ({
    name,
    input: c.input,
    baseName: c.args.includes('-z') ? c.args[c.args.indexOf('-z') + 1]! : c.input.replace(/\.[^.]*$/, ''),
    path: join(manDir, name, 'input', c.input),
    generation: isManifestGeneration(c.generation) ? c.generation : 'sdk10.0.16299',
  }));
  const clr = join(corpusRoot, 'etl', 'ClrEtwAll.man');
  if (existsSync(clr)) out.push({ name: 'etl/ClrEtwAll', input: 'ClrEtwAll.man', baseName: 'ClrEtwAll', path: clr, generation: 'sdk10.0.16299' });
  return out;
}

// A case's manifest fails where mc.exe's header of any case with the same input fails (Large.man,
// ProviderTraits.man): the reason is in the input, not in the generator.
function allowedFailures(input: string): Set<Target> {
  const out = new Set<Target>();
  for (const { name, c } of cases()) if (c.input === input) for (const t of Object.keys(MC_KNOWN_FAILURES[name] ?? {})) out.add(t as Target);
  return out;
}

describe.skipIf(!hasManCorpus || toolNote !== undefined)(`winmc's -um headers build and run (${toolNote ?? (hasManCorpus ? `run: ${wineNote}` : corpusSkipNote)})`, () => {
  for (const wc of winmcCases()) {
    it(`${wc.name} (${wc.generation})`, async () => {
      const header = winmcHeader(readFileSync(wc.path), wc.input, wc.baseName, wc.generation, false);
      const o = await buildHeader(join(work, 'winmc', wc.name.replace(/\//g, '_')), `${wc.baseName}.h`, header, { run: wine !== undefined });
      const mc = mcOutcomes.get(wc.name);
      const allowed = allowedFailures(wc.input);
      for (const t of ['x64', 'x86', 'km'] as const) {
        const r = outcomeOf(o, t);
        if (!r) continue;
        const mcR = mc ? outcomeOf(mc, t) : undefined;
        // Must build where mc.exe's own header of this case builds, and (no mc.exe header kept)
        // wherever nothing in the input is known to break the build.
        const mustBuild = mcR ? mcR.ok : !allowed.has(t);
        if (mustBuild) expect({ target: t, ok: r.ok, errors: firstErrors(r.diagnostics) }).toEqual({ target: t, ok: true, errors: '' });
      }
      if (o.run !== undefined && (mc?.run === 0 || (!mc && !allowed.has('x64')))) expect({ exit: o.run, output: o.runOutput }).toMatchObject({ exit: 0 });
      winmcOutcomes.set(wc.name, o);
    }, 300_000);
  }

  it('summary', () => {
    const cell = (r: { ok: boolean } | undefined): string => (r === undefined ? '-' : r.ok ? 'ok' : 'FAIL');
    const row = (name: string, o: BuildOutcome | undefined): string =>
      o ? `${name}: x64 ${cell(o.x64)}, x86 ${cell(o.x86)}, run ${o.run ?? '-'}, km ${cell(o.km)}` : `${name}: -`;
    const lines = [...mcOutcomes].map(([n, o]) => row(`mc.exe ${n}`, o)).concat([...winmcOutcomes].map(([n, o]) => row(`winmc ${n}`, o)));
    console.info(lines.join('\n'));
    expect(winmcOutcomes.size).toBeGreaterThan(0);
  });
});

// -km: winmc's kernel-mode headers of the same manifests as x64 drivers against mingw-w64's wdm.h
// and ntoskrnl (no mc.exe -km header is in the corpus: they must build wherever nothing in the
// input is known to break the kernel-mode build).
describe.skipIf(!hasManCorpus || toolNote !== undefined)(`winmc's -km headers build as drivers (${toolNote ?? (hasManCorpus ? 'x64 driver, not run' : corpusSkipNote)})`, () => {
  for (const wc of winmcCases()) {
    it(`${wc.name} (${wc.generation}, -km)`, async () => {
      const header = winmcHeader(readFileSync(wc.path), wc.input, wc.baseName, wc.generation, true);
      const o = await buildHeader(join(work, 'winmc-km', wc.name.replace(/\//g, '_')), `${wc.baseName}.h`, header, { run: false });
      // A manifest without providers has no logging code to build.
      if (o.macros.registers.length > 0) expect(o.km, 'a -km header has kernel-mode code').toBeDefined();
      const known = KM_KNOWN_FAILURES[wc.input];
      if (o.km && known) {
        expect(o.km.ok, `recorded as failing: ${known.why}`).toBe(false);
        expect(o.km.diagnostics).toMatch(known.message);
      } else if (o.km && !allowedFailures(wc.input).has('km')) {
        expect({ ok: o.km.ok, errors: firstErrors(o.km.diagnostics) }).toEqual({ ok: true, errors: '' });
      }
      kmOutcomes.set(wc.name, o);
    }, 300_000);
  }

  it('summary', () => {
    const cell = (r: { ok: boolean } | undefined): string => (r === undefined ? '-' : r.ok ? 'ok' : 'FAIL');
    console.info([...kmOutcomes].map(([n, o]) => `winmc -km ${n}: km ${cell(o.km)} (user-mode build of the same header: x64 ${cell(o.x64)})`).join('\n'));
    expect(kmOutcomes.size).toBeGreaterThan(0);
  });
});
