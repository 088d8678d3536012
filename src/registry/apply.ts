// Applying resolved changes to a registry that can be written key by key (the live registry, or
// a hive in memory): each write is read back, and on any failure the changes made so far are
// undone in reverse order. The report names every value that was restored, or could not be.

import { REGISTRY_ERRORS, RegistryError } from './errors.js';
import { type Change, type RegistryView, describeChange } from './plan.js';
import { sameValue, type RegValue } from './values.js';

export interface WritableRegistry extends RegistryView {
  createKey(key: string): void;
  /** Deletes a key that has no values and no subkeys. */
  deleteKey(key: string): void;
  setValue(key: string, name: string, value: RegValue): void;
  deleteValue(key: string, name: string): void;
}

export interface ApplyOptions {
  /**
   * Fault point for tests: throw after this many changes were applied (1 = after the first
   * write), as a failing write would, so the restore path runs against a real registry.
   */
  faultAfter?: number;
  /** Read every write back (default true). */
  verify?: boolean;
}

export function injectedFault(done: number): RegistryError {
  return new RegistryError(REGISTRY_ERRORS.INJECTED_FAULT, `injected fault after ${done} change(s)`);
}

function verifyChange(reg: RegistryView, c: Change): void {
  const fail = (what: string) =>
    new RegistryError(REGISTRY_ERRORS.WRITE_FAILED, `${describeChange(c)}: read back ${what}`);
  switch (c.kind) {
    case 'create-key':
      if (!reg.keyExists(c.key)) throw fail('no key');
      break;
    case 'delete-key':
      if (reg.keyExists(c.key)) throw fail('the key still there');
      break;
    case 'set-value':
      if (!sameValue(reg.getValue(c.key, c.name), c.value)) throw fail('different type or data');
      break;
    case 'delete-value':
      if (reg.getValue(c.key, c.name) !== undefined) throw fail('the value still there');
      break;
  }
}

function perform(reg: WritableRegistry, c: Change): void {
  switch (c.kind) {
    case 'create-key':
      return reg.createKey(c.key);
    case 'delete-key':
      return reg.deleteKey(c.key);
    case 'set-value':
      return reg.setValue(c.key, c.name, c.value);
    case 'delete-value':
      return reg.deleteValue(c.key, c.name);
  }
}

/** The change that takes `c` back, given what the registry held before it. */
function inverse(c: Change): Change {
  switch (c.kind) {
    case 'create-key':
      return { kind: 'delete-key', key: c.key };
    case 'delete-key':
      return { kind: 'create-key', key: c.key };
    case 'set-value':
      return c.previous
        ? { kind: 'set-value', key: c.key, name: c.name, value: c.previous }
        : { kind: 'delete-value', key: c.key, name: c.name, previous: c.value };
    case 'delete-value':
      if (!c.previous) throw new Error(`cannot undo ${describeChange(c)}: its old value is unknown`);
      return { kind: 'set-value', key: c.key, name: c.name, value: c.previous };
  }
}

function where(c: Change): string {
  return c.kind === 'create-key' || c.kind === 'delete-key' ? `HKLM\\${c.key}` : `HKLM\\${c.key} : ${c.name}`;
}

export function applyChanges(reg: WritableRegistry, changes: readonly Change[], options: ApplyOptions = {}): void {
  const done: Change[] = [];
  try {
    for (const c of changes) {
      if (options.faultAfter !== undefined && done.length >= options.faultAfter) throw injectedFault(done.length);
      perform(reg, c);
      done.push(c);
      if (options.verify !== false) verifyChange(reg, c);
    }
  } catch (err) {
    const restored: string[] = [];
    const notRestored: string[] = [];
    for (const c of done.reverse()) {
      try {
        const back = inverse(c);
        perform(reg, back);
        verifyChange(reg, back);
        restored.push(where(c));
      } catch (undoErr) {
        notRestored.push(`${where(c)} (${undoErr instanceof Error ? undoErr.message : String(undoErr)})`);
      }
    }
    const cause = err instanceof Error ? err.message : String(err);
    const code = err instanceof RegistryError ? err.code : REGISTRY_ERRORS.WRITE_FAILED;
    let text = `${cause}; `;
    text += restored.length > 0 ? `restored ${restored.join(', ')}` : 'nothing had been changed';
    if (notRestored.length > 0) text += `; COULD NOT RESTORE ${notRestored.join(', ')}`;
    throw new RegistryError(code, text);
  }
}
