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

/**
 * The one place severity and facility entries are made, built-in or defined: objects made at one
 * site have one shape, so the per-message code reading them is compiled once (a spread copy of a
 * built-in had another, and V8 recompiled the resolver when a file's own entries arrived).
 */
export function severityOrFacility(name: string, value: number, alias: string | undefined): SeverityOrFacility {
  return { name, value, alias };
}

/** The one place language entries are made (see severityOrFacility). */
export function languageEntry(name: string, id: number, file: string): LanguageEntry {
  return { name, id, file };
}

export class NameTable<E extends { name: string }> {
  readonly entries: E[] = [];
  private readonly byKey = new Map<string, E>();

  /** `copy` makes a table's own entry of a built-in one. */
  constructor(builtins: readonly E[], copy: (e: E) => E) {
    for (const e of builtins) this.define(copy(e));
  }

  /** Adds a name, or updates an existing one (any case) in place, keeping its position and spelling. */
  define(entry: E): E {
    const key = entry.name.toLowerCase();
    const existing = this.byKey.get(key);
    if (existing) {
      // In place, each property: the entry keeps its position, its spelling and its shape.
      for (const field of Object.keys(entry) as (keyof E)[]) if (field !== 'name') existing[field] = entry[field];
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
  /** The last name found and its entry: consecutive messages mostly name the same ones. */
  private lastName = '';
  private lastEntry: E | undefined;

  lookup(name: string): E | undefined {
    if (name === this.lastName) return this.lastEntry;
    const seen = this.lookupUncached(name);
    if (seen !== undefined) {
      this.lastName = name;
      this.lastEntry = seen;
    }
    return seen;
  }

  private lookupUncached(name: string): E | undefined {
    const seen = this.bySpelling.get(name);
    if (seen !== undefined) return seen;
    const e = this.byKey.get(name.toLowerCase());
    if (e !== undefined) this.bySpelling.set(name, e);
    return e;
  }
}

export const SEVERITY_BUILTINS: readonly SeverityOrFacility[] = [
  { name: 'Success', value: 0, alias: undefined },
  { name: 'Informational', value: 1, alias: undefined },
  { name: 'Warning', value: 2, alias: undefined },
  { name: 'Error', value: 3, alias: undefined },
];

// MC-SPEC.md §3.3: real mc.exe gives Application the value 0 (the documentation's 0xFFF is wrong).
export const FACILITY_BUILTINS: readonly SeverityOrFacility[] = [
  { name: 'Application', value: 0, alias: undefined },
  { name: 'System', value: 0x0ff, alias: undefined },
];

export const LANGUAGE_BUILTINS: readonly LanguageEntry[] = [{ name: 'English', id: 0x409, file: 'MSG00001' }];
