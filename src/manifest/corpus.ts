// Runs one case of the manifest corpus (shared/corpus/man/<case>: input/, expected/, case.json)
// through the command line's own parsing and compareManifest, and compares the outputs byte for
// byte. The case's `args` are mc.exe's switches, `generation` becomes --compat, and each of its
// `extraRuns` (the C# of -cs/-css, say) is a further run over the same input with its own args.
// Shared by `npm run conformance` and the tests, like src/mc/corpus.ts for .mc files.

import { join } from 'node:path';
import { parseCompileArgs } from '../cli/compile.js';
import { manifestOptions } from '../cli/compile-manifest.js';
import { formatDiagnostic } from '../mc/diagnostics.js';
import { firstDifference, type CorpusFileResult } from '../mc/corpus.js';
import { compileManifest } from './compile.js';
import type { OlderHeaderRevision } from './header-older.js';

/**
 * Cases whose header shows a wording revision other than its generation's default: the corpus
 * dates them only to a range of SDKs, and the header's own text tells which mc.exe wrote it
 * (docs/manifests-header-older.md, "Wording revisions").
 */
const HEADER_REVISIONS: Record<string, { revision: OlderHeaderRevision; evidence: string }> = {
  Azure__azure_c_shared_utility__etwlogger: { revision: 'sdk10.0.15063', evidence: "'Allow disabling' and the other typo fixes of mc 10.0.15063" },
  php__pecl_caching_wincache__wincache_etw__2975252: { revision: 'sdk8.0', evidence: 'template parameters named after their fields, as the Windows 8.0 SDK mc wrote them' },
};

/**
 * Expected files the case's project edited after mc.exe wrote them, so that no compiler can give
 * their bytes from the input: compared all the same, and reported as known differences.
 */
const PROJECT_EDITS: Record<string, Record<string, string>> = {
  osquery__osquery__osquery__976906454: {
    'osquery.h': "osquery ran clang-format (its .clang-format) over mc's header; clang-format over winmc's header gives the stored bytes (docs/manifests-header-older.md)",
  },
};

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
  const caseName = caseDir.split(/[\\/]/).filter(Boolean).pop()!;
  const revision = HEADER_REVISIONS[caseName.replace(/-/g, '_')]?.revision;
  const known = { ...c.knownMismatch, ...PROJECT_EDITS[caseName] };
  // `expected` lists every file of the case; those of an extra run are compared after that run.
  const extra = new Set((c.extraRuns ?? []).flatMap((r) => r.expected));
  const mainRun = { args: c.args, expected: c.expected.filter((f) => !extra.has(f)) };
  for (const run of [mainRun, ...(c.extraRuns ?? [])]) {
    const cmd = parseCompileArgs([...run.args, '--compat', c.generation, c.input]);
    const result = cmd.errors.length > 0 ? { files: [], diagnostics: [] } : compileManifest(input, { ...manifestOptions(c.input, cmd), headerRevision: revision });
    diagnostics.push(...[...cmd.errors, ...result.diagnostics].map((d) => formatDiagnostic(d, c.input)));
    // Names compare as on Windows, where mc.exe wrote them: case does not matter (a case's files
    // may have been renamed in case only by their project).
    const produced = new Map(result.files.map((f) => [f.name.toLowerCase(), f]));
    for (const name of run.expected) {
      const expected = read(join(caseDir, 'expected', name));
      const actual = produced.get(name.toLowerCase())?.bytes;
      const knownMismatch = known[name];
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
