// A manifest-based event rendered as Event Viewer renders it (EvtFormatMessage with the publisher's
// metadata), from the event's System fields and EventData and the provider's manifest:
//
//   * the provider is found by GUID (System/Provider@Guid), else by name; the event by id and
//     version (an event of that id with no such version gets no message, as in Event Viewer:
//     "the description ... cannot be found");
//   * the message is the event's string (en-US first, else the first culture that has it) through
//     FormatMessage (src/packet/format-message.ts). %1.. are the record's values in order, the
//     first EventData (or UserData) item for %1 and so on, whatever their names: Windows fills the
//     inserts by position, so a record written with another layout of the same event version
//     renders shifted, as Event Viewer shows it (docs/events.md, "Manifest events in .evtx"); such
//     a record gets a `note`. An insert beyond the record's values stays as written (`%16`);
//   * each insert is the value converted to its template field's type, as EvtFormatMessage does:
//     an integer field shows the value as a number (a string that is no number shows as 0), a
//     HexInt32/HexInt64 field (or outType) as 0x and upper-case hex digits without padding, a
//     Pointer as 0x and lower-case digits, a GUID field a GUID value as it is and any other value
//     as its own type formats it, a string field the value as its own type formats it (a
//     HexInt64 as 0x13a10, not the 16 digits of the XML text); a field with a valueMap shows the map item's string, one with a bitMap the
//     strings of the set bits joined by ", " (a value no item matches shows as it is); %n %t %%
//     as FormatMessage reads them; the trailing line break dropped;
//   * Level, Task, Opcode and Keywords are the items' strings (winmeta's for `win:` items), else
//     their names; Channel is the channel's name (what Event Viewer shows as Log Name), and its
//     string as `channelText` when the manifest gives one.
//
// Inferred (no Windows rendering to compare): the ", " between bitmap strings and the trimming of
// the strings' trailing line breaks inside inserts.

import type { DataField, Event, Manifest, MessageRef, Provider, TemplateField, ValueOrBitMap } from '../manifest/model.js';
import { WIN_KEYWORDS, WIN_LEVELS, WIN_OPCODES, WIN_TASKS } from '../manifest/winmeta.js';
import { formatEventMessage } from '../packet/format-message.js';
import { type ScalarValue, type XmlElement, type XmlNode, VALUE_TYPE, attribute, childElements, textOf } from './binxml/reader.js';
import type { EvtxRecord } from './evtx.js';

/** The parts of an event the rendering uses (from an EVTX record: manifestFieldsOfEvtx). */
export interface ManifestEventFields {
  providerName: string;
  /** `{…}` or bare; compared without braces and case. */
  providerGuid?: string;
  eventId: number;
  version: number;
  level: number;
  task: number;
  opcode: number;
  keywords: bigint;
  channel?: string;
  /** EventData (or UserData) items in document order. */
  data: ManifestDatum[];
}

/** One EventData item: its text, and the value as the record typed it when it is one value. */
export interface ManifestDatum {
  name?: string;
  value: string;
  /** The BinXML value type (VALUE_TYPE) and value, for formatting as Windows does. */
  type?: number;
  raw?: ScalarValue;
}

export interface RenderedManifestEvent {
  provider: string;
  /** The provider's string, when the manifest gives one (RenderingInfo's Provider; else the name). */
  providerText?: string;
  /** The culture of the strings used (RenderingInfo's Culture). */
  culture: string;
  /** The event's symbol or name in the manifest, when it has one. */
  event?: string;
  /** The description; null when the manifest has no message for it (see `problem`). */
  message: string | null;
  level?: string;
  task?: string;
  opcode?: string;
  keywords: string[];
  channel?: string;
  channelText?: string;
  /** Why there is no message. */
  problem?: string;
  /** A message was rendered, but from values whose names do not match the manifest's template. */
  note?: string;
}

const bare = (guid: string) => guid.trim().replace(/^\{/, '').replace(/\}$/, '').toLowerCase();

