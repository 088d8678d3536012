// `winmc compile --res` on every case of corpus/mc and every file of corpus/large: the .res
// equals what llvm-rc-14 (and Wine's wrc) make of winmc's own .rc and .bin files.

import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCompileArgs, type CompileCommand } from '../../src/cli/compile.js';
import { resourceOutputs } from '../../src/cli/resource-outputs.js';
import { compileMc, type CompileOptions } from '../../src/mc/compile.js';
import { LLVM_RC, WRC, corpusRoot, hasCorpus, hasTool, run, tempDir } from './peers.js';

const hasLlvmRc = hasTool(LLVM_RC, ['/?']);
const hasWrc = hasTool(WRC);
const work = tempDir('res-corpus');
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Source {
  name: string;
  input: string;
  options: CompileOptions;
}

function sources(): Source[] {
  if (!hasCorpus) return [];
  const mc = readdirSync(join(corpusRoot, 'mc')).map((name) => {
    const dir = join(corpusRoot, 'mc', name);
    const c = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as { input: string; args: string[]; flavor: string; ansiCodepage: number };
    const cmd = parseCompileArgs([...c.args, '--compat', c.flavor, '--ansi-codepage', String(c.ansiCodepage), c.input]);
    return { name, input: join(dir, 'input', c.input), options: cmd.options };
  });
  const large = readdirSync(join(corpusRoot, 'large')).map((name) => {
    const file = readdirSync(join(corpusRoot, 'large', name)).find((f) => f.endsWith('.mc'))!;
    return { name, input: join(corpusRoot, 'large', name, file), options: { inputName: file, ansiCodepage: file === 'ru-RU.mc' ? 1251 : 1252 } };
  });
  return [...mc, ...large];
}

describe.skipIf(!hasCorpus || !hasLlvmRc)(`--res equals ${LLVM_RC} on winmc's .rc and .bin for the whole corpus (skipped without corpus or llvm-rc)`, () => {
  it.each(sources().map((s) => [s.name, s] as const))('%s', async (name, source) => {
    const result = compileMc(readFileSync(source.input), source.options);
    if (result.diagnostics.some((d) => d.severity === 'error')) {
      // Wine's winerror.mc uses Facility=Null, which mc.exe does not define (corpus README).
      expect(name).toBe('Kron4ek__wine-tkg__winerror');
      return;
    }
    const dir = join(work, name);
    mkdirSync(dir, { recursive: true });
    for (const f of result.files.filter((f) => f.kind === 'rc' || f.kind === 'bin')) writeFileSync(join(dir, f.name), f.bytes);
    const rc = result.files.find((f) => f.kind === 'rc')!.name;
    const cmd = { resFile: join(dir, 'winmc.res'), machine: 'x64' } as CompileCommand;
    const [res] = await resourceOutputs(result.files, cmd);

    run(LLVM_RC, ['-no-cpp', '/fo', 'llvm.res', rc], dir);
    expect(Buffer.from(res!.bytes).equals(readFileSync(join(dir, 'llvm.res')))).toBe(true);
    if (hasWrc) {
      run(WRC, ['-o', 'wrc.res', rc], dir);
      expect(Buffer.from(res!.bytes).equals(readFileSync(join(dir, 'wrc.res'))), 'wrc').toBe(true);
    }
  });
});
