// Runs one case of the mc.exe corpus (shared/corpus/mc/<case>: input/, expected/, case.json)
// and compares the outputs. Shared by the conformance test and `npm run conformance`.

import { join } from 'node:path';
import { compileMc } from './compile.js';
import { formatDiagnostic } from './diagnostics.js';
import type { FlavorName } from './flavors.js';
import { parseCompileArgs } from '../cli/compile.js';

export interface CorpusCase {
  input: string;
  args: string[];
  flavor: FlavorName;
  ansiCodepage: number;
  expected: string[];
  knownMismatch?: Record<string, string>;
}

export interface CorpusFileResult {
  name: string;
  identical: boolean;
  knownMismatch?: string;
  detail?: string;
}

export function runCorpusCase(caseDir: string, read: (path: string) => Uint8Array): { files: CorpusFileResult[]; diagnostics: string[] } {
  const c = JSON.parse(new TextDecoder().decode(read(join(caseDir, 'case.json')))) as CorpusCase;
  const cmd = parseCompileArgs([...c.args, '--compat', c.flavor, '--ansi-codepage', String(c.ansiCodepage), c.input]);
  const result = compileMc(read(join(caseDir, 'input', c.input)), cmd.options);
  const diagnostics = [...cmd.errors, ...result.diagnostics].map((d) => formatDiagnostic(d, c.input));
  const produced = new Map(result.files.map((f) => [f.name, f.bytes]));
  const files = c.expected.map((name): CorpusFileResult => {
    const expected = read(join(caseDir, 'expected', name));
    const actual = produced.get(name);
    const knownMismatch = c.knownMismatch?.[name];
    if (!actual) return { name, identical: false, knownMismatch, detail: `not produced (got ${[...produced.keys()].join(', ') || 'nothing'})` };
    const at = firstDifference(expected, actual);
    return at < 0 ? { name, identical: true } : { name, identical: false, knownMismatch, detail: `first difference at byte ${at} (expected ${expected.length} bytes, got ${actual.length})` };
  });
  return { files, diagnostics };
}

/** The offset of the first byte where a and b differ; -1 when they are equal. */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}