function strings(manifest: Manifest): { table: Map<string, string>; culture: string } {
  const table = new Map<string, string>();
  const ordered = [...manifest.resources].sort((a, b) => (a.culture === 'en-US' ? -1 : b.culture === 'en-US' ? 1 : 0));
  for (const res of ordered) for (const s of res.stringList) if (!table.has(s.id)) table.set(s.id, s.value);
  return { table, culture: ordered[0]?.culture ?? 'en-US' };
}

function parseNumber(text: string): bigint | undefined {
  const t = text.trim();
  if (/^-?[0-9]+$/.test(t)) return BigInt(t);
  if (/^0x[0-9a-f]+$/i.test(t)) return BigInt(t);
  if (t === 'true') return 1n;
  if (t === 'false') return 0n;
  return undefined;
}

interface Loaded {
  manifest: Manifest;
  provider: Provider;
  culture: string;
  text: (ref: MessageRef | undefined) => string | undefined;
}

export class ManifestRenderer {
  private readonly byGuid = new Map<string, Loaded>();
  private readonly byName = new Map<string, Loaded>();

  constructor(manifests: readonly Manifest[]) {
    for (const manifest of manifests) {
      const { table, culture } = strings(manifest);
      // An empty string counts as none: a TEMP.BIN read alone (no message table) leaves every string empty
      const text = (ref: MessageRef | undefined) => {
        const v = ref ? (table.get(ref.stringId) ?? ref.predefinedText) : undefined;
        return v === '' ? undefined : v;
      };
      for (const provider of manifest.providers) {
        const loaded = { manifest, provider, culture, text };
        if (!this.byGuid.has(bare(provider.guid.text))) this.byGuid.set(bare(provider.guid.text), loaded);
        if (!this.byName.has(provider.name.toLowerCase())) this.byName.set(provider.name.toLowerCase(), loaded);
      }
    }
  }

  /** The rendering, or null when no manifest has the event's provider. */
  render(fields: ManifestEventFields): RenderedManifestEvent | null {
    const loaded = (fields.providerGuid ? this.byGuid.get(bare(fields.providerGuid)) : undefined) ?? this.byName.get(fields.providerName.toLowerCase());
    if (!loaded) return null;
    const { provider, text, culture } = loaded;
    const out: RenderedManifestEvent = { provider: provider.name, culture, message: null, keywords: [] };
    const providerText = text(provider.message);
    if (providerText !== undefined) out.providerText = providerText;
    const event = provider.events.find((e) => e.value === fields.eventId && e.version === fields.version);

    const level = provider.levels.find((l) => l.value === fields.level);
    out.level = level ? (text(level.message) ?? level.name) : WIN_LEVELS.find((l) => l.value === fields.level)?.text;
    const task = provider.tasks.find((t) => t.value === fields.task);
    out.task = task ? (text(task.message) ?? task.name) : fields.task === 0 ? WIN_TASKS[0]!.text : undefined;
    const opcode = task?.opcodes.find((o) => o.value === fields.opcode) ?? provider.opcodes.find((o) => o.value === fields.opcode);
    out.opcode = opcode ? (text(opcode.message) ?? opcode.name) : WIN_OPCODES.find((o) => o.value === fields.opcode)?.text;
    for (const k of provider.keywords) if (k.mask !== 0n && (k.mask & fields.keywords) === k.mask) out.keywords.push(text(k.message) ?? k.name);
    for (const k of WIN_KEYWORDS) {
      if (k.mask === 0n || k.text === '' || (k.mask & fields.keywords) !== k.mask) continue;
      if (!provider.keywords.some((p) => p.mask === k.mask)) out.keywords.push(k.text);
    }
    const channel = (event?.channel ?? undefined) ?? provider.channels.find((c) => c.name === fields.channel);
    if (channel) {
      out.channel = channel.source?.name ?? channel.name;
      const ct = text(channel.message);
      if (ct !== undefined) out.channelText = ct;
    } else if (fields.channel) {
      out.channel = fields.channel;
    }

    if (!event) {
      out.problem = provider.events.some((e) => e.value === fields.eventId)
        ? `the manifest has event ${fields.eventId} of ${provider.name}, but not version ${fields.version}`
        : `the manifest of ${provider.name} has no event ${fields.eventId}`;
      return out;
    }
    const name = event.symbol ?? event.name;
    if (name !== undefined) out.event = name;
    const template = text(event.message);
    if (template === undefined) {
      out.problem = `event ${fields.eventId} of ${provider.name} has no message`;
      return out;
    }
    const inserts = insertsOf(event, fields.data, text);
    out.message = formatEventMessage(template, inserts);
    const mismatch = layoutMismatch(event, fields.data);
    if (mismatch !== undefined) out.note = mismatch;
    return out;
  }
}

