// From a registration to registry operations, in two stages:
//   plan(reg)            the steps a registration means, independent of any registry;
//   resolve(plan, view)  the exact changes those steps make to one registry's current contents.
// Both are pure. Backends that can read their registry (live, hive) resolve and apply; backends
// that only write a file (.reg, INF) render the steps, using a view when one is available.

import { REGISTRY_ERRORS, RegistryError } from './errors.js';
import {
  EVENTLOG_KEY,
  SOURCE_VALUE_NAMES,
  type SourceRegistration,
  logKeyPath,
  sourceKeyPath,
} from './model.js';
import {
  RegType,
  type RegValue,
  decodeMultiString,
  describeValue,
  dwordValue,
  multiStringValue,
  regTypeName,
  sameValue,
  stringValue,
} from './values.js';

export type PlanStep =
  | { op: 'create-key'; key: string }
  | { op: 'set-value'; key: string; name: string; value: RegValue }
  | { op: 'delete-value'; key: string; name: string }
  /** Add `item` to a REG_MULTI_SZ unless it is there (case-insensitive); create the value if missing. */
  | { op: 'add-to-list'; key: string; name: string; item: string }
  | { op: 'remove-from-list'; key: string; name: string; item: string }
  /** Delete the key when it has neither values nor subkeys left. */
  | { op: 'delete-key-if-empty'; key: string };

export interface Plan {
  direction: 'register' | 'unregister';
  registration: SourceRegistration;
  steps: PlanStep[];
}

/** The values a registration writes under its source key, in the order they are written. */
export function sourceValues(reg: SourceRegistration): { name: string; value: RegValue }[] {
  const values = [
    { name: 'EventMessageFile', value: stringValue(RegType.EXPAND_SZ, reg.eventMessageFiles.join(';')) },
    { name: 'TypesSupported', value: dwordValue(reg.typesSupported) },
  ];
  if (reg.categoryMessageFile !== undefined && reg.categoryCount !== undefined) {
    values.push({ name: 'CategoryMessageFile', value: stringValue(RegType.EXPAND_SZ, reg.categoryMessageFile) });
    values.push({ name: 'CategoryCount', value: dwordValue(reg.categoryCount) });
  }
  if (reg.parameterMessageFile !== undefined) {
    values.push({ name: 'ParameterMessageFile', value: stringValue(RegType.EXPAND_SZ, reg.parameterMessageFile) });
  }
  if (reg.providerGuid !== undefined) {
    values.push({ name: 'ProviderGuid', value: stringValue(RegType.SZ, reg.providerGuid) });
  }
  return values;
}

export function planRegister(reg: SourceRegistration): Plan {
  const key = sourceKeyPath(reg);
  const steps: PlanStep[] = [{ op: 'create-key', key }];
  const written = new Set<string>();
  for (const { name, value } of sourceValues(reg)) {
    steps.push({ op: 'set-value', key, name, value });
    written.add(name);
  }
  // A re-registration without, say, a category file must not leave the old one behind.
  for (const name of SOURCE_VALUE_NAMES) if (!written.has(name)) steps.push({ op: 'delete-value', key, name });
  if (reg.updateSources) steps.push({ op: 'add-to-list', key: logKeyPath(reg), name: 'Sources', item: reg.source });
  return { direction: 'register', registration: reg, steps };
}

export function planUnregister(reg: SourceRegistration): Plan {
  const key = sourceKeyPath(reg);
  const steps: PlanStep[] = SOURCE_VALUE_NAMES.map((name) => ({ op: 'delete-value', key, name }));
  steps.push({ op: 'delete-key-if-empty', key });
  if (reg.updateSources) steps.push({ op: 'remove-from-list', key: logKeyPath(reg), name: 'Sources', item: reg.source });
  return { direction: 'unregister', registration: reg, steps };
}

export function plan(reg: SourceRegistration, direction: 'register' | 'unregister' = 'register'): Plan {
  return direction === 'register' ? planRegister(reg) : planUnregister(reg);
}

/** Read access to a registry; key paths are relative to HKLM, names compare case-insensitively. */
export interface RegistryView {
  keyExists(key: string): boolean;
  getValue(key: string, name: string): RegValue | undefined;
  valueNames(key: string): string[];
  subkeyNames(key: string): string[];
}

