// The C# of -cs/-css against the corpus case that kept mc.exe's -cs output (jytrace, JyTrace.cs).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderManifestCSharp } from '../../src/manifest/csharp.js';
import { isManifestGeneration } from '../../src/manifest/generation.js';
import type { Manifest } from '../../src/manifest/model.js';
import { parseManifest } from '../../src/manifest/parse.js';
import { corpusRoot, corpusSkipNote } from '../support/paths.js';

const manDir = join(corpusRoot, 'man');
const hasManCorpus = existsSync(manDir);

interface ExtraRun {
  args: string[];
  expected: string[];
}
interface CaseJson {
  input: string;
  generation: string;
  args: string[];
  extraRuns?: ExtraRun[];
}

function csharpRuns(): { name: string; c: CaseJson; run: ExtraRun; file: string }[] {
  const out: { name: string; c: CaseJson; run: ExtraRun; file: string }[] = [];
  for (const name of readdirSync(manDir).sort()) {
    const c = JSON.parse(readFileSync(join(manDir, name, 'case.json'), 'utf8')) as CaseJson;
    for (const run of c.extraRuns ?? []) {
      if (!run.args.includes('-cs') && !run.args.includes('-css')) continue;
      for (const file of run.expected.filter((f) => f.toLowerCase().endsWith('.cs'))) out.push({ name, c, run, file });
    }
  }
  return out;
}

function parse(dir: string, input: string): Manifest {
  const r = parseManifest(readFileSync(join(dir, 'input', input)), input);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.manifest!;
}

describe.skipIf(!hasManCorpus)(`mc.exe -cs output (${hasManCorpus ? manDir : corpusSkipNote})`, () => {
  for (const { name, c, run, file } of hasManCorpus ? csharpRuns() : []) {
    it(`${name}: ${file} (${run.args.join(' ')})`, () => {
      const dir = join(manDir, name);
      const manifest = parse(dir, c.input);
      const css = run.args.indexOf('-css');
      const cs = run.args.indexOf('-cs');
      const z = run.args.indexOf('-z');
      const baseName = z >= 0 ? run.args[z + 1]! : c.input.replace(/\.[^.]*$/, '');
      const out = renderManifestCSharp(manifest, {
        namespace: run.args[(css >= 0 ? css : cs) + 1]!,
        staticClass: css >= 0,
        generation: isManifestGeneration(c.generation) ? c.generation : 'sdk10.0.16299',
        baseName,
      });
      // mc.exe names the file <base>.cs; the repository keeps it as JyTrace.cs for jytrace.man,
      // a casing Windows keeps when a file of that name already exists (see the doc).
      expect(out.name.toLowerCase()).toBe(file.toLowerCase());
      const expected = readFileSync(join(dir, 'expected', file));
      expect(Buffer.from(out.bytes).toString('latin1')).toBe(expected.toString('latin1'));
    });
  }
});
