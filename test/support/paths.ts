import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const corpusRoot = process.env.WINMC_CORPUS ?? resolve(repoRoot, '../shared/corpus');
export const hasCorpus = existsSync(resolve(corpusRoot, 'mc'));
export const corpusSkipNote = `corpus not found at ${corpusRoot} (set WINMC_CORPUS): skipped`;
export const winmcBin = resolve(repoRoot, 'bin/winmc.js');

/** A path inside the corpus: `corpusPath('evtx', 'system.evtx')`. */
export function corpusPath(...parts: string[]): string {
  return resolve(corpusRoot, ...parts);
}

/** The .evtx/.evt logs of corpus/evtx, and whether they are there. */
export const evtxCorpusDir = corpusPath('evtx');
export const hasEvtxCorpus = existsSync(resolve(evtxCorpusDir, 'system.evtx'));
export const evtxCorpusFile = (name: string): string => resolve(evtxCorpusDir, name);

/** Every .mc file under `dir`, at any depth; none when `dir` is missing. */
export function mcFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.mc'))
    .map((e) => join(e.parentPath, e.name));
}

/** The big real .mc files of corpus/large (ru-RU is in code page 1251). */
export function largeInputs(): { name: string; path: string; codepage: number }[] {
  return readdirSync(join(corpusRoot, 'large'))
    .sort()
    .map((name) => {
      const file = readdirSync(join(corpusRoot, 'large', name)).find((f) => f.toLowerCase().endsWith('.mc'))!;
      return { name, path: join(corpusRoot, 'large', name, file), codepage: name.endsWith('ru-RU') ? 1251 : 1252 };
    });
}


export const manifestCorpusDir = join(corpusRoot, 'man');
export const hasManifestCorpus = existsSync(manifestCorpusDir);

/** One case of the manifest corpus: its case.json, with the paths and mc.exe's naming switches read out. */
export interface ManifestCorpusCase {
  name: string;
  dir: string;
  /** Path of the input manifest, and its file name as case.json gives it. */
  input: string;
  inputName: string;
  args: string[];
  generation: string;
  expected: string[];
  /** `-z NAME`, else the input's name without its extension. */
  baseName: string;
  /** `-z` or `-b`: the .bin names carry the base name. */
  binPrefix: boolean;
  /** `-z` was given. */
  zGiven: boolean;
}

/** Every case of the manifest corpus, by name; none when the corpus is absent. */
export function manifestCorpusCases(): ManifestCorpusCase[] {
  if (!hasManifestCorpus) return [];
  return readdirSync(manifestCorpusDir)
    .sort()
    .map((name) => {
      const dir = join(manifestCorpusDir, name);
      const c = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as { args: string[]; input: string; expected: string[]; generation: string };
      const z = c.args.indexOf('-z');
      return {
        name,
        dir,
        input: join(dir, 'input', c.input),
        inputName: c.input,
        args: c.args,
        generation: c.generation,
        expected: c.expected,
        baseName: z >= 0 ? c.args[z + 1]! : c.input.replace(/\.[^.]*$/, ''),
        binPrefix: z >= 0 || c.args.includes('-b'),
        zGiven: z >= 0,
      };
    });
}
