// A write that fails midway, concurrent hive edits, the rename of a hive (issue 17).

import { existsSync, mkdirSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { faultyFileSystem, nodeFileSystem, OutputWriteError, withFileLock, withFileSystem, writeFilesAtomically } from '../../src/io/atomic-write.js';
import { RegfHive } from '../../src/registry/regf.js';
import { applyToHiveFile } from '../../src/registry/hive.js';
import { validateRegistration } from '../../src/registry/model.js';
import { plan } from '../../src/registry/plan.js';
import { built, mcSource, snapshot, systemHive, winmc, work } from './support.js';

describe('a write that fails midway', () => {
  const files = (dir: string, v: string) => Array.from({ length: 6 }, (_, i) => ({ path: join(dir, `out${i}.bin`), bytes: new Uint8Array(100_000 + i).fill(v.charCodeAt(0)) }));

  it('at every file-system operation: the old files stay, nothing is left behind, the error names the file', () => {
    const dir = join(work, 'fail-nth');
    mkdirSync(dir, { recursive: true });
    writeFilesAtomically(files(dir, 'a'));
    const before = snapshot(dir);
    let ops = 0;
    // Count the operations of one write by failing later and later until it succeeds.
    for (let n = 1; ; n++) {
      let error: unknown;
      for (const code of ['ENOSPC', 'EACCES']) {
        error = undefined;
        try {
          withFileSystem(faultyFileSystem(nodeFileSystem, n, code), () => writeFilesAtomically(files(dir, 'b')));
        } catch (err) {
          error = err;
        }
        if (error === undefined) break;
        expect(error).toBeInstanceOf(OutputWriteError);
        expect((error as Error).message).toMatch(new RegExp(`^cannot write ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/out\\d\\.bin: ${code}: .*; no output file was changed$`));
        const now = snapshot(dir);
        expect([...now.keys()].sort()).toEqual([...before.keys()].sort());
        for (const [f, b] of before) expect(now.get(f)!.equals(b), `${f} after a failure at operation ${n}`).toBe(true);
      }
      if (error === undefined) {
        ops = n - 1;
        break;
      }
    }
    expect(ops).toBeGreaterThan(12);
    for (const [f, b] of snapshot(dir)) expect(b[0], f).toBe('b'.charCodeAt(0));
  });

  it('compile with a failing write exits 1 with the file named and the old outputs intact', { timeout: 60_000 }, async () => {
    if (!built) return;
    const dir = join(work, 'fail-compile');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'v0.mc'), mcSource(0, 2));
    writeFileSync(join(dir, 'v1.mc'), mcSource(1, 2));
    expect((await winmc(['compile', '-h', 'out', '-r', 'out', 'v0.mc'], dir)).code).toBe(0);
    const before = snapshot(dir);
    for (const n of [1, 2, 3, 5, 8]) {
      const r = await winmc(['compile', '-h', 'out', '-r', 'out', 'v1.mc'], dir, `fail:${n}:ENOSPC`);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/cannot write .*out.*: ENOSPC: .*no output file was changed/);
      const now = snapshot(dir);
      expect([...now.keys()].sort()).toEqual([...before.keys()].sort());
      for (const [f, b] of before) expect(now.get(f)!.equals(b), f).toBe(true);
    }
  });
});

