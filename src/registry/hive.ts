// The offline-hive backend: a SYSTEM hive file edited in place. The plan's paths are relative to
// HKLM; in an offline SYSTEM hive the root is HKLM\SYSTEM and CurrentControlSet does not exist,
// so it maps to ControlSet00N with N from \Select\Current. All edits happen on a copy in memory;
// the file is replaced by a rename only when every change succeeded.

import { readFileSync } from 'node:fs';
import { cleanStaleTemporaries, withFileLock, writeFilesAtomically } from '../io/atomic-write.js';
import { type ApplyOptions, type WritableRegistry, applyChanges } from './apply.js';
import { REGISTRY_ERRORS, RegistryError } from './errors.js';
import { type Change, type Plan, type Resolution, resolve } from './plan.js';
import { RegfHive } from './regf.js';

/** The regf base block before the first hbin: cell offsets count from its end. */
const REGF_BASE_BLOCK_SIZE = 4096;
import { RegType, decodeDword, type RegValue } from './values.js';

/**
 * A hive file seen as HKLM: the plan's HKLM-relative keys are mapped to paths inside a hive whose
 * root is HKLM\\<root> (SYSTEM or SOFTWARE). The backends of both differ only in that mapping.
 */
export abstract class MountedHive implements WritableRegistry {
  constructor(
    readonly hive: RegfHive,
    private readonly root: 'SYSTEM' | 'SOFTWARE',
  ) {}

  /** Maps the path inside the hive further (CurrentControlSet in a SYSTEM hive). */
  protected mapPath(parts: string[]): string[] {
    return parts;
  }

  /** HKLM-relative path → path inside the hive. */
  private parts(key: string): string[] {
    const parts = key.split('\\');
    if (parts[0]?.toUpperCase() !== this.root) {
      throw new RegistryError(REGISTRY_ERRORS.CONFLICT, `HKLM\\${key} is not in the ${this.root} hive`);
    }
    return this.mapPath(parts.slice(1));
  }

  private open(key: string): number | undefined {
    return this.hive.openPath(this.parts(key));
  }

  private need(key: string): number {
    const nk = this.open(key);
    if (nk === undefined) throw new RegistryError(REGISTRY_ERRORS.WRITE_FAILED, `HKLM\\${key} does not exist in ${this.hive.fileName}`);
    return nk;
  }

  keyExists(key: string): boolean {
    return this.open(key) !== undefined;
  }
  getValue(key: string, name: string): RegValue | undefined {
    const nk = this.open(key);
    return nk === undefined ? undefined : this.hive.getValue(nk, name);
  }
  valueNames(key: string): string[] {
    const nk = this.open(key);
    return nk === undefined ? [] : this.hive.valueNames(nk);
  }
  subkeyNames(key: string): string[] {
    const nk = this.open(key);
    return nk === undefined ? [] : this.hive.subkeys(nk).map((k) => this.hive.keyName(k));
  }

  createKey(key: string): void {
    const parts = this.parts(key);
    const leaf = parts.pop()!;
    const parent = this.hive.openPath(parts);
    if (parent === undefined) throw new RegistryError(REGISTRY_ERRORS.WRITE_FAILED, `parent of HKLM\\${key} does not exist`);
    this.hive.createSubkey(parent, leaf);
  }
  deleteKey(key: string): void {
    const parts = this.parts(key);
    const leaf = parts.pop()!;
    const parent = this.hive.openPath(parts);
    if (parent !== undefined) this.hive.deleteEmptySubkey(parent, leaf);
  }
  setValue(key: string, name: string, value: RegValue): void {
    this.hive.setValue(this.need(key), name, value);
  }
  deleteValue(key: string, name: string): void {
    this.hive.deleteValue(this.need(key), name);
  }
}

export class HiveRegistry extends MountedHive {
  private readonly controlSet: string;

  constructor(hive: RegfHive) {
    super(hive, 'SYSTEM');
    const select = hive.openPath(['Select']);
    const current = select === undefined ? undefined : hive.getValue(select, 'Current');
    if (current === undefined || current.type !== RegType.DWORD || current.data.length !== 4) {
      // Located at the key the value was looked for in (\Select, else the root key).
      const at = (select ?? hive.rootOffset) + REGF_BASE_BLOCK_SIZE;
      throw new RegistryError(REGISTRY_ERRORS.BAD_HIVE, `${hive.fileName}: no REG_DWORD \\Select\\Current (key at file offset 0x${at.toString(16)}): not a SYSTEM hive`, hive.fileName);
    }
    this.controlSet = `ControlSet${String(decodeDword(current.data)).padStart(3, '0')}`;
  }

  protected override mapPath(parts: string[]): string[] {
    if (parts[0]?.toLowerCase() === 'currentcontrolset') return [this.controlSet, ...parts.slice(1)];
    return parts;
  }
}

/** Reads a hive file, or fails naming it. */
export function readHiveFile(path: string): RegfHive {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new RegistryError(REGISTRY_ERRORS.BAD_HIVE, `${path}: cannot read: ${(err as Error).message}`, path);
  }
  return RegfHive.open(bytes, path);
}

/**
 * One edit of a hive file, all of it or nothing, under the hive's lock (two edits of one hive run
 * one after the other): `edit` changes the registry in memory and says whether anything changed;
 * the file is replaced by a rename only then. Every failure names the hive it is about.
 */
export function editHiveFile<R extends MountedHive, T>(path: string, open: (hive: RegfHive) => R, edit: (reg: R) => { result: T; changed: boolean }): T {
  return withFileLock(path, () => {
    // What an edit killed midway left beside the hive goes first, even when nothing is to change.
    cleanStaleTemporaries([path]);
    const reg = open(readHiveFile(path));
    let outcome: { result: T; changed: boolean };
    try {
      outcome = edit(reg);
    } catch (err) {
      // "Sources is REG_TYPE_0x…", "does not exist": every failure names the hive it is about.
      if (err instanceof RegistryError && err.file === undefined && !err.message.includes(path)) throw new RegistryError(err.code, `${path}: ${err.message}`, path, err.line);
      throw err;
    }
    if (outcome.changed) writeFilesAtomically([{ path, bytes: reg.hive.toBytes() }]);
    return outcome.result;
  });
}

export function openHiveFile(path: string): HiveRegistry {
  return new HiveRegistry(readHiveFile(path));
}

export interface HiveResult {
  changes: Change[];
  /** False when the hive already matched the plan and the file was left untouched. */
  written: boolean;
}

/** Resolves `plan` against the hive file and applies it: all of it, or nothing. */
export function applyToHiveFile(path: string, p: Plan, options: ApplyOptions = {}): HiveResult {
  return editHiveFile(path, (hive) => new HiveRegistry(hive), (reg) => {
    const { changes } = resolve(p, reg) as Resolution;
    if (changes.length > 0) applyChanges(reg, changes, options);
    return { result: { changes, written: changes.length > 0 }, changed: changes.length > 0 };
  });
}
