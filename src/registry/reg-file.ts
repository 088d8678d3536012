// `Windows Registry Editor Version 5.00` files: the writer turns resolved changes into a .reg
// (UTF-16LE with BOM, CRLF, hex lists wrapped as regedit and Wine's reg export wrap them), and
// the reader parses one back, e.g. a `reg export` of the log key to resolve a plan against.

import { REGISTRY_ERRORS, RegistryError } from './errors.js';
import type { RegistryView, Resolution } from './plan.js';
import { describeStep } from './plan.js';
import { renderTemplate } from './templates.js';
import { RegType, type RegValue, decodeDword, decodeString, fromUtf16le, utf16le } from './values.js';

const HEADER_V5 = 'Windows Registry Editor Version 5.00';
const HEADER_V4 = 'REGEDIT4';
const HKLM = 'HKEY_LOCAL_MACHINE';
/** Wine's reg export and regedit break hex lists once a line reaches this many characters. */
const HEX_LINE_LIMIT = 77;

function quote(text: string): string {
  return '"' + text.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

function hexList(prefix: string, data: Uint8Array): string {
  let out = prefix;
  let column = prefix.length;
  for (let i = 0; i < data.length; i++) {
    out += data[i]!.toString(16).padStart(2, '0');
    column += 2;
    if (i + 1 < data.length) {
      out += ',';
      column += 1;
      if (column >= HEX_LINE_LIMIT) {
        out += '\\\n  ';
        column = 2;
      }
    }
  }
  return out;
}

/** One `"Name"=…` line (possibly wrapped) for a value. */
export function valueLine(name: string, value: RegValue): string {
  const lhs = (name === '' ? '@' : quote(name)) + '=';
  if (value.type === RegType.SZ) {
    const text = decodeString(value.data);
    const canonical = utf16le(text + '\0');
    const plain = !/[\r\n]/.test(text) && canonical.length === value.data.length && canonical.every((b, i) => b === value.data[i]);
    if (plain) return lhs + quote(text);
  }
  if (value.type === RegType.DWORD && value.data.length === 4) {
    return lhs + 'dword:' + decodeDword(value.data).toString(16).padStart(8, '0');
  }
  const kind = value.type === RegType.BINARY ? 'hex:' : `hex(${value.type.toString(16)}):`;
  return hexList(lhs + kind, value.data);
}

interface Section {
  key: string;
  /** The key with its root, as the [key] line names it. */
  path: string;
  remove: boolean;
  lines: string[];
}

export interface RegFileOptions {
  /** Fault point for tests: fail after rendering this many changes (nothing is written). */
  faultAfter?: number;
}

/** The .reg text for `resolution`, as the bytes to write: UTF-16LE with a BOM and CRLF line ends. */
export function writeRegFile(resolution: Resolution, options: RegFileOptions = {}): Uint8Array {
  const sections: Section[] = [];
  let rendered = 0;
  for (const c of resolution.changes) {
    if (options.faultAfter !== undefined && rendered >= options.faultAfter) {
      throw new RegistryError(REGISTRY_ERRORS.INJECTED_FAULT, `injected fault after ${rendered} change(s)`);
    }
    rendered++;
    const last = sections[sections.length - 1];
    const open = (remove: boolean): Section => {
      if (last && !last.remove && !remove && last.key.toLowerCase() === c.key.toLowerCase()) return last;
      const s: Section = { key: c.key, path: `${HKLM}\\${c.key}`, remove, lines: [] };
      sections.push(s);
      return s;
    };
    switch (c.kind) {
      case 'create-key':
        open(false);
        break;
      case 'delete-key':
        open(true);
        break;
      case 'set-value':
        open(false).lines.push(valueLine(c.name, c.value));
        break;
      case 'delete-value':
        open(false).lines.push((c.name === '' ? '@' : quote(c.name)) + '=-');
        break;
    }
  }
  const comments = resolution.skipped.map((s) => `not written, ${s.reason}: ${describeStep(s.step)}`);
  const text = renderTemplate('eventlog.reg.hbs', { comments, sections }).replace(/\r?\n/g, '\r\n');
  const body = utf16le(text);
  const out = new Uint8Array(2 + body.length);
  out.set([0xff, 0xfe]);
  out.set(body, 2);
  return out;
}

// ---- reader -----------------------------------------------------------------------------------

export interface RegFileKey {
  /** Path without the root, e.g. `SYSTEM\CurrentControlSet\...`; `root` holds the root name. */
  root: string;
  path: string;
  remove: boolean;
  /** Value name ('' = default value) → value, or null for a `"Name"=-` deletion. */
  values: Map<string, RegValue | null>;
}

const ROOTS: Record<string, string> = {
  HKEY_LOCAL_MACHINE: HKLM,
  HKLM: HKLM,
  HKEY_CURRENT_USER: 'HKEY_CURRENT_USER',
  HKEY_CLASSES_ROOT: 'HKEY_CLASSES_ROOT',
  HKEY_USERS: 'HKEY_USERS',
  HKEY_CURRENT_CONFIG: 'HKEY_CURRENT_CONFIG',
};

function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return fromUtf16le(bytes.subarray(2));
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return new TextDecoder('utf-8').decode(bytes.subarray(start));
}

