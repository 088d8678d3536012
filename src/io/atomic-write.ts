// All-or-nothing output: every file is first written to a temporary name beside its target,
// and only when all of them were written are they renamed into place. On any failure the
// temporaries are removed and the existing outputs are left exactly as they were: a target that
// already existed is kept under a hard-linked backup name until every rename is done, so a rename
// that fails midway is rolled back too. A process killed midway (kill -9) leaves every target
// either its old bytes or its new bytes; the temporaries and backups it leaves behind are named
// after its pid and removed by the next write to the same targets once that pid is gone.
//
// Test hook: WINMC_IO_FAULT=kill:N kills the process (SIGKILL) at the Nth file-system operation
// (a chunk written, a link, a rename, a removal), WINMC_IO_FAULT=fail:N[:CODE] makes the Nth one
// fail with an errno CODE (default ENOSPC); WINMC_IO_FAULT=count prints how many there were at
// exit. withFileSystem does the same in-process.

import * as nodeFs from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface OutputFile {
  path: string;
  bytes: Uint8Array;
}

/** The file-system calls the writer makes; tests put a failing one in with withFileSystem. */
export interface FileSystemLayer {
  mkdirSync(path: string, options: { recursive: true }): unknown;
  openSync(path: string, flags: string): number;
  writeSync(fd: number, bytes: Uint8Array, offset: number, length: number): number;
  closeSync(fd: number): void;
  linkSync(existing: string, link: string): void;
  renameSync(from: string, to: string): void;
  rmSync(path: string, options: { force: true }): void;
  readdirSync(path: string): string[];
}

const NODE_FS: FileSystemLayer = {
  mkdirSync: (p, o) => nodeFs.mkdirSync(p, o),
  openSync: (p, f) => nodeFs.openSync(p, f),
  writeSync: (fd, b, o, l) => nodeFs.writeSync(fd, b, o, l),
  closeSync: (fd) => nodeFs.closeSync(fd),
  linkSync: (a, b) => nodeFs.linkSync(a, b),
  renameSync: (a, b) => nodeFs.renameSync(a, b),
  // Only files are removed here: unlink, and a file already gone is no error (rm -f), without
  // rmSync's option checks and lstat, which cost more than the unlink in a short run.
  rmSync: (p) => {
    try {
      nodeFs.unlinkSync(p);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  },
  readdirSync: (p) => nodeFs.readdirSync(p),
};

let fs: FileSystemLayer = faultyFromEnvironment(NODE_FS, process.env.WINMC_IO_FAULT);

/** Runs `fn` with `layer` in place of the file system (tests); restores the previous one after. */
export function withFileSystem<T>(layer: FileSystemLayer, fn: () => T): T {
  const previous = fs;
  fs = layer;
  try {
    return fn();
  } finally {
    fs = previous;
  }
}

/** The real file system, for layers that wrap it. */
export const nodeFileSystem: FileSystemLayer = NODE_FS;

/**
 * A layer whose Nth operation (1-based; chunks written, links, renames, removals) fails with
 * `code`, or kills the process when `code` is 'SIGKILL'. Operations after it succeed.
 */
export function faultyFileSystem(inner: FileSystemLayer, n: number, code = 'ENOSPC', onStep?: () => void): FileSystemLayer {
  let count = 0;
  const step = (what: string, path: string) => {
    onStep?.();
    if (++count !== n) return;
    if (code === 'SIGKILL') process.kill(process.pid, 'SIGKILL');
    const err = new Error(`${code}: injected fault at file-system operation ${n}, ${what} '${path}'`) as NodeJS.ErrnoException;
    err.code = code;
    throw err;
  };
  return {
    ...inner,
    writeSync: (fd, b, o, l) => (step('write', `fd ${fd}`), inner.writeSync(fd, b, o, l)),
    linkSync: (a, b) => (step('link', b), inner.linkSync(a, b)),
    renameSync: (a, b) => (step('rename', b), inner.renameSync(a, b)),
    rmSync: (p, o) => (step('remove', p), inner.rmSync(p, o)),
    openSync: (p, f) => (step('open', p), inner.openSync(p, f)),
  };
}

function faultyFromEnvironment(inner: FileSystemLayer, spec: string | undefined): FileSystemLayer {
  if (spec === 'count') {
    // Counts the operations a fault could hit, printed at exit: the range of N for kill:N.
    let count = 0;
    process.on('exit', () => process.stderr.write(`winmc-io-operations: ${count}\n`));
    return faultyFileSystem(inner, -1, 'ENOSPC', () => count++);
  }
  const m = spec === undefined ? null : /^(kill|fail):(\d+)(?::([A-Z]+))?$/.exec(spec);
  if (!m) return inner;
  return faultyFileSystem(inner, Number(m[2]), m[1] === 'kill' ? 'SIGKILL' : (m[3] ?? 'ENOSPC'));
}

/** A failed output: which file, what the system said, and that nothing was changed. */
export class OutputWriteError extends Error {
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(`cannot write ${path}: ${(cause as Error).message}; no output file was changed`, { cause });
    this.name = 'OutputWriteError';
  }
}

