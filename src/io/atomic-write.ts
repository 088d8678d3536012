// All-or-nothing output: every file is first written to a temporary name beside its target,
// and only when all of them were written are they renamed into place. On any failure the
// temporaries are removed and the existing outputs are left exactly as they were.

import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface OutputFile {
  path: string;
  bytes: Uint8Array;
}

export function writeFilesAtomically(files: readonly OutputFile[]): void {
  const tag = `${process.pid}.${randomBytes(4).toString('hex')}`;
  const staged: { temp: string; path: string }[] = [];
  try {
    for (const f of files) {
      const dir = dirname(f.path);
      mkdirSync(dir, { recursive: true });
      const temp = join(dir, `.${basename(f.path)}.${tag}.tmp`);
      staged.push({ temp, path: f.path });
      writeFileSync(temp, f.bytes, { flag: 'wx' });
    }
  } catch (err) {
    for (const s of staged) rmSync(s.temp, { force: true });
    throw err;
  }
  for (const s of staged) renameSync(s.temp, s.path);
}
