// The one model of a classic EventLog source registration (PACKET-REGISTRY.md §2), and its
// validation. Everything else (plans, backends, the CLI) starts from a validated registration.

import { REGISTRY_ERRORS, RegistryError } from './errors.js';

/** `HKLM\` + this is the EventLog services key on a running system. */
export const EVENTLOG_KEY = 'SYSTEM\\CurrentControlSet\\Services\\EventLog';

/** EVENTLOG_ERROR_TYPE | EVENTLOG_WARNING_TYPE | EVENTLOG_INFORMATION_TYPE. */
export const DEFAULT_TYPES_SUPPORTED = 0x7;
const ALL_EVENT_TYPES = 0x1f;
/** Event records carry the category in a WORD. */
const MAX_CATEGORY_COUNT = 0xffff;
/** .NET's limit: the source name plus the EventLog key path must fit in 254 characters. */
const MAX_SOURCE_PATH = 254;

export interface SourceRegistration {
  log: string;
  source: string;
  /** Message modules searched in order; stored `;`-joined as REG_EXPAND_SZ. */
  eventMessageFiles: string[];
  typesSupported: number;
  categoryMessageFile?: string;
  categoryCount?: number;
  parameterMessageFile?: string;
  /** `{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}` */
  providerGuid?: string;
  /** Add the source to (or on unregister take it out of) the log's Sources REG_MULTI_SZ. */
  updateSources: boolean;
}

/** What a caller may leave out: defaults are filled in by `validateRegistration`. */
export type RegistrationInput = Partial<SourceRegistration> & { log?: string; source?: string };

export interface ValidateOptions {
  /** Unregistering needs only log and source. */
  forUnregister?: boolean;
  /** When given, every message file (after %VAR% expansion) must satisfy it. */
  fileExists?: (path: string) => boolean;
  /** Environment for %VAR% expansion in the file check; defaults to none. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The value names a registration writes under the source key. Unregister removes exactly these. */
export const SOURCE_VALUE_NAMES = [
  'EventMessageFile',
  'TypesSupported',
  'CategoryMessageFile',
  'CategoryCount',
  'ParameterMessageFile',
  'ProviderGuid',
] as const;

const GUID = /^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$/;

function invalid(field: string, text: string): RegistryError {
  return new RegistryError(REGISTRY_ERRORS.INVALID_FIELD, `${field}: ${text}`);
}

function checkName(field: string, name: string | undefined): string {
  if (name === undefined || name.length === 0) throw invalid(field, 'is required');
  if (name.includes('\\')) throw invalid(field, `'${name}' contains a backslash`);
  if (/[\u0000-\u001f]/.test(name)) throw invalid(field, `'${name}' contains a control character`);
  if (name !== name.trim()) throw invalid(field, `'${name}' has leading or trailing spaces`);
  if (name.length > 255) throw invalid(field, `'${name.slice(0, 20)}…' is longer than 255 characters`);
  return name;
}

function checkPath(field: string, path: string, options: ValidateOptions): string {
  if (path.length === 0) throw invalid(field, 'is an empty path');
  if (path.includes('\0')) throw invalid(field, 'contains a NUL character');
  if (path.includes(';')) throw invalid(field, `'${path}' contains ';', which separates message files`);
  if (options.fileExists) {
    const expanded = expandEnvironment(path, options.env ?? {});
    if (expanded === undefined) {
      throw new RegistryError(REGISTRY_ERRORS.MISSING_FILE, `${field}: '${path}' uses an undefined %VARIABLE%`);
    }
    if (!options.fileExists(expanded)) {
      throw new RegistryError(REGISTRY_ERRORS.MISSING_FILE, `${field}: '${expanded}' does not exist`);
    }
  }
  return path;
}

/** `%Name%` expansion as ExpandEnvironmentStrings does it (names case-insensitive); undefined when a name is unset. */
export function expandEnvironment(text: string, env: Readonly<Record<string, string | undefined>>): string | undefined {
  const lower = new Map(Object.entries(env).map(([k, v]) => [k.toLowerCase(), v]));
  let missing = false;
  const out = text.replace(/%([^%]+)%/g, (_, name: string) => {
    const v = lower.get(name.toLowerCase());
    if (v === undefined) missing = true;
    return v ?? '';
  });
  return missing ? undefined : out;
}

function checkInteger(field: string, n: number | undefined, min: number, max: number): number | undefined {
  if (n === undefined) return undefined;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw invalid(field, `${n} is out of range ${min}..${max}`);
  }
  return n;
}

/** Checks every field and fills in defaults; throws a RegistryError (MC7001/MC7002) naming the field. */
export function validateRegistration(input: RegistrationInput, options: ValidateOptions = {}): SourceRegistration {
  const log = checkName('log', input.log);
  const source = checkName('source', input.source);
  if (source.toLowerCase() === log.toLowerCase()) throw invalid('source', `'${source}' is the name of its log`);
  if (source.length + EVENTLOG_KEY.length > MAX_SOURCE_PATH) {
    throw invalid('source', `'${source}' is too long: name + '${EVENTLOG_KEY}' must fit in ${MAX_SOURCE_PATH} characters`);
  }
  const updateSources = input.updateSources ?? true;
  if (options.forUnregister) {
    return { log, source, eventMessageFiles: [], typesSupported: DEFAULT_TYPES_SUPPORTED, updateSources };
  }

  const files = input.eventMessageFiles ?? [];
  if (files.length === 0) throw invalid('message-file', 'at least one message file is required');
  const eventMessageFiles = files.map((f, i) => checkPath(`message-file[${i + 1}]`, f, options));
  const typesSupported = checkInteger('types', input.typesSupported ?? DEFAULT_TYPES_SUPPORTED, 1, ALL_EVENT_TYPES)!;

  const reg: SourceRegistration = { log, source, eventMessageFiles, typesSupported, updateSources };
  const hasCategoryFile = input.categoryMessageFile !== undefined;
  const hasCategoryCount = input.categoryCount !== undefined;
  if (hasCategoryFile !== hasCategoryCount) {
    throw invalid(hasCategoryFile ? 'category-count' : 'category-file', 'category file and category count go together');
  }
  if (hasCategoryFile) {
    reg.categoryMessageFile = checkPath('category-file', input.categoryMessageFile!, options);
    reg.categoryCount = checkInteger('category-count', input.categoryCount, 1, MAX_CATEGORY_COUNT);
  }
  if (input.parameterMessageFile !== undefined) {
    reg.parameterMessageFile = checkPath('parameter-file', input.parameterMessageFile, options);
  }
  if (input.providerGuid !== undefined) {
    const m = GUID.exec(input.providerGuid);
    if (!m) throw invalid('provider-guid', `'${input.providerGuid}' is not a GUID like {12345678-1234-1234-1234-123456789abc}`);
    reg.providerGuid = `{${m[1]}}`;
  }
  return reg;
}

export function logKeyPath(reg: Pick<SourceRegistration, 'log'>): string {
  return `${EVENTLOG_KEY}\\${reg.log}`;
}

export function sourceKeyPath(reg: Pick<SourceRegistration, 'log' | 'source'>): string {
  return `${EVENTLOG_KEY}\\${reg.log}\\${reg.source}`;
}
