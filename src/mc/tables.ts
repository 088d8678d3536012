// Name tables (severity, facility, language): insertion-ordered, looked up case-insensitively,
// seeded with mc.exe's built-ins; a redefinition updates the entry in place (MC-SPEC.md §3.2-3.4).

export interface SeverityOrFacility {
  name: string;
  value: number;
  alias?: string;
}

export interface LanguageEntry {
  name: string;
  /** Windows LANGID of the resource. */
  id: number;
  /** .bin file name without extension, verbatim. */
  file: string;
}

export class NameTable<E extends { name: string }> {
  readonly entries: E[] = [];
  private readonly byKey = new Map<string, E>();

  constructor(builtins: readonly E[]) {
    for (const e of builtins) this.define({ ...e });
  }

  /** Adds a name, or updates an existing one (any case) in place, keeping its position and spelling. */
  define(entry: E): E {
    const key = entry.name.toLowerCase();
    const existing = this.byKey.get(key);
    if (existing) {
      Object.assign(existing, { ...entry, name: existing.name });
      return existing;
    }
    this.entries.push(entry);
    this.byKey.set(key, entry);
    return entry;
  }

  /**
   * Names found, by their spelling: a file spells its names the same way message after message,
   * so most lookups skip lower-casing (a new string each time). Only hits are kept, and an entry
   * found stays the same object (define updates it in place), so a kept one never goes stale.
   */
  private readonly bySpelling = new Map<string, E>();

  lookup(name: string): E | undefined {
    const seen = this.bySpelling.get(name);
    if (seen !== undefined) return seen;
    const e = this.byKey.get(name.toLowerCase());
    if (e !== undefined) this.bySpelling.set(name, e);
    return e;
  }
}

export const SEVERITY_BUILTINS: readonly SeverityOrFacility[] = [
  { name: 'Success', value: 0 },
  { name: 'Informational', value: 1 },
  { name: 'Warning', value: 2 },
  { name: 'Error', value: 3 },
];

// MC-SPEC.md §3.3: real mc.exe gives Application the value 0 (the documentation's 0xFFF is wrong).
export const FACILITY_BUILTINS: readonly SeverityOrFacility[] = [
  { name: 'Application', value: 0 },
  { name: 'System', value: 0x0ff },
];

export const LANGUAGE_BUILTINS: readonly LanguageEntry[] = [{ name: 'English', id: 0x409, file: 'MSG00001' }];
