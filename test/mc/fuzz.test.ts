// Property-based and fuzz testing of the compiler on random and mutated .mc inputs: it never
// throws, never hangs, either compiles or reports located errors, is deterministic, and what it
// writes reads back through the project's own .bin reader.
// `npm test` runs a seeded slice; `npm run fuzz` runs FUZZ_RUNS (default 100,000) with FUZZ_SEED.
import fc from 'fast-check';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileMc, type CompileOptions } from '../../src/mc/compile.js';
import { readMessageTable } from '../../src/rc-gen/message-table.js';
import { corpusRoot, repoRoot } from '../support/paths.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 400);
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
// A compile of these small inputs takes well under a millisecond; a second means a hang.
const HANG_MS = 2000;

const seeds: Uint8Array[] = [];
for (const dir of [join(repoRoot, 'fixtures/compile'), join(corpusRoot, 'mc')]) {
  if (!existsSync(dir)) continue;
  for (const c of readdirSync(dir)) {
    const inputDir = join(dir, c, 'input');
    if (!existsSync(inputDir)) continue;
    for (const f of readdirSync(inputDir)) {
      const bytes = readFileSync(join(inputDir, f));
      if (bytes.length < 20_000) seeds.push(bytes);
    }
  }
}

const word = fc.constantFrom(
  'MessageId', 'messageid', 'Severity', 'Facility', 'SymbolicName', 'Language', 'LanguageNames', 'SeverityNames',
  'FacilityNames', 'MessageIdTypedef', 'MessageIdTypedefMacro', 'OutputBase', 'English', 'Error', 'Warning',
  'Informational', 'Success', 'System', 'Application', 'MSG_X', 'DWORD', '=', '(', ')', ':', '+', ';', '.', '%1', '%0',
  '0', '1', '0x10', '0xFFFF', '0x10000', '16', '10', '08', '1e5', '0x409', 'MSG00409', '\t', ' ', '\r', '\n', '\r\n', '\u00e9', '\u0000',
);
const soup = fc.array(word, { maxLength: 60 }).map((w) => w.join(''));

const lines = fc.array(fc.oneof(soup, fc.string({ maxLength: 12 })), { maxLength: 6 });
const message = fc
  .record({
    id: fc.constantFrom('', '1', '+2', '0x7', '0xFFFF', '65536'),
    sev: fc.constantFrom('', ' Severity=Error', ' Severity=warning', ' Severity=Bogus'),
    fac: fc.constantFrom('', ' Facility=System', ' Facility=Application', ' Facility=Io'),
    sym: fc.constantFrom('', ' SymbolicName=MSG_A', ' SymbolicName=MSG_B', ' SymbolicName=9bad'),
    langs: fc.array(fc.record({ lang: fc.constantFrom('English', 'German', 'english'), text: lines, end: fc.constantFrom('.\r\n', '.\n', '.', '') }), { minLength: 0, maxLength: 3 }),
  })
  .map((m) => `MessageId=${m.id}${m.sev}${m.fac}${m.sym}\r\n` + m.langs.map((l) => `Language=${l.lang}\r\n${l.text.map((t) => t + '\r\n').join('')}${l.end}`).join(''));
const header = fc.constantFrom('', ';// c\r\n', 'LanguageNames=(German=0x407:MSG00407)\r\n', 'FacilityNames=(Io=0x4:FACILITY_IO)\r\n', 'SeverityNames=(Low=1:S_LOW)\r\n', 'OutputBase=10\r\n', 'MessageIdTypedef=DWORD\r\n');
const structured = fc.tuple(fc.array(header, { maxLength: 3 }), fc.array(message, { maxLength: 5 })).map(([h, m]) => new TextEncoder().encode(h.join('') + m.join('')));

const mutated = fc
  .tuple(fc.nat(Math.max(0, seeds.length - 1)), fc.array(fc.tuple(fc.nat(), fc.constantFrom('flip', 'delete', 'insert', 'truncate', 'duplicate'), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }))
  .map(([i, edits]) => {
    let b = Array.from(seeds[i] ?? new Uint8Array());
    for (const [pos, op, byte] of edits) {
      const at = b.length === 0 ? 0 : pos % b.length;
      if (op === 'flip') b[at] = byte;
      else if (op === 'delete') b.splice(at, 1 + (byte % 16));
      else if (op === 'insert') b.splice(at, 0, byte);
      else if (op === 'truncate') b = b.slice(0, at);
      else b.splice(at, 0, ...b.slice(at, at + (byte % 64)));
    }
    return Uint8Array.from(b);
  });

const options = fc.record({
  unicodeInput: fc.boolean(),
  ansiBins: fc.boolean(),
  noTrailingNewline: fc.boolean(),
  customerBit: fc.boolean(),
  decimal: fc.boolean(),
  compat: fc.constantFrom('modern', 'middle', 'legacy') as fc.Arbitrary<CompileOptions['compat']>,
  ansiCodepage: fc.constantFrom(1252, 1251, 932),
});

function checkCompile(input: Uint8Array, o: CompileOptions): void {
  const started = performance.now();
  const first = compileMc(input, o);
  expect(performance.now() - started).toBeLessThan(HANG_MS);
  const errors = first.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    expect(first.files).toEqual([]);
    // Located: every error names its line, except whole-file ones (code page, limits, the cap, .bin name clash).
    for (const e of errors) if (!['MC1005', 'MC0021', 'MC0022', 'MC0028'].includes(e.code)) expect(e.line, `${e.code} ${e.message}`).toBeGreaterThan(0);
    return;
  }
  const second = compileMc(input, o);
  expect(second.files).toEqual(first.files);
  for (const bin of first.files.filter((f) => f.kind === 'bin')) {
    const lang = first.model!.languages.find((l) => l.binName === bin.name)!;
    const back = readMessageTable(bin.bytes, o.ansiCodepage).entries;
    const want = [...lang.messages].sort((a, b) => a.value - b.value);
    expect(back.map((e) => e.id)).toEqual(want.map((m) => m.value));
    if (!o.ansiBins) expect(back.map((e) => e.text)).toEqual(want.map((m) => m.text));
  }
}

describe(`compiler fuzz (${RUNS} runs per property, seed ${SEED})`, () => {
  const timeout = Math.max(60_000, RUNS * 20);
  it('structured random .mc files', { timeout }, () => {
    fc.assert(fc.property(structured, options, (input, o) => checkCompile(input, o)), { numRuns: RUNS, seed: SEED });
  });
  it('token soup', { timeout }, () => {
    fc.assert(fc.property(soup, options, (s, o) => checkCompile(new TextEncoder().encode(s), o)), { numRuns: RUNS, seed: SEED + 1 });
  });
  it.skipIf(seeds.length === 0)('mutated corpus and fixture files', { timeout }, () => {
    fc.assert(fc.property(mutated, options, (input, o) => checkCompile(input, o)), { numRuns: RUNS, seed: SEED + 2 });
  });
  it('random bytes', { timeout }, () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), options, (input, o) => checkCompile(input, o)), { numRuns: RUNS, seed: SEED + 3 });
  });
});