function parseQuoted(text: string, at: number, fail: (m: string) => never): { value: string; end: number } {
  let out = '';
  for (let i = at + 1; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\') {
      const next = text[++i];
      if (next === undefined) break;
      out += next === 'n' ? '\n' : next === 'r' ? '\r' : next === '0' ? '\0' : next;
    } else if (ch === '"') {
      return { value: out, end: i + 1 };
    } else {
      out += ch;
    }
  }
  return fail('unterminated string');
}

function parseHexBytes(list: string, fail: (m: string) => never): Uint8Array {
  const body = list.replace(/\s+/g, '');
  if (body === '') return new Uint8Array();
  const parts = body.split(',').filter((p, i, a) => !(p === '' && i === a.length - 1));
  return Uint8Array.from(parts, (p) => {
    if (!/^[0-9a-fA-F]{1,2}$/.test(p)) fail(`'${p}' is not a hex byte`);
    return parseInt(p, 16);
  });
}

/** Parses a .reg file; errors name the file and line (MC7007). */
export function parseRegFile(bytes: Uint8Array, fileName = 'input.reg'): RegFileKey[] {
  const lines = decodeText(bytes).split(/\r?\n/);
  const header = lines[0]?.trim();
  const unicode = header === HEADER_V5;
  if (!unicode && header !== HEADER_V4) {
    throw new RegistryError(REGISTRY_ERRORS.BAD_REG_FILE, `not a .reg file: the first line is not '${HEADER_V5}'`, fileName, 1);
  }
  const keys: RegFileKey[] = [];
  let current: RegFileKey | undefined;
  for (let i = 1; i < lines.length; i++) {
    const lineNo = i + 1;
    const fail = (m: string): never => {
      throw new RegistryError(REGISTRY_ERRORS.BAD_REG_FILE, m, fileName, lineNo);
    };
    let line = lines[i]!.replace(/^\s+/, '');
    const isHexValue = /^(@|"(?:[^"\\]|\\.)*")\s*=\s*hex/i.test(line);
    while (isHexValue && /\\\s*$/.test(line) && i + 1 < lines.length) {
      line = line.replace(/\\\s*$/, '') + lines[++i]!.trim();
    }
    if (line === '' || line.startsWith(';') || line.startsWith('#')) continue;
    if (line.startsWith('[')) {
      const close = line.lastIndexOf(']');
      if (close < 0) fail("key line has no closing ']'");
      let path = line.slice(1, close);
      const remove = path.startsWith('-');
      if (remove) path = path.slice(1);
      const slash = path.indexOf('\\');
      const rootName = (slash < 0 ? path : path.slice(0, slash)).toUpperCase();
      const root = ROOTS[rootName];
      if (!root) fail(`unknown root key '${rootName}'`);
      current = { root: root!, path: slash < 0 ? '' : path.slice(slash + 1), remove, values: new Map() };
      keys.push(current);
      continue;
    }
    if (!current) return fail('value line before any [key] line');
    let name: string;
    let rest: string;
    if (line.startsWith('@')) {
      name = '';
      rest = line.slice(1);
    } else if (line.startsWith('"')) {
      const q = parseQuoted(line, 0, fail);
      name = q.value;
      rest = line.slice(q.end);
    } else {
      return fail(`cannot parse '${line.slice(0, 40)}'`);
    }
    rest = rest.trimStart();
    if (!rest.startsWith('=')) fail("expected '=' after the value name");
    rest = rest.slice(1).trim();
    let value: RegValue | null;
    if (rest === '-') {
      value = null;
    } else if (rest.startsWith('"')) {
      const q = parseQuoted(rest, 0, fail);
      value = { type: RegType.SZ, data: utf16le(q.value + '\0') };
    } else if (/^dword:/i.test(rest)) {
      const hex = rest.slice(6).trim();
      if (!/^[0-9a-fA-F]{1,8}$/.test(hex)) fail(`'${rest}' is not a dword`);
      const data = new Uint8Array(4);
      new DataView(data.buffer).setUint32(0, parseInt(hex, 16), true);
      value = { type: RegType.DWORD, data };
    } else {
      const m = /^hex(?:\(([0-9a-fA-F]+)\))?:(.*)$/i.exec(rest);
      if (!m) return fail(`cannot parse the data '${rest.slice(0, 40)}'`);
      const type = m[1] === undefined ? RegType.BINARY : parseInt(m[1], 16);
      let data = parseHexBytes(m[2]!, fail);
      if (!unicode && (type === RegType.EXPAND_SZ || type === RegType.MULTI_SZ)) {
        data = utf16le(new TextDecoder('latin1').decode(data));
      }
      value = { type, data };
    }
    current.values.set(name, value);
  }
  return keys;
}