/**
 * The insert strings of an event: the record's values in order (as Windows takes them), each
 * converted to its template field's type, maps applied.
 */
function insertsOf(event: Event, data: readonly ManifestDatum[], text: (ref: MessageRef | undefined) => string | undefined): string[] {
  const fields: readonly TemplateField[] = event.template?.fields ?? [];
  return data.map((d, i) => {
    const f = fields[i];
    if (f === undefined || f.kind !== 'data') return ownText(d);
    const shown = insertText(f, d);
    return f.map ? applyMap(f, f.map, shown, text) : shown;
  });
}

/** Whether the record's item names differ from the template's field names (a record of another layout). */
function layoutMismatch(event: Event, data: readonly ManifestDatum[]): string | undefined {
  const fields = event.template?.fields ?? [];
  if (!data.some((d) => d.name !== undefined)) return undefined;
  const at = data.findIndex((d, i) => d.name !== undefined && d.name !== fields[i]?.name);
  if (at < 0 && data.length === fields.length) return undefined;
  const where = at >= 0 ? `item ${at + 1} is ${data[at]!.name} where the template has ${fields[at]?.name ?? 'no field'}` : `it has ${data.length} items, the template ${fields.length} fields`;
  return `the record's EventData does not have the layout of the manifest's template (${where}); the inserts are taken by position, as Windows does`;
}

const INTEGER_BITS: Record<string, [bits: number, signed: boolean]> = {
  Int8: [8, true], UInt8: [8, false], Int16: [16, true], UInt16: [16, false], Int32: [32, true], UInt32: [32, false],
  Int64: [64, true], UInt64: [64, false], HexInt32: [32, false], HexInt64: [64, false], Pointer: [64, false],
};
const HEX_OUT = new Set(['HexInt8', 'HexInt16', 'HexInt32', 'HexInt64']);

/** A value as its own type formats it in a message (hex integers without the XML text's padding). */
function ownText(d: ManifestDatum): string {
  if ((d.type === VALUE_TYPE.HEX_INT32 || d.type === VALUE_TYPE.HEX_INT64) && (typeof d.raw === 'number' || typeof d.raw === 'bigint')) {
    return `0x${BigInt.asUintN(d.type === VALUE_TYPE.HEX_INT32 ? 32 : 64, BigInt(d.raw)).toString(16)}`;
  }
  return d.value;
}

/** The value as a number for an integer field: a number as it is, a string by its leading digits (else 0, as Windows shows it). */
function numberOf(d: ManifestDatum): bigint | undefined {
  if (typeof d.raw === 'number') return Number.isInteger(d.raw) ? BigInt(d.raw) : undefined;
  if (typeof d.raw === 'bigint') return d.raw;
  if (typeof d.raw === 'boolean') return d.raw ? 1n : 0n;
  if (d.raw instanceof Uint8Array) return undefined;
  const t = d.value.trim();
  const hex = /^0x([0-9a-f]+)/i.exec(t);
  if (hex) return BigInt(`0x${hex[1]}`);
  const dec = /^-?\d+/.exec(t);
  return dec ? BigInt(dec[0]) : 0n;
}

function insertText(field: DataField, d: ManifestDatum): string {
  const inType = field.inType.name;
  const integer = INTEGER_BITS[inType];
  if (integer) {
    const n = numberOf(d);
    if (n === undefined) return ownText(d);
    const [bits, signed] = integer;
    // a Pointer in lower case (Security 4624's "Process ID: 0x2e4"), the hex types in upper case
    // ("LogonId: 0x3E7", "GrantedAccess: 0x1FFFFF"): see docs/events.md
    if (inType === 'Pointer') return `0x${BigInt.asUintN(bits, n).toString(16)}`;
    if (inType.startsWith('Hex') || HEX_OUT.has(field.outType?.name ?? '')) return `0x${BigInt.asUintN(bits, n).toString(16).toUpperCase()}`;
    return (signed ? BigInt.asIntN(bits, n) : BigInt.asUintN(bits, n)).toString();
  }
  if (inType === 'Boolean' && typeof d.raw !== 'boolean' && d.type !== VALUE_TYPE.BOOL) {
    const n = numberOf(d);
    return n === undefined ? ownText(d) : n !== 0n ? 'true' : 'false';
  }
  return ownText(d);
}

