// A manifest-based event rendered as Event Viewer renders it (EvtFormatMessage with the publisher's
// metadata), from the event's System fields and EventData and the provider's manifest:
//
//   * the provider is found by GUID (System/Provider@Guid), else by name; the event by id and
//     version (an event of that id with no such version gets no message, as in Event Viewer:
//     "the description ... cannot be found");
//   * the message is the event's string (en-US first, else the first culture that has it) through
//     FormatMessage (src/packet/format-message.ts): %1.. are the template's top-level fields in
//     template order, taken from EventData by name (by position when the items have no names);
//     a field with a valueMap shows the map item's string, one with a bitMap the strings of the
//     set bits joined by ", " (a value no item matches shows as it is); %n %t %% as FormatMessage
//     reads them; the trailing line break dropped;
//   * Level, Task, Opcode and Keywords are the items' strings (winmeta's for `win:` items), else
//     their names; Channel is the channel's name (what Event Viewer shows as Log Name), and its
//     string as `channelText` when the manifest gives one.
//
// Inferred (no Windows rendering to compare): the ", " between bitmap strings and the trimming of
// the strings' trailing line breaks inside inserts.

import type { DataField, Event, Manifest, MessageRef, Provider, TemplateField, ValueOrBitMap } from '../manifest/model.js';
import { WIN_KEYWORDS, WIN_LEVELS, WIN_OPCODES, WIN_TASKS } from '../manifest/winmeta.js';
import { formatMessage } from '../packet/format-message.js';
import { type XmlElement, type XmlNode, attribute, childElements, textOf } from './binxml/reader.js';
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
  /** EventData items in document order. */
  data: { name?: string; value: string }[];
}

export interface RenderedManifestEvent {
  provider: string;
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
  problem?: string;
}

const bare = (guid: string) => guid.trim().replace(/^\{/, '').replace(/\}$/, '').toLowerCase();

function strings(manifest: Manifest): Map<string, string> {
  const table = new Map<string, string>();
  const ordered = [...manifest.resources].sort((a, b) => (a.culture === 'en-US' ? -1 : b.culture === 'en-US' ? 1 : 0));
  for (const res of ordered) for (const s of res.stringList) if (!table.has(s.id)) table.set(s.id, s.value);
  return table;
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
  text: (ref: MessageRef | undefined) => string | undefined;
}

export class ManifestRenderer {
  private readonly byGuid = new Map<string, Loaded>();
  private readonly byName = new Map<string, Loaded>();

  constructor(manifests: readonly Manifest[]) {
    for (const manifest of manifests) {
      const table = strings(manifest);
      const text = (ref: MessageRef | undefined) => (ref ? (table.get(ref.stringId) ?? ref.predefinedText) : undefined);
      for (const provider of manifest.providers) {
        const loaded = { manifest, provider, text };
        if (!this.byGuid.has(bare(provider.guid.text))) this.byGuid.set(bare(provider.guid.text), loaded);
        if (!this.byName.has(provider.name.toLowerCase())) this.byName.set(provider.name.toLowerCase(), loaded);
      }
    }
  }

  /** The rendering, or null when no manifest has the event's provider. */
  render(fields: ManifestEventFields): RenderedManifestEvent | null {
    const loaded = (fields.providerGuid ? this.byGuid.get(bare(fields.providerGuid)) : undefined) ?? this.byName.get(fields.providerName.toLowerCase());
    if (!loaded) return null;
    const { provider, text } = loaded;
    const out: RenderedManifestEvent = { provider: provider.name, message: null, keywords: [] };
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
    out.message = formatMessage(template, inserts, { missingInsert: 'keep' }).replace(/(\r\n)+$/, '');
    return out;
  }
}

/** The insert strings of an event: its template's top-level fields in order, maps applied. */
function insertsOf(event: Event, data: ManifestEventFields['data'], text: (ref: MessageRef | undefined) => string | undefined): string[] {
  const fields: readonly TemplateField[] = event.template?.fields ?? [];
  const byName = new Map<string, string>();
  for (const d of data) if (d.name !== undefined && !byName.has(d.name)) byName.set(d.name, d.value);
  return fields.map((f, i) => {
    const raw = (data.some((d) => d.name !== undefined) ? byName.get(f.name) : data[i]?.value) ?? '';
    return f.kind === 'data' && f.map ? applyMap(f, f.map, raw, text) : raw;
  });
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
  if (eventData) {
    for (const item of childElements(eventData, 'Data')) {
      const name = attrText(item, 'Name');
      out.data.push(name === undefined ? { value: textOf(item.children) } : { name, value: textOf(item.children) });
    }
  }
  return out;
}
