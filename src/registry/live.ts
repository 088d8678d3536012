// The live backend: the Windows registry through native-reg, loaded only on Windows: a native-reg the
// user installed beside winmc if there is one, else the copy the build vendors into dist/vendor
// (scripts/vendor-native-reg.js; docs/registry.md). Keys are opened in the 64-bit view; HKLM\SYSTEM is not redirected, but the flag
// keeps a 32-bit Node from landing anywhere else should that ever change.

import { createRequire } from 'node:module';
import { type ApplyOptions, type WritableRegistry, applyChanges } from './apply.js';
import { REGISTRY_ERRORS, RegistryError } from './errors.js';
import { type Change, type Plan, resolve } from './plan.js';
import type { RegValue } from './values.js';

/** The part of native-reg's API this backend uses. */
export interface NativeReg {
  HKLM: unknown;
  Access: { READ: number; ALL_ACCESS: number; WOW64_64KEY: number };
  openKey(hkey: unknown, subKey: string, access: number): unknown | null;
  createKey(hkey: unknown, subKey: string, access: number): unknown;
  closeKey(hkey: unknown): void;
  enumKeyNames(hkey: unknown): string[];
  enumValueNames(hkey: unknown): string[];
  queryValueRaw(hkey: unknown, valueName: string): (Uint8Array & { type: number }) | null;
  setValueRaw(hkey: unknown, valueName: string, valueType: number, data: Uint8Array): void;
  deleteValue(hkey: unknown, valueName: string): boolean;
  deleteKey(hkey: unknown, subKey: string): boolean;
}

export function loadNativeReg(): NativeReg {
  if (process.platform !== 'win32') {
    throw new RegistryError(
      REGISTRY_ERRORS.NO_LIVE_REGISTRY,
      `the live registry is only available on Windows (this is ${process.platform}); use --target reg:FILE, inf:FILE or hive:FILE`,
    );
  }
  // [where to resolve from, what]: the user's own native-reg, then the vendored build
  const candidates: [string, string][] = [
    [import.meta.url, 'native-reg'],
    [new URL('../vendor/native-reg/lib/', import.meta.url).href, './index.js'],
  ];
  const errors: string[] = [];
  for (const [from, specifier] of candidates) {
    try {
      return createRequire(from)(specifier) as NativeReg;
    } catch (err) {
      errors.push((err as Error).message.split('\n')[0]!);
    }
  }
  throw new RegistryError(
    REGISTRY_ERRORS.NO_LIVE_REGISTRY,
    `cannot load native-reg, which the live registry needs (${errors.join('; ')}); install it beside winmc: npm i native-reg`,
  );
}

function splitKey(key: string): { parent: string; leaf: string } {
  const i = key.lastIndexOf('\\');
  return { parent: key.slice(0, i), leaf: key.slice(i + 1) };
}

export class LiveRegistry implements WritableRegistry {
  constructor(private readonly nr: NativeReg) {}

  private withKey<T>(key: string, write: boolean, use: (hkey: unknown) => T): T | undefined {
    const access = (write ? this.nr.Access.ALL_ACCESS : this.nr.Access.READ) | this.nr.Access.WOW64_64KEY;
    const hkey = this.nr.openKey(this.nr.HKLM, key, access);
    if (hkey === null) return undefined;
    try {
      return use(hkey);
    } finally {
      this.nr.closeKey(hkey);
    }
  }

  private need<T>(key: string, use: (hkey: unknown) => T): T {
    const found = this.withKey(key, true, (h) => ({ result: use(h) }));
    if (!found) throw new RegistryError(REGISTRY_ERRORS.WRITE_FAILED, `HKLM\\${key} does not exist`);
    return found.result;
  }

  keyExists(key: string): boolean {
    return this.withKey(key, false, () => true) ?? false;
  }
  getValue(key: string, name: string): RegValue | undefined {
    return this.withKey(key, false, (h) => {
      const raw = this.nr.queryValueRaw(h, name);
      return raw === null ? undefined : { type: raw.type, data: new Uint8Array(raw) };
    });
  }
  valueNames(key: string): string[] {
    return this.withKey(key, false, (h) => this.nr.enumValueNames(h)) ?? [];
  }
  subkeyNames(key: string): string[] {
    return this.withKey(key, false, (h) => this.nr.enumKeyNames(h)) ?? [];
  }

  createKey(key: string): void {
    this.nr.closeKey(this.nr.createKey(this.nr.HKLM, key, this.nr.Access.ALL_ACCESS | this.nr.Access.WOW64_64KEY));
  }
  deleteKey(key: string): void {
    const { parent, leaf } = splitKey(key);
    this.need(parent, (h) => this.nr.deleteKey(h, leaf));
  }
  setValue(key: string, name: string, value: RegValue): void {
    this.need(key, (h) => this.nr.setValueRaw(h, name, value.type, Buffer.from(value.data)));
  }
  deleteValue(key: string, name: string): void {
    this.need(key, (h) => this.nr.deleteValue(h, name));
  }
}

/**
 * Resolves `plan` against the live registry and applies it, verifying each write; on a failure
 * every change already made is undone and the error says which values were restored.
 */
export function applyToLiveRegistry(p: Plan, options: ApplyOptions & { nativeReg?: NativeReg } = {}): Change[] {
  const reg = new LiveRegistry(options.nativeReg ?? loadNativeReg());
  const { changes } = resolve(p, reg);
  applyChanges(reg, changes, options);
  return changes;
}