const CHUNK = 64 * 1024;
/** `.NAME.PID.HEX.tmp` and `.NAME.PID.HEX.old`, the names this module stages under. */
const STAGED = /^\.(.+)\.(\d+)\.[0-9a-f]{8}\.(?:tmp|old)$/;

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * What one run of writes has seen of its output directories: per directory, the staged names
 * (`.NAME.PID.HEX.tmp|old`) found by the first look and not removed since. A many-files compile
 * writes every input's outputs into the same few directories; reading each directory again for
 * every input made the scans grow with the square of the files (a build directory can hold
 * thousands). Names staged after the first look by a process that then died are left to the
 * next run.
 */
export type StagedScan = Map<string, string[]>;

/**
 * Removes the temporaries and backups of `targets` left by processes that no longer run (and by
 * earlier writes of this one: writes are synchronous, so none but `current` is under way).
 * `scan` carries one run's directory listings from write to write; without it, every call
 * reads the directories afresh.
 */
export function cleanStaleTemporaries(targets: readonly string[], current = '', scan: StagedScan = new Map()): void {
  const byDir = new Map<string, Set<string>>();
  for (const t of targets) {
    const names = byDir.get(dirname(t)) ?? new Set<string>();
    names.add(basename(t));
    byDir.set(dirname(t), names);
  }
  for (const [dir, names] of byDir) {
    let staged = scan.get(dir);
    if (staged === undefined) {
      let entries: string[];
      try {
        entries = fs.readdirSync(dir);
      } catch {
        continue;
      }
      staged = entries.filter((e) => STAGED.test(e) && (current === '' || !e.includes(`.${current}.`)));
    }
    const kept: string[] = [];
    for (const entry of staged) {
      const m = STAGED.exec(entry)!;
      const pid = Number(m[2]);
      if (names.has(m[1]!) && (pid === process.pid || !isAlive(pid))) fs.rmSync(join(dir, entry), { force: true });
      else kept.push(entry);
    }
    scan.set(dir, kept);
  }
}

/** A tag no other live process uses: the pid, and 32 random bits against a dead process of the same pid. */
function stagingTag(): string {
  const random = Math.floor(Math.random() * 0x100000000);
  return `${process.pid}.${random.toString(16).padStart(8, '0')}`;
}