function applyMap(_field: DataField, map: ValueOrBitMap, raw: string, text: (ref: MessageRef | undefined) => string | undefined): string {
  const n = parseNumber(raw);
  if (n === undefined) return raw;
  const itemText = (ref: MessageRef) => (text(ref) ?? '').replace(/(\r\n|\n)+$/, '');
  if (map.kind === 'valueMap') {
    const item = map.items.find((m) => BigInt(m.value >>> 0) === (n & 0xffffffffn));
    return item ? itemText(item.message) : raw;
  }
  if (n === 0n) {
    const zero = map.items.find((m) => m.value === 0);
    return zero ? itemText(zero.message) : raw;
  }
  const set = map.items.filter((m) => m.value !== 0 && (BigInt(m.value >>> 0) & n) === BigInt(m.value >>> 0));
  return set.length > 0 ? set.map((m) => itemText(m.message)).join(', ') : raw;
}

// ---- from an EVTX record ----------------------------------------------------------------------

function firstElement(nodes: readonly XmlNode[], name: string): XmlElement | undefined {
  return nodes.find((n): n is XmlElement => n.kind === 'element' && n.name === name);
}

function attrText(el: XmlElement | undefined, name: string): string | undefined {
  const v = el ? attribute(el, name) : undefined;
  return v ? textOf(v) : undefined;
}

function childText(parent: XmlElement, name: string): string | undefined {
  const el = childElements(parent, name)[0];
  return el ? textOf(el.children) : undefined;
}

const num = (text: string | undefined) => (text === undefined ? undefined : parseNumber(text));

/** The System fields and EventData of an EVTX record; null for a record that is not an Event. */
export function manifestFieldsOfEvtx(record: EvtxRecord): ManifestEventFields | null {
  const event = firstElement(record.nodes, 'Event');
  const system = event && childElements(event, 'System')[0];
  if (!event || !system) return null;
  const provider = childElements(system, 'Provider')[0];
  const out: ManifestEventFields = {
    providerName: attrText(provider, 'Name') ?? '',
    eventId: Number(num(childText(system, 'EventID')) ?? 0n),
    version: Number(num(childText(system, 'Version')) ?? 0n),
    level: Number(num(childText(system, 'Level')) ?? 0n),
    task: Number(num(childText(system, 'Task')) ?? 0n),
    opcode: Number(num(childText(system, 'Opcode')) ?? 0n),
    keywords: num(childText(system, 'Keywords')) ?? 0n,
    data: [],
  };
  const guid = attrText(provider, 'Guid');
  if (guid) out.providerGuid = guid;
  const channel = childText(system, 'Channel');
  if (channel) out.channel = channel;
  const eventData = childElements(event, 'EventData')[0];
  // UserData: one element (the template's wrapper) whose child elements are the values
  const userData = eventData ? undefined : childElements(event, 'UserData')[0]?.children.find((n): n is XmlElement => n.kind === 'element');
  const items = eventData ? childElements(eventData, 'Data') : userData ? userData.children.filter((n): n is XmlElement => n.kind === 'element') : [];
  for (const item of items) {
    const name = eventData ? attrText(item, 'Name') : item.name;
    const d: ManifestDatum = name === undefined ? { value: textOf(item.children) } : { name, value: textOf(item.children) };
    const only = item.children.length === 1 ? item.children[0]! : undefined;
    if (only?.kind === 'value' && !Array.isArray(only.value)) {
      d.type = only.type & ~VALUE_TYPE.ARRAY;
      d.raw = only.value as ScalarValue;
    }
    out.data.push(d);
  }
  return out;
}
