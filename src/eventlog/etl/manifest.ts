// Manifest-based events (EVENT_HEADER records of a provider with an instrumentation manifest),
// decoded with a manifest the caller gives: a .man (parseManifest), a compiled TEMP.BIN / CRIM
// blob (readCrim, turned back into a manifest by crimToManifest), or a PE whose WEVT_TEMPLATE
// resource holds one (its MESSAGETABLE gives the messages).
//
// An event is looked up by provider GUID, id and version (any version of the id when that one is
// not there). Its name is PerfView's rule for manifest events: the task's name, then `/` and the
// opcode's name (a `win:` prefix dropped) unless the opcode is 0 (Info); the symbol when there is
// no task. Fields are read in template order by their in-types (tdh.ts), `length` and `count`
// from a number or an earlier field; structs become objects (arrays of them with a count). The
// message is the event's localized string (en-US first) with %1… replaced by the top-level
// fields' values, %n %t %% %r as Windows' FormatMessage reads them.

import { parseManifest } from '../../manifest/parse.js';
import { assignMessageIds } from '../../manifest/message-ids.js';
import { readCrim } from '../../manifest/crim.js';
import { crimToManifest, type MessageTableInput } from '../../manifest/decompile.js';
import { readPeResources, looksLikePe } from '../../rc-gen/pe.js';
import { readMessageTable } from '../../rc-gen/message-table.js';
import type { DataField, Event, Manifest, Provider, SizeSpec, TemplateField } from '../../manifest/model.js';
import { FormatError } from '../../binary/errors.js';
import { PayloadCursor, type FieldValue, type Fields } from './payload.js';
import { readInType, type Display } from './tdh.js';
import type { EventDecoder } from './reader.js';
import type { RawRecord } from './headers.js';
import { plainGuid } from './headers.js';

export class ManifestLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestLoadError';
  }
}

/** The manifest of a .man, TEMP.BIN or PE file's bytes. Throws ManifestLoadError when none reads. */
export function loadManifest(bytes: Uint8Array, name = 'manifest', options: { lenient?: boolean } = {}): Manifest {
  let text: Uint8Array = bytes;
  if (options.lenient) {
    // A manifest an EventSource wrote (its ManifestData) may have symbols mc.exe would refuse
    // (`System.Threading.Tasks.TplEventSource`); they do not matter for decoding
    const xml = new TextDecoder().decode(bytes).replace(/\bsymbol="([^"]*)"/g, (_m, s: string) => `symbol="${s.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=\d)/, '_')}"`);
    text = new TextEncoder().encode(xml);
  }
  try {
    if (looksLikePe(bytes)) {
      const resources = readPeResources(bytes);
      const wevt = resources.find((r) => r.type === 'WEVT_TEMPLATE');
      if (!wevt) throw new ManifestLoadError(`${name}: the PE file has no WEVT_TEMPLATE resource`);
      const tables: MessageTableInput[] = resources.filter((x) => x.type === 11).map((r) => ({ languageId: r.languageId, entries: readMessageTable(r.data).entries }));
      text = new TextEncoder().encode(crimToManifest(readCrim(wevt.data), tables, { verify: false }));
    } else if (bytes.length >= 4 && String.fromCharCode(bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!) === 'CRIM') {
      text = new TextEncoder().encode(crimToManifest(readCrim(bytes), undefined, { verify: false }));
    }
  } catch (e) {
    if (e instanceof ManifestLoadError) throw e;
    if (e instanceof FormatError) throw new ManifestLoadError(`${name}: ${e.message}`);
    throw e;
  }
  const { manifest, diagnostics } = parseManifest(text, name);
  if (!manifest) {
    const first = diagnostics.find((d) => d.severity === 'error') ?? diagnostics[0];
    throw new ManifestLoadError(`${name}: not a readable instrumentation manifest${first ? `: ${first.message}` : ''}`);
  }
  assignMessageIds(manifest);
  return manifest;
}

interface Resolved {
  provider: Provider;
  event: Event;
  name: string;
  message: string | null;
}

/** An EventDecoder for the providers of a manifest. */
export function manifestDecoder(manifest: Manifest): EventDecoder {
  const byKey = new Map<string, Resolved>();
  const byId = new Map<string, Resolved>();
  const strings = stringTable(manifest);
  for (const provider of manifest.providers) {
    const guid = plainGuid(provider.guid.text);
    for (const event of provider.events) {
      const r: Resolved = { provider, event, name: eventName(event), message: event.message ? (strings.get(event.message.stringId) ?? event.message.predefinedText ?? null) : null };
      byKey.set(`${guid}/${event.value}/${event.version}`, r);
      if (!byId.has(`${guid}/${event.value}`) || event.version > byId.get(`${guid}/${event.value}`)!.event.version) byId.set(`${guid}/${event.value}`, r);
    }
  }
  return {
    decode(raw: RawRecord, providerGuid: string) {
      if (raw.kind !== 'event') return null;
      const r = byKey.get(`${providerGuid}/${raw.eventId}/${raw.version}`) ?? byId.get(`${providerGuid}/${raw.eventId}`);
      if (!r) return null;
      const result = { provider: r.provider.name, eventName: r.name, fields: null as Fields | null, message: null as string | null };
      if (r.event.template) {
        const c = new PayloadCursor(raw.payload, raw.pointerSize);
        result.fields = readTemplate(r.event.template.fields, c, strings);
      } else {
        result.fields = {};
      }
      result.message = r.message === null ? null : formatMessage(r.message, Object.values(result.fields));
      return result;
    },
  };
}