/**
 * The registry a `reg export` file shows: keys and values as exported (under HKLM only). Use it
 * to resolve a plan when the .reg will be imported into the registry the export came from.
 */
export class RegFileView implements RegistryView {
  private readonly keys = new Map<string, Map<string, { name: string; value: RegValue }>>();
  private readonly names = new Map<string, string>();

  constructor(keys: readonly RegFileKey[]) {
    for (const k of keys) {
      if (k.root !== HKLM || k.remove) continue;
      const id = k.path.toLowerCase();
      this.names.set(id, k.path);
      // Every ancestor of an exported key exists too.
      for (let p = k.path; p.includes('\\'); ) {
        p = p.slice(0, p.lastIndexOf('\\'));
        if (!this.names.has(p.toLowerCase())) this.names.set(p.toLowerCase(), p);
      }
      const values = this.keys.get(id) ?? new Map();
      for (const [name, value] of k.values) if (value) values.set(name.toLowerCase(), { name, value });
      this.keys.set(id, values);
    }
  }

  keyExists(key: string): boolean {
    return this.names.has(key.toLowerCase());
  }
  getValue(key: string, name: string): RegValue | undefined {
    return this.keys.get(key.toLowerCase())?.get(name.toLowerCase())?.value;
  }
  valueNames(key: string): string[] {
    return [...(this.keys.get(key.toLowerCase())?.values() ?? [])].map((v) => v.name);
  }
  subkeyNames(key: string): string[] {
    const prefix = key.toLowerCase() + '\\';
    const out: string[] = [];
    for (const [id, path] of this.names) {
      if (id.startsWith(prefix) && !id.slice(prefix.length).includes('\\')) out.push(path.slice(prefix.length));
    }
    return out;
  }
}
