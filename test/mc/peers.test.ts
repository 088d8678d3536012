// Differential check against binutils windmc and Wine's wmc on the large real files, where
// MC-SPEC.md §9 says they follow mc.exe's rules: the peers copy line ends raw, so they get the
// source with CR LF line ends (mc.exe, and winmc, store CR LF whatever the source has).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileMc } from '../../src/mc/compile.js';
import { corpusRoot, hasCorpus, largeInputs } from '../support/paths.js';

const WINDMC = 'x86_64-w64-mingw32-windmc';
const WMC = '/usr/lib/wine/wmc';
const hasWindmc = (() => {
  try {
    execFileSync(WINDMC, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const hasWmc = existsSync(WMC);

// wmc decodes 8-bit input with each language's OEM code page (850, 866…), mc.exe with the ANSI
// code page: for these two 8-bit files its text differs by design (MC-SPEC.md §9).
const WMC_OEM_DECODING = new Set(['biddyweb__Kernel__de-DE', 'biddyweb__Kernel__ru-RU']);
// Wine's winerror.mc uses Facility=Null, which mc.exe (and winmc) reject.
const REJECTED = new Set(['Kron4ek__wine-tkg__winerror']);

/** Reads `LANGUAGE p, s` / `1 MESSAGETABLE "file"` pairs from a peer's .rc: LANGID → .bin path. */
function peerTables(rc: string, dir: string): Map<number, string> {
  const map = new Map<number, string>();
  let lang: number | undefined;
  for (const line of rc.split(/\r?\n/)) {
    const l = /^LANGUAGE\s+0x([0-9a-f]+),\s*0x([0-9a-f]+)/i.exec(line);
    if (l) lang = parseInt(l[1]!, 16) | (parseInt(l[2]!, 16) << 10);
    const m = /MESSAGETABLE\s+"?([^"\s]+)"?/.exec(line);
    if (m && lang !== undefined) map.set(lang, join(dir, m[1]!));
  }
  return map;
}

const work = mkdtempSync(join(tmpdir(), 'winmc-peers-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const peers = [
  { name: 'windmc', present: hasWindmc, skip: new Set<string>(), run: (mc: string, out: string, cp: number) => execFileSync(WINDMC, ['-C', String(cp), '-U', '-h', out, '-r', out, mc], { cwd: out, stdio: 'ignore' }), rc: (out: string) => readdirSync(out).find((f) => f.endsWith('.rc'))! },
  { name: 'wmc', present: hasWmc, skip: WMC_OEM_DECODING, run: (mc: string, out: string) => execFileSync(WMC, ['-o', 'peer.rc', '-H', 'peer.h', mc], { cwd: out, stdio: 'ignore' }), rc: () => 'peer.rc' },
];

for (const peer of peers) {
  const why = !hasCorpus ? `no corpus at ${corpusRoot}` : !peer.present ? `${peer.name} not installed` : '';
  describe.skipIf(why !== '')(`.bin identical to ${peer.name}${why ? ` (skipped: ${why})` : ''}`, () => {
    for (const input of why ? [] : largeInputs()) {
      if (REJECTED.has(input.name) || peer.skip.has(input.name)) continue;
      it(input.name, () => {
        const out = join(work, peer.name, input.name);
        mkdirSync(out, { recursive: true });
        const source = readFileSync(input.path);
        const crlf = join(out, 'input.mc');
        writeFileSync(crlf, Buffer.from(source.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1'));
        peer.run(crlf, out, input.codepage);
        const tables = peerTables(readFileSync(join(out, peer.rc(out)), 'latin1'), out);
        const ours = compileMc(source, { inputName: 'input.mc', ansiCodepage: input.codepage }).files.filter((f) => f.kind === 'bin');
        expect(ours.length).toBeGreaterThan(0);
        for (const bin of ours) {
          const theirs = tables.get(bin.languageId!);
          expect(theirs, `${peer.name} wrote no table for LANGID 0x${bin.languageId!.toString(16)}`).toBeDefined();
          expect(Buffer.compare(Buffer.from(bin.bytes), readFileSync(theirs!)), `${bin.name} differs from ${theirs}`).toBe(0);
        }
      });
    }
  });
}
