// INF output for driver packages: an event-log install section for the AddService directive,
// whose AddReg lines write the source key through HKR, plus an append to the log's Sources; and
// for unregistering, a DelReg section with absolute keys. Flags are setupapi.h's FLG_ADDREG_*.

import { hex32 } from '../hex.js';
import { REGISTRY_ERRORS, RegistryError } from './errors.js';
import { logKeyPath, sourceKeyPath } from './model.js';
import { type Plan, type PlanStep, type RegistryView, describeStep, resolve } from './plan.js';
import { renderTemplate } from './templates.js';
import { RegType, type RegValue, decodeDword, decodeMultiString, decodeString, utf16le } from './values.js';

export const FLG_ADDREG_TYPE_SZ = 0x00000000;
export const FLG_ADDREG_TYPE_BINARY = 0x00000001;
export const FLG_ADDREG_TYPE_MULTI_SZ = 0x00010000;
export const FLG_ADDREG_TYPE_EXPAND_SZ = 0x00020000;
export const FLG_ADDREG_TYPE_DWORD = 0x00010001;
export const FLG_ADDREG_DELVAL = 0x00000004;
export const FLG_ADDREG_APPEND = 0x00000008;
/** FLG_DELREG_TYPE_MULTI_SZ | FLG_ADDREG_DELREG_BIT | 0x2: take one string out of a REG_MULTI_SZ. */
export const FLG_DELREG_MULTI_SZ_DELSTRING = 0x00018002;

/** The AddReg flags of a value type (setupapi.h). */
export function flagsFor(type: number): number {
  switch (type) {
    case RegType.SZ:
      return FLG_ADDREG_TYPE_SZ;
    case RegType.EXPAND_SZ:
      return FLG_ADDREG_TYPE_EXPAND_SZ;
    case RegType.MULTI_SZ:
      return FLG_ADDREG_TYPE_MULTI_SZ;
    case RegType.DWORD:
      return FLG_ADDREG_TYPE_DWORD;
    case RegType.BINARY:
      return FLG_ADDREG_TYPE_BINARY;
    default:
      return ((type << 16) | FLG_ADDREG_TYPE_BINARY) >>> 0;
  }
}


/** An INF string field: quoted (`;` would start a comment), `%` doubled, `"` doubled. */
export function infString(text: string): string {
  return '"' + text.replace(/%/g, '%%').replace(/"/g, '""') + '"';
}

/** An AddReg value field: strings quoted, a DWORD in decimal, anything else as hex bytes. */
export function infData(value: RegValue): string {
  switch (value.type) {
    case RegType.SZ:
    case RegType.EXPAND_SZ:
      return infString(decodeString(value.data));
    case RegType.DWORD:
      return String(decodeDword(value.data));
    case RegType.MULTI_SZ:
      return decodeMultiString(value.data).map(infString).join(',');
    default:
      return [...value.data].map((b) => b.toString(16).padStart(2, '0')).join(',');
  }
}

function sectionName(source: string): string {
  return source.replace(/[^A-Za-z0-9_.-]/g, '_');
}

export interface InfOptions {
  /** Current registry contents; lets the uninstall section delete the source key when nothing else is in it. */
  view?: RegistryView;
  /** Service name for the AddService hint; defaults to the source name. */
  service?: string;
  /** Fault point for tests: fail after rendering this many lines (nothing is written). */
  faultAfter?: number;
}

/** The INF text for `plan`, as bytes: ASCII with CRLF, or UTF-16LE with a BOM when a name needs it. */
export function writeInf(p: Plan, options: InfOptions = {}): Uint8Array {
  const reg = p.registration;
  const sourceKey = sourceKeyPath(reg).toLowerCase();
  const install = p.direction === 'register';
  const lines: string[] = [];
  const notes: string[] = [];
  const hkr = (step: PlanStep) => {
    if (step.key.toLowerCase() !== sourceKey) {
      throw new RegistryError(REGISTRY_ERRORS.INVALID_FIELD, `INF cannot express: ${describeStep(step)}`);
    }
    return 'HKR,';
  };
  const emit = (line: string) => {
    if (options.faultAfter !== undefined && lines.length >= options.faultAfter) {
      throw new RegistryError(REGISTRY_ERRORS.INJECTED_FAULT, `injected fault after ${lines.length} line(s)`);
    }
    lines.push(line);
  };
  const deletesKey = options.view
    ? resolve(p, options.view).changes.some((c) => c.kind === 'delete-key')
    : undefined;

  for (const step of p.steps) {
    switch (step.op) {
      case 'create-key':
        break; // AddService creates the HKR key of an event-log section itself.
      case 'set-value':
        emit(`${hkr(step)},${step.name},${hex32(flagsFor(step.value.type))},${infData(step.value)}`);
        break;
      case 'delete-value':
        emit(install ? `${hkr(step)},${step.name},${hex32(FLG_ADDREG_DELVAL)}` : `HKLM,${infString(step.key)},${step.name}`);
        break;
      case 'add-to-list':
        emit(`HKLM,${infString(step.key)},${step.name},${hex32(FLG_ADDREG_TYPE_MULTI_SZ | FLG_ADDREG_APPEND)},${infString(step.item)}`);
        break;
      case 'remove-from-list':
        emit(`HKLM,${infString(step.key)},${step.name},${hex32(FLG_DELREG_MULTI_SZ_DELSTRING)},${infString(step.item)}`);
        break;
      case 'delete-key-if-empty':
        if (deletesKey) emit(`HKLM,${infString(step.key)}`);
        else if (deletesKey === undefined) notes.push(`not written, needs the current registry contents: ${describeStep(step)}`);
        else if (options.view!.keyExists(step.key)) notes.push(`HKLM\\${step.key} keeps values or subkeys winmc did not write, so it is not deleted`);
        break;
    }
  }
  if (reg.updateSources) {
    notes.push(`The Sources line edits HKLM\\${logKeyPath(reg)} directly; universal (DCH) INFs may not, and Vista and later ignore Sources.`);
  }
  const text = renderTemplate('eventlog.inf.hbs', {
    source: reg.source,
    logName: reg.log,
    direction: install ? 'register' : 'unregister',
    install,
    service: options.service ?? reg.source,
    section: sectionName(reg.source),
    hkr: `HKLM\\${sourceKeyPath(reg)}`,
    lines,
    notes,
  }).replace(/\r?\n/g, '\r\n');
  return encodeInfText(text);
}

/** An INF file's bytes: ASCII when it can be, else UTF-16LE with a BOM (setupapi reads both). */
export function encodeInfText(text: string): Uint8Array {
  if (/^[\u0000-\u007f]*$/.test(text)) return Uint8Array.from(text, (c) => c.charCodeAt(0));
  const body = utf16le(text);
  const out = new Uint8Array(2 + body.length);
  out.set([0xff, 0xfe]);
  out.set(body, 2);
  return out;
}
