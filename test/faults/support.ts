// Faults while writing (issue 17): what kill.test.ts, kill-register.test.ts and write-failures.test.ts share. kill -9 at seeded points while `compile` writes many outputs,
// while `register` edits a hive and while it writes .reg and INF files: every file is then its old
// bytes or its new bytes, and the temporaries a killed run leaves are removed by the next run. A
// write that fails midway (a file-system layer failing its Nth operation: ENOSPC, EACCES) leaves
// the old files and says which file; two concurrent edits of one hive serialise. The kill points
// are the file-system operations of atomic-write.ts (each 64 KiB chunk, link, rename, removal),
// chosen by WINMC_IO_FAULT=kill:N in the child; FAULT_SEED picks them, FAULT_POINTS how many.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RegfHive } from '../../src/registry/regf.js';
import { dwordValue, multiStringValue } from '../../src/registry/values.js';
import { repoRoot } from '../support/paths.js';

export const work = mkdtempSync(join(tmpdir(), 'winmc-faults-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
export const bin = join(repoRoot, 'bin', 'winmc.js');
export const built = existsSync(join(repoRoot, 'dist', 'cli', 'main.js'));
export const seed = Number(process.env.FAULT_SEED ?? 17) >>> 0;
export const points = Number(process.env.FAULT_POINTS ?? 0);

/** The seeded generator of the kill points (mulberry32). */
export function rng(s: number): () => number {
  return () => {
    let t = (s = (s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every file of a directory tree: relative path → bytes. */
export function snapshot(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string, prefix: string) => {
    if (!existsSync(d)) return;
    for (const name of readdirSync(d, { withFileTypes: true })) {
      if (name.isDirectory()) walk(join(d, name.name), `${prefix}${name.name}/`);
      else out.set(prefix + name.name, readFileSync(join(d, name.name)));
    }
  };
  walk(dir, '');
  return out;
}

export const STAGED = /(^|\/)\.[^/]+\.\d+\.[0-9a-f]{8}\.(tmp|old)$/;

/** Runs winmc with `args`; `kill` is the file-system operation to die at (kill -9), if any. */
export function winmc(args: string[], cwd: string, fault?: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, ...(fault ? { WINMC_IO_FAULT: fault } : {}) }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

/** The file-system operations of a run (WINMC_IO_FAULT=count): the kill points to choose from. */
export async function countOperations(args: string[], cwd: string): Promise<number> {
  const r = await winmc(args, cwd, 'count');
  return Number(/winmc-io-operations: (\d+)/.exec(r.stderr)?.[1] ?? 0);
}

export interface Scenario {
  name: string;
  /** Sets `dir` up with version 0 and returns the arguments that write version `v` (0 or 1). */
  setup(dir: string): (v: number) => string[];
  /** The files the scenario writes, relative to its directory (a killed run may leave others: temporaries). */
  outputs(dir: string): string[];
  points: number;
  /** Whether `bytes` are what version `v` writes (default: the bytes of a clean run). */
  isNew?(bytes: Buffer, v: number): boolean;
}

export function mcSource(version: number, languages: number): string {
  const langs = ['English=0x409:MSG00409', 'German=0x407:MSG00407', 'French=0x40c:MSG0040C', 'Spanish=0xc0a:MSG00C0A', 'Italian=0x410:MSG00410', 'Dutch=0x413:MSG00413', 'Polish=0x415:MSG00415', 'Czech=0x405:MSG00405'].slice(0, languages);
  let text = `LanguageNames=(${langs.join(' ')})\r\n`;
  for (let id = 1; id <= 150; id++) {
    text += `MessageId=${id}\r\nSymbolicName=MSG_${id}\r\n`;
    for (const l of langs) text += `Language=${l.split('=')[0]}\r\nMessage ${id} in ${l.split('=')[0]}, version ${version}: ${'x'.repeat(20)}\r\n.\r\n`;
  }
  return text;
}

export function systemHive(): Uint8Array {
  const hive = RegfHive.create('SYSTEM', 'seed');
  hive.setValue(hive.createSubkey(hive.rootOffset, 'Select'), 'Current', dwordValue(1));
  let key = hive.createSubkey(hive.rootOffset, 'ControlSet001');
  key = hive.createSubkey(key, 'Services');
  key = hive.createSubkey(key, 'EventLog');
  const system = hive.createSubkey(key, 'System');
  hive.setValue(system, 'Sources', multiStringValue(['System']));
  hive.createSubkey(key, 'Application');
  return hive.toBytes();
}

export const registerArgs = (target: string, v: number) => ['register', '--log', 'System', '--source', 'WinmcFault', '--message-file', `%SystemRoot%\\System32\\drivers\\winmc${v}.sys`, '--types', String(v === 0 ? 7 : 5), '--target', target];

export const SCENARIOS: Scenario[] = [
  {
    name: 'compile: 8 message tables, header, .rc, .res and DLL',
    points: 150,
    setup(dir) {
      writeFileSync(join(dir, 'v0.mc'), mcSource(0, 8));
      writeFileSync(join(dir, 'v1.mc'), mcSource(1, 8));
      return (v) => ['compile', '-h', 'out', '-r', 'out', '-z', 'faults', '--res', 'out/faults.res', '--dll', 'out/faults.dll', `v${v}.mc`];
    },
    outputs: () => ['out/faults.h', 'out/faults.rc', 'out/faults.res', 'out/faults.dll', ...['00409', '00407', '0040C', '00C0A', '00410', '00413', '00415', '00405'].map((l) => `out/faults_MSG${l}.bin`)],
  },
  {
    name: 'register: an offline hive',
    points: 50,
    setup(dir) {
      writeFileSync(join(dir, 'SYSTEM'), systemHive());
      return (v) => registerArgs('hive:SYSTEM', v);
    },
    outputs: () => ['SYSTEM'],
    // An edit's bytes depend on the hive's history (cell allocation): read the values back.
    isNew(bytes, v) {
      try {
        const hive = RegfHive.open(new Uint8Array(bytes), 'SYSTEM');
        const key = hive.openPath(['ControlSet001', 'Services', 'EventLog', 'System', 'WinmcFault']);
        const file = key === undefined ? undefined : hive.getValue(key, 'EventMessageFile');
        return file !== undefined && Buffer.from(file.data).toString('utf16le').startsWith(`%SystemRoot%\\System32\\drivers\\winmc${v}.sys`);
      } catch {
        return false;
      }
    },
  },
  {
    name: 'register: a .reg file',
    points: 40,
    setup: () => (v) => registerArgs('reg:source.reg', v),
    outputs: () => ['source.reg'],
  },
  {
    name: 'register: an INF AddReg section',
    points: 40,
    setup: () => (v) => registerArgs('inf:source.inf', v),
    outputs: () => ['source.inf'],
  },
];


/** The kill -9 test of the scenarios `indexes`. */
export function killTests(indexes: number[]): void {
describe.skipIf(!built)(`kill -9 while writing (FAULT_SEED=${seed}${built ? '' : '; skipped: dist/ is not built'})`, () => {
  for (const index of indexes) {
    const s = SCENARIOS[index]!;
    it(`${s.name}: every file is its old or its new bytes; the next run removes the temporaries`, { timeout: 120_000 }, async () => {
      const dir = join(work, `kill-${index}`);
      mkdirSync(dir, { recursive: true });
      const argsFor = s.setup(dir);
      // The bytes of each version, from clean runs in their own directories.
      const versions = [0, 1].map((v) => {
        const ref = join(work, `ref-${index}-${v}`);
        rmSync(ref, { recursive: true, force: true });
        mkdirSync(ref, { recursive: true });
        s.setup(ref);
        const r = spawnSync(process.execPath, [bin, ...argsFor(v)], { cwd: ref, encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        return snapshot(ref);
      });
      for (const f of s.outputs(dir)) expect(versions[0]!.has(f) && versions[1]!.has(f), f).toBe(true);
      expect((await winmc(argsFor(0), dir)).code).toBe(0);
      const total = await countOperations(argsFor(1), join(work, `ref-${index}-0`));
      if (process.env.FAULT_REPORT) console.log(`${s.name}: ${total} file-system operations, ${points > 0 ? points : s.points} kill points`);
      expect(total).toBeGreaterThan(3);
      const next = rng(seed + index);
      const count = points > 0 ? points : s.points;
      let killed = 0;
      let v = 0;
      for (let i = 0; i < count; i++) {
        v = next() < 0.5 ? 0 : 1;
        const point = 1 + Math.floor(next() * total);
        const before = snapshot(dir);
        const r = await winmc(argsFor(v), dir, `kill:${point}`);
        if (r.signal === 'SIGKILL') killed++;
        else expect(r.code, r.stderr).toBe(0);
        const now = snapshot(dir);
        for (const f of s.outputs(dir)) {
          const bytes = now.get(f);
          const isOld = bytes !== undefined && bytes.equals(before.get(f)!);
          const isNew = bytes !== undefined && (s.isNew ? s.isNew(bytes, v) : bytes.equals(versions[v]!.get(f)!));
          expect(isOld || isNew, `${f} after a kill at operation ${point} of ${total} is neither its old nor its new bytes`).toBe(true);
        }
      }
      // A clean run finishes the job and removes what the killed runs left.
      expect((await winmc(argsFor(1 - v), dir)).code).toBe(0);
      const after = snapshot(dir);
      expect([...after.keys()].filter((f) => STAGED.test(f) || f.endsWith('.lock'))).toEqual([]);
      expect(killed).toBeGreaterThan(count / 2);
    });
  }
});

}
