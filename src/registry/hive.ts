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

export class HiveRegistry implements WritableRegistry {
  private readonly controlSet: string;

  constructor(readonly hive: RegfHive) {
    const select = hive.openPath(['Select']);
    const current = select === undefined ? undefined : hive.getValue(select, 'Current');
    if (current === undefined || current.type !== RegType.DWORD || current.data.length !== 4) {
      // Located at the key the value was looked for in (\Select, else the root key).
      const at = (select ?? hive.rootOffset) + REGF_BASE_BLOCK_SIZE;
      throw new RegistryError(REGISTRY_ERRORS.BAD_HIVE, `${hive.fileName}: no REG_DWORD \\Select\\Current (key at file offset 0x${at.toString(16)}): not a SYSTEM hive`, hive.fileName);
    }
    this.controlSet = `ControlSet${String(decodeDword(current.data)).padStart(3, '0')}`;
  }

  /** HKLM-relative path → path inside the hive. */
  private parts(key: string): string[] {
    const parts = key.split('\\');
    if (parts[0]?.toLowerCase() !== 'system') {
      throw new RegistryError(REGISTRY_ERRORS.CONFLICT, `HKLM\\${key} is not in the SYSTEM hive`);
    }
    parts.shift();
    if (parts[0]?.toLowerCase() === 'currentcontrolset') parts[0] = this.controlSet;
    return parts;
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

export function openHiveFile(path: string): HiveRegistry {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new RegistryError(REGISTRY_ERRORS.BAD_HIVE, `${path}: cannot read: ${(err as Error).message}`, path);
  }
  return new HiveRegistry(RegfHive.open(bytes, path));
}

export interface HiveResult {
  changes: Change[];
  /** False when the hive already matched the plan and the file was left untouched. */
  written: boolean;
}

/** Resolves `plan` against the hive file and applies it: all of it, or nothing. */
export function applyToHiveFile(path: string, p: Plan, options: ApplyOptions = {}): HiveResult {
  // Read, edit and replace under the hive's lock: two edits of one hive run one after the other.
  return withFileLock(path, () => applyLocked(path, p, options));
}

function applyLocked(path: string, p: Plan, options: ApplyOptions): HiveResult {
  // What an edit killed midway left beside the hive goes first, even when nothing is to change.
  cleanStaleTemporaries([path]);
  const reg = openHiveFile(path);
  let changes: Change[];
  try {
    ({ changes } = resolve(p, reg) as Resolution);
    if (changes.length === 0) return { changes, written: false };
    applyChanges(reg, changes, options);
  } catch (err) {
    // "Sources is REG_TYPE_0x…", "does not exist": every failure names the hive it is about.
    if (err instanceof RegistryError && err.file === undefined && !err.message.includes(path)) throw new RegistryError(err.code, `${path}: ${err.message}`, path, err.line);
    throw err;
  }
  writeFilesAtomically([{ path, bytes: reg.hive.toBytes() }]);
  return { changes, written: true };
}
