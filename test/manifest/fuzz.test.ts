// Property tests of the manifest compiler on mutated real manifests: it never throws, either
// compiles or reports errors that carry a line, is deterministic, and what it writes reads back
// through the project's own CRIM and message-table readers.
// `npm test` runs a seeded slice; `npm run fuzz` runs FUZZ_RUNS with FUZZ_SEED.
import fc from 'fast-check';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileManifest } from '../../src/manifest/compile.js';
import { readCrim } from '../../src/manifest/crim.js';
import { readMessageTable } from '../../src/rc-gen/message-table.js';
import { corpusRoot, repoRoot } from '../support/paths.js';

const RUNS = Math.max(1, Math.round(Number(process.env.FUZZ_RUNS ?? 400) / 8));
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);

const seeds: { name: string; text: string }[] = [];
for (const dir of [join(repoRoot, 'fixtures/manifest-diagnostics'), join(corpusRoot, 'man')]) {
  if (!existsSync(dir)) continue;
  for (const entry of readdirSync(dir)) {
    const inputDir = join(dir, entry, 'input');
    const files = existsSync(inputDir) ? readdirSync(inputDir).map((f) => join(inputDir, f)) : entry.endsWith('.man') ? [join(dir, entry)] : [];
    for (const f of files) {
      const bytes = readFileSync(f);
      if (bytes.length > 40_000) continue;
      const text = bytes[0] === 0xff && bytes[1] === 0xfe ? new TextDecoder('utf-16le').decode(bytes) : new TextDecoder().decode(bytes);
      seeds.push({ name: f, text });
    }
  }
}

// Pieces a hostile or careless author writes into a manifest.
const piece = fc.constantFrom(
  '<', '>', '/>', '</event>', '<event value="1"/>', '"', "'", '&amp;', '&bogus;', '<!DOCTYPE x>', '<![CDATA[x]]>', '<!--', '-->',
  ' value="0x10000"', ' value="-1"', ' version="300"', ' level="win:Error"', ' level="nope"', ' channel="System"', ' template="T1"',
  ' keywords="win:ResponseTime"', ' mask="0x0"', ' inType="win:UInt32"', ' outType="xs:GUID"', ' count="99999"', ' length="Size"',
  ' symbol="1bad"', ' message="$(string.missing)"', ' xmlns="urn:other"', '\u0000', '\uD800', '\r\n', ' ', 'A'.repeat(300),
);

const mutated = fc
  .record({
    seed: fc.nat(),
    edits: fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), cut: fc.nat({ max: 40 }), insert: fc.oneof(piece, fc.string({ maxLength: 8 })) }), {
      minLength: 1,
      maxLength: 6,
    }),
    utf16: fc.boolean(),
  })
  .map(({ seed, edits, utf16 }) => {
    let text = seeds[seed % seeds.length]!.text;
    for (const e of edits) {
      const at = Math.floor(e.at * text.length);
      text = text.slice(0, at) + e.insert + text.slice(at + e.cut);
    }
    return utf16 ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]) : Buffer.from(text, 'utf8');
  });

describe.skipIf(seeds.length === 0)('manifest compiler on mutated manifests', () => {
  it(`never throws; compiles, or fails with located errors; deterministic; outputs read back (${RUNS} runs, seed ${SEED})`, () => {
    fc.assert(
      fc.property(mutated, fc.boolean(), (bytes, userMode) => {
        const a = compileManifest(bytes, { inputName: 'fuzz.man', userMode });
        const b = compileManifest(bytes, { inputName: 'fuzz.man', userMode });
        expect(b.diagnostics).toEqual(a.diagnostics);
        expect(b.files.map((f) => Buffer.from(f.bytes).toString('base64'))).toEqual(a.files.map((f) => Buffer.from(f.bytes).toString('base64')));
        const errors = a.diagnostics.filter((d) => d.severity === 'error');
        if (errors.length > 0) {
          expect(a.files).toEqual([]);
          for (const d of errors) expect(d.line, `${d.code} ${d.message}`).toBeGreaterThan(0);
          return;
        }
        for (const f of a.files) {
          if (f.kind === 'template') readCrim(f.bytes);
          if (f.kind === 'bin') readMessageTable(f.bytes);
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
