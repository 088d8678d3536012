// Publishers live in the SOFTWARE hive (Windows\System32\config\SOFTWARE of an image), whose root
// is HKLM\SOFTWARE. The same all-or-nothing rule as the SYSTEM backend (hive.ts): every change is
// made to a copy in memory and the file is replaced by a rename only when all of them succeeded.

import { readFileSync } from 'node:fs';
import { writeFilesAtomically } from '../io/atomic-write.js';
import { type ApplyOptions, type WritableRegistry, applyChanges } from './apply.js';
import { REGISTRY_ERRORS, RegistryError } from './errors.js';
import type { Change } from './plan.js';
import { type PublisherPlan, resolvePublisher } from './publisher.js';
import { RegfHive } from './regf.js';
import type { RegValue } from './values.js';

export class SoftwareHiveRegistry implements WritableRegistry {
  constructor(readonly hive: RegfHive) {
    const root = hive.openPath([]);
    const names = root === undefined ? [] : hive.subkeys(root).map((k) => hive.keyName(k).toLowerCase());
    if (names.includes('select') && !names.includes('microsoft')) {
      throw new RegistryError(REGISTRY_ERRORS.BAD_HIVE, `${hive.fileName}: this is a SYSTEM hive (it has \\Select); publishers go into the SOFTWARE hive`, hive.fileName);
    }
  }

  /** HKLM-relative path → path inside the hive. */
  private parts(key: string): string[] {
    const parts = key.split('\\');
    if (parts[0]?.toLowerCase() !== 'software') {
      throw new RegistryError(REGISTRY_ERRORS.CONFLICT, `HKLM\\${key} is not in the SOFTWARE hive`);
    }
    return parts.slice(1);
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

export function openSoftwareHiveFile(path: string): SoftwareHiveRegistry {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new RegistryError(REGISTRY_ERRORS.BAD_HIVE, `${path}: cannot read: ${(err as Error).message}`, path);
  }
  return new SoftwareHiveRegistry(RegfHive.open(bytes, path));
}

export interface PublisherHiveResult {
  changes: Change[];
  notes: string[];
  /** False when the hive already matched the plan and the file was left untouched. */
  written: boolean;
}

/** Resolves `plan` against the SOFTWARE hive file and applies it: all of it, or nothing. */
export function applyPublisherToHiveFile(path: string, p: PublisherPlan, options: ApplyOptions = {}): PublisherHiveResult {
  const reg = openSoftwareHiveFile(path);
  const { changes, notes } = resolvePublisher(p, reg);
  if (changes.length === 0) return { changes, notes, written: false };
  applyChanges(reg, changes, options);
  writeFilesAtomically([{ path, bytes: reg.hive.toBytes() }]);
  return { changes, notes, written: true };
}