function stringTable(manifest: Manifest): Map<string, string> {
  const m = new Map<string, string>();
  const ordered = [...manifest.resources].sort((a, b) => (a.culture === 'en-US' ? -1 : b.culture === 'en-US' ? 1 : 0));
  for (const res of ordered) for (const s of res.stringList) if (!m.has(s.id)) m.set(s.id, s.value);
  return m;
}

const stripPrefix = (name: string) => name.replace(/^win:/, '');

/** PerfView's name of a manifest event. */
export function eventName(event: Event): string {
  const opcode = event.opcode && event.opcode.value !== 0 ? stripPrefix(event.opcode.name) : '';
  const task = event.task ? stripPrefix(event.task.name) : '';
  if (task === '') {
    const base = event.symbol ?? event.name ?? `EventID(${event.value})`;
    return opcode ? `${base}/${opcode}` : base;
  }
  return opcode ? `${task}/${opcode}` : task;
}

/** How a manifest's TDH out-type shows a value. */
function display(field: DataField): Display {
  const out = field.outType?.value;
  switch (out) {
    case 13:
      return 'bool';
    case 15:
    case 16:
    case 17:
    case 18:
    case 19:
    case 29:
    case 30:
    case 31:
    case 32:
      return 'hex';
    case 22:
      return 'port';
    case 23:
      return 'ipv4';
    default:
      return null;
  }
}

function sizeOf(spec: SizeSpec | undefined, done: Fields, what: string, c: PayloadCursor): number | undefined {
  if (!spec) return undefined;
  if (spec.kind === 'fixed') return spec.value;
  const v = done[spec.name];
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  throw c.r.error(`${what}: its size field ${spec.name} is ${JSON.stringify(v)}`, c.at, 'template');
}

function readTemplate(fields: readonly TemplateField[], c: PayloadCursor, strings: ReadonlyMap<string, string>): Fields {
  const out: Fields = {};
  for (const f of fields) {
    if (c.remaining === 0 && f.kind === 'data' && f.inType.value !== 1 && f.inType.value !== 2) break; // older producers write fewer fields
    const count = sizeOf(f.count, out, f.name, c);
    const one = (): FieldValue => (f.kind === 'struct' ? readTemplate(f.fields, c, strings) : readData(f, out, c, strings));
    if (count === undefined) out[f.name] = one();
    else {
      if (count > c.remaining + 1) throw c.r.error(`${f.name}: ${count} elements do not fit the ${c.remaining} bytes left`, c.at, 'template');
      const items: FieldValue[] = [];
      for (let i = 0; i < count; i++) {
        c.spend(f.name);
        items.push(one());
      }
      out[f.name] = items;
    }
  }
  return out;
}

function readData(f: DataField, done: Fields, c: PayloadCursor, strings: ReadonlyMap<string, string>): FieldValue {
  const length = sizeOf(f.length, done, f.name, c);
  const v = readInType(f.inType.value, display(f), c, f.name, length);
  if (f.map && typeof v === 'number') return mapValue(f, v, strings);
  return v;
}

/**
 * A value through its map, as PerfView shows it: a valueMap's item text; a bitMap's item texts
 * joined by `, ` ('None' for 0 without an item; bits without an item stay as hex).
 */
function mapValue(f: DataField, v: number, strings: ReadonlyMap<string, string>): FieldValue {
  const map = f.map!;
  // a map whose texts are not known (a TEMP.BIN without its message tables) leaves the number
  if (map.items.some((i) => !(strings.get(i.message.stringId) ?? i.message.predefinedText))) return v;
  const text = (i: (typeof map.items)[number]) => strings.get(i.message.stringId) ?? i.message.predefinedText!;
  if (map.kind === 'valueMap') {
    const item = map.items.find((i) => i.value === v);
    return item ? text(item) : v;
  }
  const zero = map.items.find((i) => i.value === 0);
  if (v === 0) return zero ? text(zero) : 'None';
  const names: string[] = [];
  let rest = v >>> 0;
  for (const i of map.items) {
    if (i.value !== 0 && (v & i.value) >>> 0 === i.value >>> 0) {
      names.push(text(i));
      rest &= ~i.value;
    }
  }
  if (rest) names.push('0x' + (rest >>> 0).toString(16));
  return names.join(', ');
}

/** FormatMessage-style insertion of %1…%99 (with an optional !fmt!), %n, %t, %r, %%, %. */
export function formatMessage(text: string, values: readonly FieldValue[]): string {
  return text.replace(/%(\d{1,2})(?:!([^!]*)!)?|%([ntr%.!b])/g, (_all, n: string | undefined, _fmt: string | undefined, esc: string | undefined) => {
    if (n !== undefined) {
      const v = values[Number(n) - 1];
      return v === undefined ? `%${n}` : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
    }
    switch (esc) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case 'b':
        return ' ';
      default:
        return esc!;
    }
  });
}
