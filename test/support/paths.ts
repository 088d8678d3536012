import { existsSync, readdirSync } from 'node:fs';
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

/** The big real .mc files of corpus/large (ru-RU is in code page 1251). */
export function largeInputs(): { name: string; path: string; codepage: number }[] {
  return readdirSync(join(corpusRoot, 'large'))
    .sort()
    .map((name) => {
      const file = readdirSync(join(corpusRoot, 'large', name)).find((f) => f.toLowerCase().endsWith('.mc'))!;
      return { name, path: join(corpusRoot, 'large', name, file), codepage: name.endsWith('ru-RU') ? 1251 : 1252 };
    });
}