describe('two concurrent edits of one hive', () => {
  it('serialise through the lock: both sources are registered, the hive reads back', { timeout: 60_000 }, async () => {
    if (!built) return;
    const dir = join(work, 'concurrent');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'SYSTEM'), systemHive());
    const runs = await Promise.all(
      ['A', 'B', 'C', 'D'].map((s) => winmc(['register', '--log', 'System', '--source', `Winmc${s}`, '--message-file', `%SystemRoot%\\${s}.sys`, '--target', 'hive:SYSTEM'], dir)),
    );
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const hive = RegfHive.open(new Uint8Array(readFileSync(join(dir, 'SYSTEM'))), 'SYSTEM');
    const system = hive.openPath(['ControlSet001', 'Services', 'EventLog', 'System'])!;
    expect(hive.subkeys(system).map((k) => hive.keyName(k)).sort()).toEqual(['WinmcA', 'WinmcB', 'WinmcC', 'WinmcD']);
    expect(existsSync(join(dir, 'SYSTEM.lock'))).toBe(false);
  });

  it('a lock held by a live process past the timeout fails cleanly; a dead holder is taken over', () => {
    const path = join(work, 'locked.hive');
    writeFileSync(`${path}.lock`, String(process.ppid));
    expect(() => withFileLock(path, () => 1, 50)).toThrow(/is being edited by process \d+ \(lock file .*locked\.hive\.lock\); try again/);
    writeFileSync(`${path}.lock`, '999999999');
    expect(withFileLock(path, () => 2, 50)).toBe(2);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('the hive is replaced by a rename: a reader holding the old file still sees the old bytes', () => {
    const path = join(work, 'renamed.hive');
    writeFileSync(path, systemHive());
    const before = readFileSync(path);
    const fd = nodeFileSystem.openSync(path, 'r');
    const registration = validateRegistration({ log: 'System', source: 'WinmcR', eventMessageFiles: ['%SystemRoot%\\r.sys'] });
    expect(applyToHiveFile(path, plan(registration)).written).toBe(true);
    const old = Buffer.alloc(before.length);
    readSync(fd, old, 0, old.length, 0);
    nodeFileSystem.closeSync(fd);
    expect(old.equals(before)).toBe(true);
    expect(readFileSync(path).equals(before)).toBe(false);
  });
});

describe("a run's writes share one look at each directory", () => {
  // A pid no process has: above the kernel's pid_max (at most 2^22).
  const deadPid = 4_194_305;

  it('reads the directory once, and still removes the dead temporaries of every later target', () => {
    const dir = join(work, 'shared-scan');
    mkdirSync(dir, { recursive: true });
    const stale = (name: string) => join(dir, `.${name}.${deadPid}.0badc0de.tmp`);
    for (const name of ['a.h', 'b.h', 'c.h']) writeFileSync(stale(name), 'stale');
    let reads = 0;
    const counting = { ...nodeFileSystem, readdirSync: (p: string) => (reads++, nodeFileSystem.readdirSync(p)) };
    const scan = new Map<string, string[]>();
    withFileSystem(counting, () => {
      for (const name of ['a.h', 'b.h']) writeFilesAtomically([{ path: join(dir, name), bytes: Buffer.from(name) }], scan);
    });
    expect(reads).toBe(1);
    expect(existsSync(stale('a.h'))).toBe(false);
    expect(existsSync(stale('b.h'))).toBe(false);
    // Not a target of this run: left to the run that writes c.h.
    expect(existsSync(stale('c.h'))).toBe(true);
    withFileSystem(counting, () => writeFilesAtomically([{ path: join(dir, 'c.h'), bytes: Buffer.from('c') }]));
    expect(reads).toBe(2);
    expect(existsSync(stale('c.h'))).toBe(false);
    expect(readFileSync(join(dir, 'b.h'), 'utf8')).toBe('b.h');
  });

  it('makes each output directory once a run, and again when it was removed since', () => {
    const dir = join(work, 'shared-scan-dirs', 'out');
    let mkdirs = 0;
    const counting = { ...nodeFileSystem, mkdirSync: (p: string, o: { recursive: true }) => (mkdirs++, nodeFileSystem.mkdirSync(p, o)) };
    const scan = new Map<string, string[]>();
    const files = (names: string[]) => names.map((n) => ({ path: join(dir, n), bytes: Buffer.from(n) }));
    withFileSystem(counting, () => {
      writeFilesAtomically(files(['a.h', 'a.rc', 'a.bin']), scan);
      writeFilesAtomically(files(['b.h', 'b.rc']), scan);
    });
    expect(mkdirs).toBe(1);
    rmSync(dir, { recursive: true });
    withFileSystem(counting, () => writeFilesAtomically(files(['c.h']), scan));
    expect(mkdirs).toBe(2);
    expect(readFileSync(join(dir, 'c.h'), 'utf8')).toBe('c.h');
  });
});