/** One concrete change; `previous` is what the registry held before, for undo and for reports. */
export type Change =
  | { kind: 'create-key'; key: string }
  | { kind: 'set-value'; key: string; name: string; value: RegValue; previous?: RegValue }
  | { kind: 'delete-value'; key: string; name: string; previous?: RegValue }
  | { kind: 'delete-key'; key: string };

export interface Resolution {
  changes: Change[];
  /** Steps that could not be resolved without a view, with the reason (file backends only). */
  skipped: { step: PlanStep; reason: string }[];
}

const fold = (s: string) => s.toLowerCase();
const valueId = (key: string, name: string) => `${fold(key)}\u0000${fold(name)}`;

function parentOf(key: string): string {
  const i = key.lastIndexOf('\\');
  return i < 0 ? '' : key.slice(0, i);
}

function leafOf(key: string): string {
  return key.slice(key.lastIndexOf('\\') + 1);
}

/** A view with the changes resolved so far laid over it, so later steps see earlier ones. */
class OverlayView {
  private readonly keys = new Map<string, boolean>();
  private readonly values = new Map<string, { key: string; name: string; value: RegValue | undefined }>();

  constructor(private readonly base: RegistryView) {}

  keyExists(key: string): boolean {
    return this.keys.get(fold(key)) ?? this.base.keyExists(key);
  }

  getValue(key: string, name: string): RegValue | undefined {
    const o = this.values.get(valueId(key, name));
    return o ? o.value : this.keyExists(key) ? this.base.getValue(key, name) : undefined;
  }

  valueNames(key: string): string[] {
    if (!this.keyExists(key)) return [];
    const names = new Map(this.base.valueNames(key).map((n) => [fold(n), n]));
    for (const o of this.values.values()) {
      if (fold(o.key) !== fold(key)) continue;
      if (o.value === undefined) names.delete(fold(o.name));
      else names.set(fold(o.name), o.name);
    }
    return [...names.values()];
  }

  subkeyNames(key: string): string[] {
    if (!this.keyExists(key)) return [];
    const names = new Map(this.base.subkeyNames(key).map((n) => [fold(n), n]));
    for (const [k, exists] of this.keys) {
      if (parentOf(k) !== fold(key)) continue;
      if (exists) names.set(leafOf(k), names.get(leafOf(k)) ?? leafOf(k));
      else names.delete(leafOf(k));
    }
    return [...names.values()];
  }

  apply(change: Change): void {
    switch (change.kind) {
      case 'create-key':
        this.keys.set(fold(change.key), true);
        break;
      case 'delete-key':
        this.keys.set(fold(change.key), false);
        break;
      case 'set-value':
        this.values.set(valueId(change.key, change.name), { key: change.key, name: change.name, value: change.value });
        break;
      case 'delete-value':
        this.values.set(valueId(change.key, change.name), { key: change.key, name: change.name, value: undefined });
        break;
    }
  }
}

function readList(view: RegistryView, key: string, name: string): { value?: RegValue; items: string[] } {
  const value = view.getValue(key, name);
  if (value === undefined) return { items: [] };
  if (value.type !== RegType.MULTI_SZ) {
    throw new RegistryError(
      REGISTRY_ERRORS.CONFLICT,
      `HKLM\\${key}\\${name} is ${regTypeName(value.type)}, not REG_MULTI_SZ; not changing it`,
    );
  }
  return { value, items: decodeMultiString(value.data) };
}

/** A source belongs to exactly one log, and may not share a log's name. */
function checkSourceIsFree(view: RegistryView, reg: SourceRegistration): void {
  if (!view.keyExists(EVENTLOG_KEY)) return;
  for (const log of view.subkeyNames(EVENTLOG_KEY)) {
    if (fold(log) === fold(reg.source)) {
      throw new RegistryError(REGISTRY_ERRORS.CONFLICT, `source '${reg.source}' has the name of the log '${log}'`);
    }
    if (fold(log) === fold(reg.log)) continue;
    const other = `${EVENTLOG_KEY}\\${log}`;
    if (view.subkeyNames(other).some((s) => fold(s) === fold(reg.source))) {
      throw new RegistryError(
        REGISTRY_ERRORS.CONFLICT,
        `source '${reg.source}' is already registered in log '${log}'; unregister it there first`,
      );
    }
  }
}

