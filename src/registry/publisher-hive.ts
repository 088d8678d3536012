// Publishers live in the SOFTWARE hive (Windows\System32\config\SOFTWARE of an image), whose root
// is HKLM\SOFTWARE. The same all-or-nothing rule as the SYSTEM backend (hive.ts): every change is
// made to a copy in memory and the file is replaced by a rename only when all of them succeeded.

import { type ApplyOptions, applyChanges } from './apply.js';
import { REGISTRY_ERRORS, RegistryError } from './errors.js';
import { MountedHive, editHiveFile, readHiveFile } from './hive.js';
import type { Change } from './plan.js';
import { type PublisherPlan, resolvePublisher } from './publisher.js';
import type { RegfHive } from './regf.js';

export class SoftwareHiveRegistry extends MountedHive {
  constructor(hive: RegfHive) {
    super(hive, 'SOFTWARE');
    const root = hive.openPath([]);
    const names = root === undefined ? [] : hive.subkeys(root).map((k) => hive.keyName(k).toLowerCase());
    if (names.includes('select') && !names.includes('microsoft')) {
      throw new RegistryError(REGISTRY_ERRORS.BAD_HIVE, `${hive.fileName}: this is a SYSTEM hive (it has \\Select); publishers go into the SOFTWARE hive`, hive.fileName);
    }
  }
}

export function openSoftwareHiveFile(path: string): SoftwareHiveRegistry {
  return new SoftwareHiveRegistry(readHiveFile(path));
}

export interface PublisherHiveResult {
  changes: Change[];
  notes: string[];
  /** False when the hive already matched the plan and the file was left untouched. */
  written: boolean;
}

/** Resolves `plan` against the SOFTWARE hive file and applies it: all of it, or nothing, under the hive's lock. */
export function applyPublisherToHiveFile(path: string, p: PublisherPlan, options: ApplyOptions = {}): PublisherHiveResult {
  return editHiveFile(path, (hive) => new SoftwareHiveRegistry(hive), (reg) => {
    const { changes, notes } = resolvePublisher(p, reg);
    if (changes.length > 0) applyChanges(reg, changes, options);
    return { result: { changes, notes, written: changes.length > 0 }, changed: changes.length > 0 };
  });
}
