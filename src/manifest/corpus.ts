// Runs one case of the manifest corpus (shared/corpus/man/<case>: input/, expected/, case.json)
// through the command line's own parsing and compareManifest, and compares the outputs byte for
// byte. The case's `args` are mc.exe's switches, `generation` becomes --compat, and each of its
// `extraRuns` (the C# of -cs/-css, say) is a further run over the same input with its own args.
// Shared by `npm run conformance` and the tests, like src/mc/corpus.ts for .mc files.

import { join } from 'node:path';
import { parseCompileArgs } from '../cli/compile.js';
import { manifestOptions } from '../cli/compile-manifest.js';
import { formatDiagnostic } from '../mc/diagnostics.js';
import type { CorpusFileResult } from '../mc/corpus.js';
import { compileManifest } from './compile.js';

export interface ManifestCorpusRun {
  args: string[];
  expected: string[];
}

export interface ManifestCorpusCase extends ManifestCorpusRun {
  input: string;
  generation: string;
  knownMismatch?: Record<string, string>;
  extraRuns?: ManifestCorpusRun[];
}

export function runManifestCorpusCase(caseDir: string, read: (path: string) => Uint8Array): { files: CorpusFileResult[]; diagnostics: string[] } {
  const c = JSON.parse(new TextDecoder().decode(read(join(caseDir, 'case.json')))) as ManifestCorpusCase;
  const input = read(join(caseDir, 'input', c.input));
  const files: CorpusFileResult[] = [];
  const diagnostics: string[] = [];
  for (const run of [{ args: c.args, expected: c.expected }, ...(c.extraRuns ?? [])]) {
    const cmd = parseCompileArgs([...run.args, '--compat', c.generation, c.input]);
    const result = cmd.errors.length > 0 ? { files: [], diagnostics: [] } : compileManifest(input, manifestOptions(c.input, cmd));
    diagnostics.push(...[...cmd.errors, ...result.diagnostics].map((d) => formatDiagnostic(d, c.input)));
    // Names compare as on Windows, where mc.exe wrote them: case does not matter (a case's files
    // may have been renamed in case only by their project).
    const produced = new Map(result.files.map((f) => [f.name.toLowerCase(), f]));
    for (const name of run.expected) {
      const expected = read(join(caseDir, 'expected', name));
      const actual = produced.get(name.toLowerCase())?.bytes;
      const knownMismatch = c.knownMismatch?.[name];
      if (!actual) {
        files.push({ name, identical: false, knownMismatch, detail: `not produced (got ${result.files.map((f) => f.name).join(', ') || 'nothing'})` });
        continue;
      }
      const at = firstDifference(expected, actual);
      files.push(at < 0 ? { name, identical: true } : { name, identical: false, knownMismatch, detail: `first difference at byte ${at} (expected ${expected.length} bytes, got ${actual.length})` });
    }
  }
  return { files, diagnostics };
}

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}