function writeWhole(path: string, bytes: Uint8Array): void {
  const fd = fs.openSync(path, 'wx');
  try {
    for (let at = 0; at < bytes.length || at === 0; at += CHUNK) {
      const length = Math.min(CHUNK, bytes.length - at);
      if (length > 0) fs.writeSync(fd, bytes, at, length);
      if (bytes.length === 0) break;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** `scan`: one run's directory listings (see StagedScan), shared by the writes of a many-files compile. */
export function writeFilesAtomically(files: readonly OutputFile[], scan?: StagedScan): void {
  const tag = stagingTag();
  const staged: { temp: string; path: string; backup: string | undefined }[] = [];
  let failed: string | undefined;
  // Directories made by this call, or seen by this run (scan): each is made once, not per file.
  const made = new Set<string>();
  try {
    for (const f of files) {
      failed = f.path;
      const dir = dirname(f.path);
      const seen = scan?.has(dir) ?? false;
      if (!seen && !made.has(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      const temp = join(dir, `.${basename(f.path)}.${tag}.tmp`);
      const entry = { temp, path: f.path, backup: undefined as string | undefined };
      staged.push(entry);
      try {
        writeWhole(temp, f.bytes);
      } catch (err) {
        // A directory this run saw and somebody removed since: made again, once.
        if (!seen || (err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        fs.mkdirSync(dir, { recursive: true });
        writeWhole(temp, f.bytes);
      }
    }
    failed = undefined;
    cleanStaleTemporaries(
      files.map((f) => f.path),
      tag,
      scan,
    );
    for (const s of staged) {
      failed = s.path;
      // The target's backup, when there is a target: the link itself says whether there is.
      const backup = join(dirname(s.path), `.${basename(s.path)}.${tag}.old`);
      try {
        fs.linkSync(s.path, backup);
        s.backup = backup;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
  } catch (err) {
    for (const s of staged) {
      nodeFs.rmSync(s.temp, { force: true });
      if (s.backup) nodeFs.rmSync(s.backup, { force: true });
    }
    throw new OutputWriteError(failed ?? files[0]?.path ?? '', err);
  }
  const renamed: typeof staged = [];
  try {
    for (const s of staged) {
      failed = s.path;
      fs.renameSync(s.temp, s.path);
      renamed.push(s);
    }
  } catch (err) {
    // Put back the files already replaced, then drop what is left.
    for (const s of renamed) {
      if (s.backup) nodeFs.renameSync(s.backup, s.path);
      else nodeFs.rmSync(s.path, { force: true });
    }
    for (const s of staged) {
      nodeFs.rmSync(s.temp, { force: true });
      if (s.backup) nodeFs.rmSync(s.backup, { force: true });
    }
    throw new OutputWriteError(failed ?? '', err);
  }
  // Every target is new now; a backup that cannot be removed is left to the next run's cleanup.
  for (const s of staged) {
    if (!s.backup) continue;
    try {
      fs.rmSync(s.backup, { force: true });
    } catch {
      // The write itself succeeded: one more try, else the next write's cleanup removes it.
      try {
        nodeFs.rmSync(s.backup, { force: true });
      } catch {
        // left for cleanStaleTemporaries (this run's next look at the directory too)
        scan?.get(dirname(s.backup))?.push(basename(s.backup));
      }
    }
  }
}

/**
 * Runs `fn` holding `PATH.lock`, created exclusively with this process's pid in it: two edits of
 * one file (a hive) run one after the other. A lock whose process is gone is taken over; one held
 * longer than `timeoutMs` by a live process is an error naming it.
 */
export function withFileLock<T>(path: string, fn: () => T, timeoutMs = 15_000): T {
  const lock = `${path}.lock`;
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      const fd = nodeFs.openSync(lock, 'wx');
      nodeFs.writeSync(fd, String(process.pid));
      nodeFs.closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder = NaN;
    try {
      holder = Number(nodeFs.readFileSync(lock, 'utf8'));
    } catch {
      continue; // released meanwhile
    }
    // A lock without a pid yet is being written by its owner; one whose pid is gone is stale.
    if (Number.isInteger(holder) && holder > 0 && !isAlive(holder)) {
      nodeFs.rmSync(lock, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`${path} is being edited by ${Number.isInteger(holder) && holder > 0 ? `process ${holder}` : 'another process'} (lock file ${lock}); try again when it is done`);
    Atomics.wait(pause, 0, 0, 10);
  }
  try {
    return fn();
  } finally {
    nodeFs.rmSync(lock, { force: true });
  }
}
