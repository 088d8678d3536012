// Shared test helpers: where the corpus and the resource-compiler peers are, and how to run them.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { corpusRoot, repoRoot } from '../support/paths.js';

export { corpusRoot, hasCorpus, repoRoot } from '../support/paths.js';

export function hasTool(path: string, args: string[] = ['--version']): boolean {
  try {
    return spawnSync(path, args, { stdio: 'ignore' }).error === undefined;
  } catch {
    return false;
  }
}

export const LLVM_RC = 'llvm-rc-14';
export const WINDRES = 'x86_64-w64-mingw32-windres';
export const WRC = '/usr/lib/wine/wrc';
export const WINEDUMP = '/usr/lib/wine/winedump';
export const OBJDUMP = 'x86_64-w64-mingw32-objdump';
export const MINGW_GCC = 'x86_64-w64-mingw32-gcc';

export function tempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `winmc-${tag}-`));
}

export function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
}

/** One message table of a corpus case: its language and the genuine mc.exe .bin. */
export interface CorpusTable {
  languageId: number;
  file: string;
  data: Uint8Array;
}

/**
 * The message tables of a corpus case in the order of its mc.exe .rc. A case whose repository
 * kept no .rc gets its languages from the .bin names (MSG00001 is the built-in English, 0x409).
 */
export function corpusTables(caseDir: string): CorpusTable[] | undefined {
  const expected = join(caseDir, 'expected');
  const files = readdirSync(expected);
  const rcName = files.find((f) => f.toLowerCase().endsWith('.rc'));
  const pairs: { languageId: number; file: string }[] = [];
  if (rcName) {
    let languageId = -1;
    for (const line of readFileSync(join(expected, rcName), 'latin1').split(/\r?\n/)) {
      const lang = /^LANGUAGE\s+0x([0-9a-f]+)\s*,\s*0x([0-9a-f]+)/i.exec(line);
      if (lang) languageId = (parseInt(lang[2]!, 16) << 10) | parseInt(lang[1]!, 16);
      const res = /^1\s+11\s+"?([^"]+?)"?\s*$/.exec(line);
      if (res) pairs.push({ languageId, file: res[1]! });
    }
  } else {
    for (const f of files.filter((f) => f.toLowerCase().endsWith('.bin')).sort()) {
      const hex = /MSG([0-9a-f]+)\.bin$/i.exec(f);
      if (!hex) return undefined;
      const id = parseInt(hex[1]!, 16);
      pairs.push({ languageId: id === 1 ? 0x409 : id, file: f });
    }
  }
  if (pairs.length === 0 || pairs.some((p) => !files.includes(p.file))) return undefined;
  return pairs.map((p) => ({ ...p, data: new Uint8Array(readFileSync(join(expected, p.file))) }));
}

/** An mc.exe-style .rc naming the tables' files (CR LF, quoted names). */
export function rcFor(tables: readonly { languageId: number; file: string }[]): string {
  return tables
    .map((t) => `LANGUAGE 0x${(t.languageId & 0x3ff).toString(16)},0x${(t.languageId >> 10).toString(16)}\r\n1 11 "${t.file}"\r\n`)
    .join('');
}