/**
 * The exact changes `plan` makes to the registry `view` shows. Steps that change nothing are
 * dropped, which is what makes both directions idempotent. Without a view, steps that depend on
 * the current contents (list edits, conditional key deletion) are reported in `skipped`.
 */
export function resolve(p: Plan, view?: RegistryView): Resolution {
  if (view && p.direction === 'register') checkSourceIsFree(view, p.registration);
  return resolveSteps(p.steps, view);
}

/** `resolve` for any list of steps (the publisher registrar's too), without a registration's own checks. */
export function resolveSteps(steps: readonly PlanStep[], view?: RegistryView): Resolution {
  const changes: Change[] = [];
  const skipped: Resolution['skipped'] = [];
  if (!view) {
    for (const step of steps) {
      switch (step.op) {
        case 'create-key':
          changes.push({ kind: 'create-key', key: step.key });
          break;
        case 'set-value':
          changes.push({ kind: 'set-value', key: step.key, name: step.name, value: step.value });
          break;
        case 'delete-value':
          changes.push({ kind: 'delete-value', key: step.key, name: step.name });
          break;
        default:
          skipped.push({ step, reason: 'needs the current registry contents' });
      }
    }
    return { changes, skipped };
  }

  const overlay = new OverlayView(view);
  const push = (c: Change) => {
    changes.push(c);
    overlay.apply(c);
  };
  for (const step of steps) {
    switch (step.op) {
      case 'create-key': {
        const missing: string[] = [];
        for (let k = step.key; k !== '' && !overlay.keyExists(k); k = parentOf(k)) missing.unshift(k);
        for (const key of missing) push({ kind: 'create-key', key });
        break;
      }
      case 'set-value': {
        const previous = overlay.getValue(step.key, step.name);
        if (!sameValue(previous, step.value)) push({ kind: 'set-value', key: step.key, name: step.name, value: step.value, previous });
        break;
      }
      case 'delete-value': {
        const previous = overlay.getValue(step.key, step.name);
        if (previous) push({ kind: 'delete-value', key: step.key, name: step.name, previous });
        break;
      }
      case 'add-to-list': {
        if (!overlay.keyExists(step.key)) push({ kind: 'create-key', key: step.key });
        const { value, items } = readList(overlay, step.key, step.name);
        if (!items.some((s) => fold(s) === fold(step.item))) {
          push({ kind: 'set-value', key: step.key, name: step.name, value: multiStringValue([...items, step.item]), previous: value });
        }
        break;
      }
      case 'remove-from-list': {
        const { value, items } = readList(overlay, step.key, step.name);
        const kept = items.filter((s) => fold(s) !== fold(step.item));
        if (value && kept.length !== items.length) {
          push({ kind: 'set-value', key: step.key, name: step.name, value: multiStringValue(kept), previous: value });
        }
        break;
      }
      case 'delete-key-if-empty': {
        if (overlay.keyExists(step.key) && overlay.valueNames(step.key).length === 0 && overlay.subkeyNames(step.key).length === 0) {
          push({ kind: 'delete-key', key: step.key });
        }
        break;
      }
    }
  }
  return { changes, skipped };
}

export function describeStep(step: PlanStep): string {
  switch (step.op) {
    case 'create-key':
      return `create key   HKLM\\${step.key}`;
    case 'set-value':
      return `set value    HKLM\\${step.key} : ${step.name} = ${describeValue(step.value)}`;
    case 'delete-value':
      return `delete value HKLM\\${step.key} : ${step.name} (if present)`;
    case 'add-to-list':
      return `add to list  HKLM\\${step.key} : ${step.name} += "${step.item}" (if absent)`;
    case 'remove-from-list':
      return `remove item  HKLM\\${step.key} : ${step.name} -= "${step.item}" (if present)`;
    case 'delete-key-if-empty':
      return `delete key   HKLM\\${step.key} (if it has no values and no subkeys left)`;
  }
}

export function describeChange(change: Change): string {
  switch (change.kind) {
    case 'create-key':
      return `create key   HKLM\\${change.key}`;
    case 'delete-key':
      return `delete key   HKLM\\${change.key}`;
    case 'set-value':
      return (
        `set value    HKLM\\${change.key} : ${change.name} = ${describeValue(change.value)}` +
        (change.previous ? ` (was ${describeValue(change.previous)})` : '')
      );
    case 'delete-value':
      return `delete value HKLM\\${change.key} : ${change.name}`;
  }
}
