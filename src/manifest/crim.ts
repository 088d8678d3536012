// The CRIM blob (mc.exe's <base>TEMP.BIN, the WEVT_TEMPLATE resource): a plain description of
// its content (CrimFile), its reader and its encoder, both driven by the record tables of
// crim-layout.ts, and writeCrim, which describes a manifest the way mc.exe lays it out.
// Block structure and mc's quirks: docs/manifests.md.

import { alignUp, decodeUtf16le, formatGuid, parseGuid, utf16NulAt, writeUtf16le } from '../binary/codec.js';
import { FormatError } from '../binary/errors.js';
import type { Fields, Struct, StructInput, StructValues } from '../binary/layout.js';
import { ByteReader } from '../binary/reader.js';
import type { XmlElement, XmlNode } from '../eventlog/binxml/reader.js';
import { TemplateBinXmlError, readTemplateFragment, writeTemplateFragment } from '../eventlog/binxml/writer.js';
import { eventKeywordMask } from './codegen.js';
import { md5TemplateId, sha256TemplateId } from './crim-hash.js';
import { GENERATION_TRAITS, type ManifestGeneration } from './generation.js';
import type { DataField, Manifest, Provider, SizeSpec, Template, TemplateField } from './model.js';
import type { XmlElement as SourceElement } from './xml.js';
import { OUT_TYPES, OUT_TYPES_OF } from './winmeta.js';
import {
  CHANNEL_ENTRY,
  CRIM_HEADER,
  EVENT_ATTRIBUTE_ENTRY,
  EVENT_ENTRY,
  EVENT_HEADER,
  FILTER_ENTRY,
  FILTER_HEADER,
  KEYWORD_ENTRY,
  LEVEL_ENTRY,
  LIST_DESCRIPTOR,
  LIST_HEADER,
  LIST_KINDS,
  LIST_TAGS,
  MAP_HEADER,
  MAP_ITEM,
  OPCODE_ENTRY,
  PROPERTY_ENTRY,
  PROVIDER_ATTRIBUTE_ENTRY,
  PROVIDER_ENTRY,
  PRVA_CONTROL_GUID,
  PRVA_GROUP_GUID,
  PRVA_NAME,
  EVTA_ATTRIBUTES,
  EVTA_NAME,
  PROPERTY_FLAGS,
  QUERY_HEADER,
  QUERY_ITEM,
  STRUCT_PROPERTY_ENTRY,
  TASK_ENTRY,
  TEMPLATE_HEADER,
  WEVT_HEADER,
  tag,
  tagName,
  type CrimListKind,
} from './crim-layout.js';

export type { CrimListKind } from './crim-layout.js';

/** "No message": the message id of an item without one. */
export const NO_MESSAGE = 0xffffffff;

export interface CrimFile {
  major: number;
  minor: number;
  providers: CrimProvider[];
}

export interface CrimProvider {
  /** `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}` */
  guid: string;
  messageId: number;
  /** The lists in the order of the WEVT descriptors (and of the blocks). */
  lists: CrimListKind[];
  channels: CrimChannel[];
  levels: CrimNamedValue[];
  opcodes: CrimOpcode[];
  tasks: CrimTask[];
  keywords: CrimKeyword[];
  /** Maps in the order their blocks are written. */
  maps: CrimMap[];
  namedQueries: CrimPatternMap[];
  templates: CrimTemplate[];
  events: CrimEvent[];
  filters: CrimFilter[];
  providerAttributes: CrimProviderAttribute[];
  eventAttributes: CrimEventAttribute[];
}

export interface CrimChannel {
  /** 1 for an imported channel, 0 for one the provider defines. */
  flags: number;
  name: string;
  value: number;
  messageId: number;
}
export interface CrimNamedValue {
  name: string;
  value: number;
  messageId: number;
}
export interface CrimOpcode extends CrimNamedValue {
  task: number;
}
export interface CrimTask extends CrimNamedValue {
  eventGuid: string;
}
export interface CrimKeyword {
  name: string;
  mask: bigint;
  messageId: number;
}
export interface CrimMap {
  kind: 'valueMap' | 'bitMap';
  name: string;
  items: { value: number; messageId: number }[];
}
export interface CrimPatternMap {
  name: string;
  format: string;
  items: { name: string; value: string }[];
}
export interface CrimProperty {
  name: string;
  flags: number;
  /** Data properties. */
  inType?: number;
  outType?: number;
  /** Index into the provider's maps. */
  map?: number;
  /** Struct properties: index of the first member in `properties`, and the member count. */
  structStart?: number;
  memberCount?: number;
  count: number;
  length: number;
}
export interface CrimTemplate {
  guid: string;
  /** 1 for an EventData template, 2 with UserData. */
  flags: number;
  paramCount: number;
  xml: XmlElement;
  /** Top-level properties first, then the members of each struct. */
  properties: CrimProperty[];
}
export interface CrimEvent {
  id: number;
  version: number;
  channel: number;
  level: number;
  opcode: number;
  task: number;
  keywords: bigint;
  messageId: number;
  /** Indexes into the provider's lists. */
  template?: number;
  opcodeRef?: number;
  levelRef?: number;
  taskRef?: number;
  channelRef?: number;
  keywordRefs: number[];
}
export interface CrimFilter {
  name: string;
  value: number;
  version: number;
  messageId: number;
  template?: number;
}
export interface CrimProviderAttribute {
  flags: number;
  /** The provider name (PRVA_NAME) or a GUID. */
  value: string;
}
export interface CrimEventAttribute {
  flags: number;
  id: number;
  version: number;
  value: string;
}

export class CrimFormatError extends FormatError {
  constructor(
    message: string,
    readonly block: string,
    offset: number,
  ) {
    super('CRIM', message, offset, { structure: block, text: `${block}: ${message} (at file offset 0x${offset.toString(16)})` });
    this.name = 'CrimFormatError';
  }
}

// ---------------------------------------------------------------------------------------------
// GUIDs (Windows' in-memory byte order): the codec's, under the names this module has exported

export { formatGuid as guidToText, parseGuid as guidFromText } from '../binary/codec.js';

// ---------------------------------------------------------------------------------------------
// Reader

class Blob {
  readonly bytes: Uint8Array;
  readonly r: ByteReader;
  block = 'CRIM';
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.r = new ByteReader(bytes, {
      format: 'CRIM',
      error: (detail, offset) => new CrimFormatError(detail, this.block, offset),
      short: (what, length) => `${what} (${length} bytes) runs past the end of the file`,
    });
  }
  fail(message: string, offset: number): never {
    throw new CrimFormatError(message, this.block, offset);
  }
  need(offset: number, n: number, what: string): void {
    this.r.need(offset, n, what);
  }
  u32(offset: number, what: string): number {
    return this.r.u32(offset, what);
  }
  rec<F extends Fields>(offset: number, l: Struct<F>): StructValues<F> {
    return l.read(this.r, offset);
  }
  list(offset: number, magic: string): { size: number; count: number } {
    const h = this.rec(offset, LIST_HEADER);
    if (h.magic !== tag(magic)) this.fail(`expected tag ${magic}, found ${JSON.stringify(tagName(h.magic))}`, offset);
    return { size: h.size, count: h.count };
  }
  /** Name data: size u32 (counting itself and the padding to 4), UTF-16, NUL. */
  sizedString(offset: number): string {
    const size = this.u32(offset, 'string size');
    if (size < 6 || size % 4 !== 0) this.fail(`bad string size ${size}`, offset);
    this.need(offset, size, 'string');
    const s = this.zstringIn(offset + 4, offset + size);
    if (size !== sizedStringSize(s)) this.fail(`string "${s}" has size ${size}, expected ${sizedStringSize(s)}`, offset);
    return s;
  }
  zstring(offset: number): string {
    return this.zstringIn(offset, this.bytes.length);
  }
  private zstringIn(offset: number, end: number): string {
    const nul = utf16NulAt(this.bytes, offset, end);
    if (nul + 2 > end) this.fail('string without NUL', offset);
    return decodeUtf16le(this.bytes, offset, nul);
  }
}

function sizedStringSize(s: string): number {
  return (4 + s.length * 2 + 2 + 3) & ~3;
}

/** Reads a TEMP.BIN (the 2 trailing zero bytes mc writes are accepted) or a bare CRIM blob. */
export function readCrim(bytes: Uint8Array): CrimFile {
  const b = new Blob(bytes);
  const h = b.rec(0, CRIM_HEADER);
  if (h.magic !== tag('CRIM')) b.fail('not a CRIM blob (no "CRIM" tag)', 0);
  if (h.size > bytes.length) b.fail(`size ${h.size} exceeds the file (${bytes.length} bytes)`, CRIM_HEADER.offset.size);
  if (h.major !== 3 && h.major !== 5) b.fail(`unknown version ${h.major}.${h.minor}`, CRIM_HEADER.offset.major);
  const providers: CrimProvider[] = [];
  for (let i = 0; i < h.providerCount; i++) {
    b.block = `CRIM provider entry ${i}`;
    const e = b.rec(CRIM_HEADER.size + i * PROVIDER_ENTRY.size, PROVIDER_ENTRY);
    providers.push(readProvider(b, e.offset, formatGuid(e.guid), h.major));
  }
  return { major: h.major, minor: h.minor, providers };
}

function readProvider(b: Blob, at: number, guid: string, major: number): CrimProvider {
  b.block = `WEVT ${guid}`;
  const h = b.rec(at, WEVT_HEADER);
  if (h.magic !== tag('WEVT')) b.fail('expected tag WEVT', at);
  const slots = major >= 5 ? h.listCount : 11;
  if (h.listCount > slots) b.fail(`${h.listCount} lists do not fit 11 descriptor slots`, at + WEVT_HEADER.offset.listCount);
  const p: CrimProvider = {
    guid, messageId: h.messageId, lists: [],
    channels: [], levels: [], opcodes: [], tasks: [], keywords: [], maps: [], namedQueries: [], templates: [], events: [], filters: [],
    providerAttributes: [], eventAttributes: [],
  };
  const offsets = new Map<CrimListKind, number>();
  for (let i = 0; i < slots; i++) {
    const dAt = at + WEVT_HEADER.size + i * LIST_DESCRIPTOR.size;
    const d = b.rec(dAt, LIST_DESCRIPTOR);
    if (i >= h.listCount) {
      if (d.kind !== 0 || d.offset !== 0) b.fail(`unused descriptor slot ${i} is not zero`, dAt);
      continue;
    }
    const kind = LIST_KINDS[d.kind];
    if (kind === undefined) b.fail(`unknown list kind ${d.kind}`, dAt);
    if (offsets.has(kind)) b.fail(`list ${LIST_TAGS[kind]} appears twice`, dAt);
    p.lists.push(kind);
    offsets.set(kind, d.offset);
  }
  // Entries by offset, to resolve the references of events, templates and filters.
  const refs: Refs = { channel: new Map(), level: new Map(), opcode: new Map(), task: new Map(), keyword: new Map(), map: new Map(), template: new Map() };
  for (const kind of p.lists) if (!LISTS[kind]) b.fail(`list ${LIST_TAGS[kind]} is not supported`, at);
  for (const [kind, list] of Object.entries(LISTS) as [CrimListKind, ListCodec][]) {
    const off = offsets.get(kind);
    if (off === undefined) continue;
    b.block = `${LIST_TAGS[kind]} of ${guid}`;
    list.read(b, off, p, refs);
  }
  return p;
}

function ref(b: Blob, map: Map<number, number>, offset: number, what: string, at: number): number | undefined {
  if (offset === 0) return undefined;
  const i = map.get(offset);
  if (i === undefined) b.fail(`${what} offset 0x${offset.toString(16)} names no ${what} entry`, at);
  return i;
}

function readMaps(b: Blob, off: number, p: CrimProvider, mapRefs: Map<number, number>): void {
  const { count } = b.list(off, 'MAPS');
  // The offset table lists the maps sorted by name; the blocks follow it in definition order.
  let pos = off + LIST_HEADER.size + count * 4;
  for (let i = 0; i < count; i++) {
    const h = b.rec(pos, MAP_HEADER);
    const kind = h.magic === tag('VMAP') ? 'valueMap' : h.magic === tag('BMAP') ? 'bitMap' : b.fail(`expected VMAP or BMAP, found ${JSON.stringify(tagName(h.magic))}`, pos);
    if (h.flags !== (kind === 'bitMap' ? 1 : 0)) b.fail(`map flags ${h.flags} do not match its tag`, pos + MAP_HEADER.offset.flags);
    if (h.size !== MAP_HEADER.size + h.count * MAP_ITEM.size) b.fail(`map size ${h.size} does not fit its ${h.count} items`, pos + MAP_HEADER.offset.size);
    const items = [];
    for (let j = 0; j < h.count; j++) items.push(b.rec(pos + MAP_HEADER.size + j * MAP_ITEM.size, MAP_ITEM));
    mapRefs.set(pos, p.maps.length);
    p.maps.push({ kind, name: b.sizedString(h.nameOffset), items: items.map((e) => ({ value: e.value, messageId: e.messageId })) });
    pos += h.size;
  }
  for (let i = 0; i < count; i++) {
    ref(b, mapRefs, b.u32(off + LIST_HEADER.size + i * 4, 'map offset'), 'map', off + LIST_HEADER.size + i * 4);
  }
}

function readNamedQueries(b: Blob, off: number, p: CrimProvider): void {
  const { count } = b.list(off, 'QTAB');
  for (let i = 0; i < count; i++) {
    const at = b.u32(off + LIST_HEADER.size + i * 4, 'pattern map offset');
    const h = b.rec(at, QUERY_HEADER);
    if (h.magic !== tag('QUER')) b.fail('expected tag QUER', at);
    const items = [];
    for (let j = 0; j < h.count; j++) {
      const e = b.rec(at + QUERY_HEADER.size + j * QUERY_ITEM.size, QUERY_ITEM);
      items.push({ name: b.sizedString(e.nameOffset), value: b.sizedString(e.valueOffset) });
    }
    p.namedQueries.push({ name: b.sizedString(h.nameOffset), format: b.sizedString(h.formatOffset), items });
  }
}

function readTemplates(b: Blob, off: number, p: CrimProvider, mapRefs: Map<number, number>, templateRefs: Map<number, number>): void {
  const { count } = b.list(off, 'TTBL');
  let pos = off + LIST_HEADER.size;
  for (let i = 0; i < count; i++) {
    const h = b.rec(pos, TEMPLATE_HEADER);
    if (h.magic !== tag('TEMP')) b.fail('expected tag TEMP', pos);
    const fragmentEnd = h.propertyCount > 0 ? h.propertyOffset : pos + h.size;
    let xml: XmlElement;
    try {
      xml = readTemplateFragment(b.bytes, pos + TEMPLATE_HEADER.size, fragmentEnd);
    } catch (e) {
      if (e instanceof TemplateBinXmlError) b.fail(`template ${i}: BinXML: ${e.reason}`, e.offset);
      throw e;
    }
    const properties: CrimProperty[] = [];
    for (let j = 0; j < h.propertyCount; j++) {
      const at = h.propertyOffset + j * PROPERTY_ENTRY.size;
      const flags = b.rec(at, PROPERTY_ENTRY).flags;
      if (flags & 1) {
        const e = b.rec(at, STRUCT_PROPERTY_ENTRY);
        if (e.reserved !== 0) b.fail('struct property has a non-zero map offset', at + STRUCT_PROPERTY_ENTRY.offset.reserved);
        properties.push({ name: b.sizedString(e.nameOffset), flags, structStart: e.structStart, memberCount: e.memberCount, count: e.count, length: e.length });
      } else {
        const e = b.rec(at, PROPERTY_ENTRY);
        if (e.reserved !== 0) b.fail('property has non-zero bytes 6..7', at + PROPERTY_ENTRY.offset.reserved);
        const prop: CrimProperty = { name: b.sizedString(e.nameOffset), flags, inType: e.inType, outType: e.outType, count: e.count, length: e.length };
        const m = ref(b, mapRefs, e.mapOffset, 'map', at + PROPERTY_ENTRY.offset.mapOffset);
        if (m !== undefined) prop.map = m;
        properties.push(prop);
      }
    }
    templateRefs.set(pos, p.templates.length);
    p.templates.push({ guid: formatGuid(h.guid), flags: h.flags, paramCount: h.paramCount, xml, properties });
    if (h.size < TEMPLATE_HEADER.size) b.fail(`template size ${h.size}`, pos + TEMPLATE_HEADER.offset.size);
    pos += h.size;
  }
}

function readEvents(b: Blob, off: number, p: CrimProvider, refs: Refs): void {
  const h = b.rec(off, EVENT_HEADER);
  if (h.magic !== tag('EVNT')) b.fail('expected tag EVNT', off);
  for (let i = 0; i < h.count; i++) {
    const at = off + EVENT_HEADER.size + i * EVENT_ENTRY.size;
    const e = b.rec(at, EVENT_ENTRY);
    const { id, version, channel, level, opcode, task, keywords, messageId } = e;
    const ev: CrimEvent = { id, version, channel, level, opcode, task, keywords, messageId, keywordRefs: [] };
    const set = (k: 'template' | 'opcodeRef' | 'levelRef' | 'taskRef' | 'channelRef', v: number | undefined) => {
      if (v !== undefined) ev[k] = v;
    };
    set('template', ref(b, refs.template, e.templateOffset, 'template', at + EVENT_ENTRY.offset.templateOffset));
    set('opcodeRef', ref(b, refs.opcode, e.opcodeOffset, 'opcode', at + EVENT_ENTRY.offset.opcodeOffset));
    set('levelRef', ref(b, refs.level, e.levelOffset, 'level', at + EVENT_ENTRY.offset.levelOffset));
    set('taskRef', ref(b, refs.task, e.taskOffset, 'task', at + EVENT_ENTRY.offset.taskOffset));
    set('channelRef', ref(b, refs.channel, e.channelOffset, 'channel', at + EVENT_ENTRY.offset.channelOffset));
    if (e.keywordCount > 0) {
      b.need(e.keywordsOffset, e.keywordCount * 4, 'event keyword offsets');
      for (let k = 0; k < e.keywordCount; k++) {
        ev.keywordRefs.push(ref(b, refs.keyword, b.u32(e.keywordsOffset + k * 4, 'event keyword offset'), 'keyword', e.keywordsOffset + k * 4)!);
      }
    } else if (e.keywordsOffset !== 0) b.fail('keyword offset without keywords', at + EVENT_ENTRY.offset.keywordsOffset);
    p.events.push(ev);
  }
}

function readFilters(b: Blob, off: number, p: CrimProvider, templateRefs: Map<number, number>): void {
  const h = b.rec(off, FILTER_HEADER);
  if (h.magic !== tag('FLTR')) b.fail('expected tag FLTR', off);
  for (let i = 0; i < h.count; i++) {
    const at = off + FILTER_HEADER.size + i * FILTER_ENTRY.size;
    const e = b.rec(at, FILTER_ENTRY);
    const f: CrimFilter = { name: b.sizedString(e.nameOffset), value: e.value, version: e.version, messageId: e.messageId };
    const t = ref(b, templateRefs, e.templateOffset, 'template', at + FILTER_ENTRY.offset.templateOffset);
    if (t !== undefined) f.template = t;
    p.filters.push(f);
  }
}

function readProviderAttributes(b: Blob, off: number, p: CrimProvider): void {
  const { count } = b.list(off, 'PRVA');
  for (let i = 0; i < count; i++) {
    const e = b.rec(off + LIST_HEADER.size + i * PROVIDER_ATTRIBUTE_ENTRY.size, PROVIDER_ATTRIBUTE_ENTRY);
    const value = e.flags === PRVA_NAME ? b.zstring(e.valueOffset) : b.r.guid(e.valueOffset, 'PRVA GUID');
    p.providerAttributes.push({ flags: e.flags, value });
  }
}

function readEventAttributes(b: Blob, off: number, p: CrimProvider): void {
  const { count } = b.list(off, 'EVTA');
  for (let i = 0; i < count; i++) {
    const e = b.rec(off + LIST_HEADER.size + i * EVENT_ATTRIBUTE_ENTRY.size, EVENT_ATTRIBUTE_ENTRY);
    p.eventAttributes.push({ flags: e.flags, id: e.id, version: e.version, value: b.zstring(e.stringOffset) });
  }
}

// ---------------------------------------------------------------------------------------------
// Encoder

class Buf {
  bytes = new Uint8Array(4096);
  view = new DataView(this.bytes.buffer);
  pos = 0;
  ensure(end: number): void {
    if (end <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < end) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.bytes);
    this.bytes = next;
    this.view = new DataView(next.buffer);
  }
  rec<F extends Fields>(at: number, l: Struct<F>, r: StructInput<F>): void {
    this.ensure(at + l.size);
    l.write(this.bytes, at, r);
  }
  u32(at: number, v: number): void {
    this.ensure(at + 4);
    this.view.setUint32(at, v >>> 0, true);
  }
  raw(at: number, data: Uint8Array): void {
    this.ensure(at + data.length);
    this.bytes.set(data, at);
  }
  /** Writes name data at `at`; returns the position after it. */
  sizedString(at: number, s: string): number {
    const size = sizedStringSize(s);
    this.ensure(at + size);
    this.view.setUint32(at, size, true);
    writeUtf16le(this.bytes, at + 4, s);
    return at + size;
  }
  zstring(at: number, s: string): number {
    this.ensure(at + s.length * 2 + 2);
    return writeUtf16le(this.bytes, at, s) + 2;
  }
}

/** Encodes a description into a TEMP.BIN: the CRIM blob and mc's 2 trailing zero bytes. */
export function encodeCrim(file: CrimFile): Uint8Array {
  const w = new Buf();
  const n = file.providers.length;
  w.pos = CRIM_HEADER.size + n * PROVIDER_ENTRY.size;
  file.providers.forEach((p, i) => {
    const at = w.pos;
    encodeProvider(w, p, file.major);
    w.rec(CRIM_HEADER.size + i * PROVIDER_ENTRY.size, PROVIDER_ENTRY, { guid: parseGuid(p.guid), offset: at });
  });
  w.rec(0, CRIM_HEADER, { magic: tag('CRIM'), size: w.pos, major: file.major, minor: file.minor, providerCount: n });
  w.ensure(w.pos + 2);
  return w.bytes.slice(0, w.pos + 2);
}

interface Offsets {
  channel: number[];
  level: number[];
  opcode: number[];
  task: number[];
  keyword: number[];
  map: number[];
  template: number[];
}

function encodeProvider(w: Buf, p: CrimProvider, major: number): void {
  const start = w.pos;
  const slots = major >= 5 ? p.lists.length : 11;
  w.pos = start + WEVT_HEADER.size + slots * LIST_DESCRIPTOR.size;
  w.ensure(w.pos);
  const o: Offsets = { channel: [], level: [], opcode: [], task: [], keyword: [], map: [], template: [] };
  p.lists.forEach((kind, i) => {
    if (kind === 'event') w.pos = alignUp(w.pos, 8);
    w.rec(start + WEVT_HEADER.size + i * LIST_DESCRIPTOR.size, LIST_DESCRIPTOR, { kind: LIST_KINDS.indexOf(kind), offset: w.pos });
    const list = LISTS[kind];
    if (!list) throw new Error(`cannot write list ${LIST_TAGS[kind]}`);
    list.write(w, p, o);
  });
  w.rec(start, WEVT_HEADER, { magic: tag('WEVT'), size: w.pos - start, messageId: p.messageId, listCount: p.lists.length });
}

/** mc sorts the MAPS offset table and the map names by name (ordinal). */
function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function encodeMaps(w: Buf, maps: CrimMap[]): number[] {
  const start = w.pos;
  let pos = start + LIST_HEADER.size + maps.length * 4;
  const blockOffsets: number[] = [];
  let strings = pos + maps.reduce((s, m) => s + MAP_HEADER.size + m.items.length * MAP_ITEM.size, 0);
  const sorted = maps.map((m, i) => ({ m, i })).sort((a, b) => byName(a.m.name, b.m.name) || a.i - b.i);
  const nameOffsets = new Array<number>(maps.length);
  for (const { m, i } of sorted) {
    nameOffsets[i] = strings;
    strings = w.sizedString(strings, m.name);
  }
  maps.forEach((m, i) => {
    blockOffsets.push(pos);
    const items = m.items;
    w.rec(pos, MAP_HEADER, {
      magic: tag(m.kind === 'bitMap' ? 'BMAP' : 'VMAP'),
      size: MAP_HEADER.size + items.length * MAP_ITEM.size,
      nameOffset: nameOffsets[i]!,
      flags: m.kind === 'bitMap' ? 1 : 0,
      count: items.length,
    });
    items.forEach((it, j) => w.rec(pos + MAP_HEADER.size + j * MAP_ITEM.size, MAP_ITEM, { value: it.value, messageId: it.messageId }));
    pos += MAP_HEADER.size + items.length * MAP_ITEM.size;
  });
  sorted.forEach(({ i }, k) => w.u32(start + LIST_HEADER.size + k * 4, blockOffsets[i]!));
  w.pos = strings;
  w.rec(start, LIST_HEADER, { magic: tag('MAPS'), size: w.pos - start, count: maps.length });
  return blockOffsets;
}

function encodeNamedQueries(w: Buf, maps: CrimPatternMap[]): void {
  const start = w.pos;
  const tableAt = start + LIST_HEADER.size;
  let pos = tableAt + maps.length * 4;
  let data = pos + maps.reduce((s, m) => s + QUERY_HEADER.size + m.items.length * QUERY_ITEM.size, 0);
  maps.forEach((m, i) => {
    w.u32(tableAt + i * 4, pos);
    const nameOffset = data;
    data = w.sizedString(data, m.name);
    const formatOffset = data;
    data = w.sizedString(data, m.format);
    m.items.forEach((it, j) => {
      const nameAt = data;
      data = w.sizedString(data, it.name);
      const valueAt = data;
      data = w.sizedString(data, it.value);
      w.rec(pos + QUERY_HEADER.size + j * QUERY_ITEM.size, QUERY_ITEM, { nameOffset: nameAt, valueOffset: valueAt });
    });
    // mc's QUER size runs to the end of its strings, past the entries of the next maps.
    w.rec(pos, QUERY_HEADER, { magic: tag('QUER'), size: data - pos, nameOffset, formatOffset, count: m.items.length });
    pos += QUERY_HEADER.size + m.items.length * QUERY_ITEM.size;
  });
  w.pos = data;
  w.ensure(w.pos);
  w.rec(start, LIST_HEADER, { magic: tag('QTAB'), size: data - start, count: maps.length });
}

function encodeTemplates(w: Buf, templates: CrimTemplate[], mapOffsets: number[]): number[] {
  const start = w.pos;
  let pos = start + LIST_HEADER.size;
  const offsets = templates.map((t) => {
    const at = pos;
    const fragment = writeTemplateFragment(t.xml);
    w.raw(at + TEMPLATE_HEADER.size, fragment);
    const propertyOffset = at + TEMPLATE_HEADER.size + fragment.length;
    let names = propertyOffset + t.properties.length * PROPERTY_ENTRY.size;
    t.properties.forEach((prop, i) => {
      const pAt = propertyOffset + i * PROPERTY_ENTRY.size;
      if (prop.flags & 1) {
        w.rec(pAt, STRUCT_PROPERTY_ENTRY, {
          flags: prop.flags,
          structStart: prop.structStart ?? 0,
          memberCount: prop.memberCount ?? 0,
          reserved: 0,
          count: prop.count,
          length: prop.length,
          nameOffset: names,
        });
      } else {
        w.rec(pAt, PROPERTY_ENTRY, {
          flags: prop.flags,
          inType: prop.inType ?? 0,
          outType: prop.outType ?? 0,
          reserved: 0,
          mapOffset: prop.map === undefined ? 0 : mapOffsets[prop.map]!,
          count: prop.count,
          length: prop.length,
          nameOffset: names,
        });
      }
      names = w.sizedString(names, prop.name);
    });
    w.rec(at, TEMPLATE_HEADER, {
      magic: tag('TEMP'),
      size: names - at,
      paramCount: t.paramCount,
      propertyCount: t.properties.length,
      propertyOffset,
      flags: t.flags,
      guid: parseGuid(t.guid),
    });
    pos = names;
    return at;
  });
  w.pos = pos;
  w.ensure(w.pos);
  w.rec(start, LIST_HEADER, { magic: tag('TTBL'), size: pos - start, count: templates.length });
  return offsets;
}

function encodeEvents(w: Buf, events: CrimEvent[], o: Offsets): void {
  const start = w.pos;
  let extra = start + EVENT_HEADER.size + events.length * EVENT_ENTRY.size;
  const at = (list: number[], i: number | undefined) => (i === undefined ? 0 : list[i]!);
  events.forEach((e, i) => {
    let keywordsOffset = 0;
    if (e.keywordRefs.length > 0) {
      keywordsOffset = extra;
      for (const k of e.keywordRefs) {
        w.u32(extra, o.keyword[k]!);
        extra += 4;
      }
    }
    w.rec(start + EVENT_HEADER.size + i * EVENT_ENTRY.size, EVENT_ENTRY, {
      id: e.id,
      version: e.version,
      channel: e.channel,
      level: e.level,
      opcode: e.opcode,
      task: e.task,
      keywords: e.keywords,
      messageId: e.messageId,
      templateOffset: at(o.template, e.template),
      opcodeOffset: at(o.opcode, e.opcodeRef),
      levelOffset: at(o.level, e.levelRef),
      taskOffset: at(o.task, e.taskRef),
      keywordCount: e.keywordRefs.length,
      keywordsOffset,
      channelOffset: at(o.channel, e.channelRef),
    });
  });
  w.pos = extra;
  w.ensure(w.pos);
  w.rec(start, EVENT_HEADER, { magic: tag('EVNT'), size: extra - start, count: events.length, reserved: 0 });
}

function encodeFilters(w: Buf, filters: CrimFilter[], templateOffsets: number[]): void {
  const start = w.pos;
  let names = start + FILTER_HEADER.size + filters.length * FILTER_ENTRY.size;
  const tmpl = (f: CrimFilter | undefined) => (f?.template === undefined ? 0 : templateOffsets[f.template]!);
  filters.forEach((f, i) => {
    w.rec(start + FILTER_HEADER.size + i * FILTER_ENTRY.size, FILTER_ENTRY, { value: f.value, version: f.version, reserved: 0, messageId: f.messageId, nameOffset: names, templateOffset: tmpl(f) });
    names = w.sizedString(names, f.name);
  });
  w.pos = names;
  w.ensure(w.pos);
  w.rec(start, FILTER_HEADER, { magic: tag('FLTR'), size: names - start, count: filters.length, last: tmpl(filters[filters.length - 1]) });
}

function encodeProviderAttributes(w: Buf, attrs: CrimProviderAttribute[]): void {
  const start = w.pos;
  let data = start + LIST_HEADER.size + attrs.length * PROVIDER_ATTRIBUTE_ENTRY.size;
  attrs.forEach((a, i) => {
    if (a.flags !== PRVA_NAME) data = alignUp(data, 4);
    w.rec(start + LIST_HEADER.size + i * PROVIDER_ATTRIBUTE_ENTRY.size, PROVIDER_ATTRIBUTE_ENTRY, { flags: a.flags, valueOffset: data });
    if (a.flags === PRVA_NAME) data = w.zstring(data, a.value);
    else {
      w.raw(data, parseGuid(a.value));
      data += 16;
    }
  });
  data = start + alignUp(data - start, 4);
  w.pos = data;
  w.ensure(w.pos);
  w.rec(start, LIST_HEADER, { magic: tag('PRVA'), size: data - start, count: attrs.length });
}

function encodeEventAttributes(w: Buf, attrs: CrimEventAttribute[]): void {
  const start = w.pos;
  let data = start + LIST_HEADER.size + attrs.length * EVENT_ATTRIBUTE_ENTRY.size;
  const strings = [...new Set(attrs.map((a) => a.value))].sort(byName);
  const at = new Map<string, number>();
  for (const s of strings) {
    at.set(s, data);
    data = w.zstring(data, s);
  }
  attrs.forEach((a, i) => w.rec(start + LIST_HEADER.size + i * EVENT_ATTRIBUTE_ENTRY.size, EVENT_ATTRIBUTE_ENTRY, { flags: a.flags, version: a.version, id: a.id, stringOffset: at.get(a.value)! }));
  data = start + alignUp(data - start, 4);
  w.pos = data;
  w.ensure(w.pos);
  w.rec(start, LIST_HEADER, { magic: tag('EVTA'), size: data - start, count: attrs.length });
}

// ---------------------------------------------------------------------------------------------
// The lists of named items (CHAN, LEVL, OPCO, TASK, KEYW): fixed entries followed by their names

/** A list's reader and its writer (which writes it at `w.pos` and notes its entries' offsets). */
interface ListCodec {
  read(b: Blob, off: number, p: CrimProvider, refs: Refs): void;
  write(w: Buf, p: CrimProvider, o: Offsets): void;
}

/**
 * One list's reader and writer from its entry layout: the entry's fields are the item's (but
 * its name, stored at `nameOffset`); `read` and `write` convert the rest (a GUID's text).
 */
function namedList<T extends { name: string }, F extends Fields & { nameOffset: 'u32' }>(
  kind: NamedKind,
  layout: Struct<F>,
  items: (p: CrimProvider) => T[],
  /** Whether an empty list still gives its size (mc: CHAN yes, LEVL/OPCO/TASK/KEYW no). */
  sizeWhenEmpty: boolean,
  read: (e: StructValues<F>, name: string) => T,
  write: (item: T) => object = (item) => item,
): ListCodec {
  const magic = LIST_TAGS[kind];
  return {
    read(b, off, p, refs) {
      const { count } = b.list(off, magic);
      const list = items(p);
      for (let i = 0; i < count; i++) {
        const at = off + LIST_HEADER.size + i * layout.size;
        const e = b.rec(at, layout);
        refs[kind].set(at, list.length);
        list.push(read(e, b.sizedString(e.nameOffset as number)));
      }
    },
    write(w, p, o) {
      const list = items(p);
      const start = w.pos;
      let names = start + LIST_HEADER.size + list.length * layout.size;
      const offsets = list.map((item, i) => {
        const at = start + LIST_HEADER.size + i * layout.size;
        w.ensure(at + layout.size);
        layout.writeFrom(w.bytes, at, { ...write(item), nameOffset: names });
        names = w.sizedString(names, item.name);
        return at;
      });
      w.pos = names;
      w.ensure(w.pos);
      const size = list.length > 0 || sizeWhenEmpty ? w.pos - start : 0;
      w.rec(start, LIST_HEADER, { magic: tag(magic), size, count: list.length });
      o[kind] = offsets;
    },
  };
}

type NamedKind = 'channel' | 'level' | 'opcode' | 'task' | 'keyword';
type Refs = Record<NamedKind | 'map' | 'template', Map<number, number>>;

/**
 * The lists winmc reads and writes, each one's reader beside its writer, in the order they are
 * read: a list refers only to lists before it (templates to maps, events and filters to all).
 */
const LISTS: { readonly [K in CrimListKind]?: ListCodec } = {
  channel: namedList('channel', CHANNEL_ENTRY, (p) => p.channels, true, (e, name) => ({ flags: e.flags, name, value: e.value, messageId: e.messageId })),
  level: namedList('level', LEVEL_ENTRY, (p) => p.levels, false, (e, name) => ({ name, value: e.value, messageId: e.messageId })),
  opcode: namedList('opcode', OPCODE_ENTRY, (p) => p.opcodes, false, (e, name) => ({ name, task: e.task, value: e.value, messageId: e.messageId })),
  task: namedList(
    'task',
    TASK_ENTRY,
    (p) => p.tasks,
    false,
    (e, name) => ({ name, value: e.value, messageId: e.messageId, eventGuid: formatGuid(e.eventGuid) }),
    (t) => ({ ...t, eventGuid: parseGuid(t.eventGuid) }),
  ),
  keyword: namedList('keyword', KEYWORD_ENTRY, (p) => p.keywords, false, (e, name) => ({ name, mask: e.mask, messageId: e.messageId })),
  maps: { read: (b, off, p, refs) => readMaps(b, off, p, refs.map), write: (w, p, o) => void (o.map = encodeMaps(w, p.maps)) },
  namedQueries: { read: readNamedQueries, write: (w, p) => encodeNamedQueries(w, p.namedQueries) },
  template: { read: (b, off, p, refs) => readTemplates(b, off, p, refs.map, refs.template), write: (w, p, o) => void (o.template = encodeTemplates(w, p.templates, o.map)) },
  event: { read: readEvents, write: (w, p, o) => encodeEvents(w, p.events, o) },
  filter: { read: (b, off, p, refs) => readFilters(b, off, p, refs.template), write: (w, p, o) => encodeFilters(w, p.filters, o.template) },
  providerAttributes: { read: readProviderAttributes, write: (w, p) => encodeProviderAttributes(w, p.providerAttributes) },
  eventAttributes: { read: readEventAttributes, write: (w, p) => encodeEventAttributes(w, p.eventAttributes) },
};

// ---------------------------------------------------------------------------------------------
// A manifest as mc.exe lays it out

/** The whole TEMP.BIN of a manifest (message ids assigned) for a generation of mc.exe. */
export function writeCrim(manifest: Manifest, generation: ManifestGeneration): Uint8Array {
  return encodeCrim(describeManifest(manifest, generation));
}

/** What mc.exe writes for a manifest, as a description (what readCrim gives back for its file). */
export function describeManifest(manifest: Manifest, generation: ManifestGeneration): CrimFile {
  const traits = GENERATION_TRAITS[generation];
  return { major: traits.crimMajor, minor: 1, providers: manifest.providers.map((p) => describeProvider(p, traits.crimMajor, traits.templateGuid)) };
}

const msg = (ref: { messageId?: number } | undefined) => ref?.messageId ?? NO_MESSAGE;
const ZERO_GUID = '{00000000-0000-0000-0000-000000000000}';

/** Sorts a copy, keeping the original order of equal keys. */
function stableSort<T>(items: readonly T[], key: (t: T) => number | bigint): T[] {
  return items
    .map((t, i) => ({ t, i, k: key(t) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.i - b.i))
    .map((x) => x.t);
}

function describeProvider(p: Provider, major: number, guidKind: 'md5' | 'sha256-v5'): CrimProvider {
  const levels = stableSort(p.levels, (l) => l.value);
  const allOpcodes = [...p.opcodes, ...p.tasks.flatMap((t) => t.opcodes)];
  const opcodes = stableSort(allOpcodes, (o) => (o.value << 16) | (o.task?.value ?? 0));
  const keywords = stableSort(p.keywords, (k) => k.mask);
  const events = stableSort(p.events, (e) => e.value);
  // Positions by identity, the first one as indexOf would find (a linear search per event was
  // quadratic in a large manifest).
  const positions = <T>(list: readonly T[]): Map<T, number> => {
    const m = new Map<T, number>();
    list.forEach((x, i) => m.has(x) || m.set(x, i));
    return m;
  };
  const templateAt = positions(p.templates);
  const opcodeAt = positions(opcodes);
  const levelAt = positions(levels);
  const taskAt = positions(p.tasks);
  const channelAt = positions(p.channels);
  const keywordAt = positions(keywords);
  const index = <T>(at: Map<T, number>, item: T | undefined) => (item === undefined ? undefined : at.get(item));
  const out: CrimProvider = {
    guid: formatGuid(p.guid.bytes),
    messageId: msg(p.message),
    lists: [],
    channels: p.channels.map((c) => ({ flags: c.imported ? 1 : 0, name: c.name, value: c.value, messageId: msg(c.message) })),
    levels: levels.map((l) => ({ name: l.name, value: l.value, messageId: msg(l.message) })),
    opcodes: opcodes.map((o) => ({ name: o.name, task: o.task?.value ?? 0, value: o.value, messageId: msg(o.message) })),
    tasks: p.tasks.map((t) => ({ name: t.name, value: t.value, messageId: msg(t.message), eventGuid: t.eventGuid ? formatGuid(t.eventGuid.bytes) : ZERO_GUID })),
    keywords: keywords.map((k) => ({ name: k.name, mask: k.mask, messageId: msg(k.message) })),
    maps: p.maps.map((m) => ({
      kind: m.kind,
      name: m.name,
      items: stableSort(m.items, (i) => i.value).map((i) => ({ value: i.value, messageId: msg(i.message) })),
    })),
    namedQueries: p.namedQueries.map((q) => ({ name: q.name, format: q.format, items: q.items.map((i) => ({ name: i.name, value: i.value })) })),
    templates: p.templates.map((t) => describeTemplate(t, p, guidKind)),
    events: events.map((e) => {
      const ev: CrimEvent = {
        id: e.value,
        version: e.version,
        channel: e.channel?.value ?? 0,
        level: e.level?.value ?? 0,
        opcode: e.opcode?.value ?? 0,
        task: e.task?.value ?? 0,
        keywords: eventKeywordMask(e),
        messageId: msg(e.message),
        keywordRefs: stableSort(e.keywords, (k) => k.mask).map((k) => keywordAt.get(k) ?? -1),
      };
      const set = (k: 'template' | 'opcodeRef' | 'levelRef' | 'taskRef' | 'channelRef', v: number | undefined) => {
        if (v !== undefined) ev[k] = v;
      };
      set('template', index(templateAt, e.template));
      set('opcodeRef', index(opcodeAt, e.opcode));
      set('levelRef', index(levelAt, e.level));
      set('taskRef', index(taskAt, e.task));
      set('channelRef', index(channelAt, e.channel));
      return ev;
    }),
    filters: p.filters.map((f) => {
      const cf: CrimFilter = { name: f.name, value: f.value, version: f.version, messageId: msg(f.message) };
      const t = index(templateAt, f.template);
      if (t !== undefined) cf.template = t;
      return cf;
    }),
    providerAttributes: [],
    eventAttributes: [],
  };
  if (major >= 5) {
    out.providerAttributes.push({ flags: PRVA_NAME, value: p.name });
    if (p.controlGuid) out.providerAttributes.push({ flags: PRVA_CONTROL_GUID, value: formatGuid(p.controlGuid.bytes) });
    if (p.traits?.groupGuid) out.providerAttributes.push({ flags: PRVA_GROUP_GUID, value: formatGuid(p.traits.groupGuid.bytes) });
    const withAttributes = stableSort(
      events.filter((e) => e.name !== undefined || splitEventAttributes(e.attributes).length > 0),
      (e) => (e.value << 8) | e.version,
    );
    for (const e of withAttributes) {
      if (e.name !== undefined) out.eventAttributes.push({ flags: EVTA_NAME, id: e.value, version: e.version, value: e.name });
      for (const a of splitEventAttributes(e.attributes)) out.eventAttributes.push({ flags: EVTA_ATTRIBUTES, id: e.value, version: e.version, value: a });
    }
  }
  const lists: CrimListKind[] = [];
  if (out.channels.length) lists.push('channel');
  if (out.maps.length) lists.push('maps');
  if (out.namedQueries.length) lists.push('namedQueries');
  if (out.templates.length) lists.push('template');
  if (major >= 5) lists.push('providerAttributes');
  lists.push('opcode', 'level', 'task', 'keyword');
  if (out.events.length) {
    lists.push('event');
    if (out.eventAttributes.length) lists.push('eventAttributes');
  }
  if (out.filters.length) lists.push('filter');
  out.lists = lists;
  return out;
}

/** `attributes="FILE=a.cpp;LINE=1"` → its `name=value` parts as written (quotes kept). */
export function splitEventAttributes(text: string | undefined): string[] {
  if (!text) return [];
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (ch === ';' && !quoted) {
      if (cur.trim()) parts.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) parts.push(cur.trim());
  return parts;
}

// ---- templates ----

/** The substitution type of a field: its in-type (Binary for a struct), | 0x80 when it is an array. */
export function substitutionType(f: TemplateField): number {
  const base = f.kind === 'struct' ? 14 : f.inType.value;
  return isSpecified(f.count) ? base | 0x80 : base;
}

function isSpecified(s: SizeSpec | undefined): boolean {
  return s !== undefined && (s.kind === 'field' || s.value > 0);
}

export function defaultOutType(f: DataField): number {
  if (f.outType) return f.outType.value;
  const first = OUT_TYPES_OF[f.inType.name]?.[0];
  return first ? OUT_TYPES[first]! : 0;
}

function describeTemplate(t: Template, p: Provider, guidKind: 'md5' | 'sha256-v5'): CrimTemplate {
  const types = t.fields.map(substitutionType);
  const { xml, text } = t.userData ? userDataXml(t.userData, types) : eventDataXml(t, types);
  const id = guidKind === 'md5' ? md5TemplateId(text, types) : sha256TemplateId(text, types);
  const properties: CrimProperty[] = [];
  let structStart = t.fields.length;
  for (const f of t.fields) {
    properties.push(describeProperty(f, p, 0, structStart));
    if (f.kind === 'struct') structStart += f.fields.length;
  }
  let offset = t.fields.length;
  for (const f of t.fields) {
    if (f.kind !== 'struct') continue;
    for (const m of f.fields) properties.push(describeProperty(m, p, offset, 0));
    offset += f.fields.length;
  }
  return { guid: formatGuid(id), flags: t.userData ? 2 : 1, paramCount: t.fields.length, xml, properties };
}

function describeProperty(f: TemplateField, p: Provider, indexBase: number, structStart: number): CrimProperty {
  let flags = f.kind === 'struct' ? PROPERTY_FLAGS.struct : 0;
  const num = (s: SizeSpec | undefined) => (s === undefined ? 0 : s.kind === 'fixed' ? s.value : s.index + indexBase);
  if (f.length?.kind === 'fixed' && f.length.value > 0) {
    if (!(f.kind === 'data' && f.inType.name === 'SID')) flags |= PROPERTY_FLAGS.fixedLength;
  } else if (f.length?.kind === 'field') flags |= PROPERTY_FLAGS.varLength;
  if (f.count?.kind === 'fixed' && f.count.value > 0) flags |= PROPERTY_FLAGS.fixedCount;
  else if (f.count?.kind === 'field') flags |= PROPERTY_FLAGS.varCount;
  const prop: CrimProperty = { name: f.name, flags, count: num(f.count), length: num(f.length) };
  if (f.kind === 'struct') {
    prop.structStart = structStart;
    prop.memberCount = f.fields.length;
  } else {
    prop.inType = f.inType.value;
    prop.outType = defaultOutType(f);
    if (f.map) {
      const i = p.maps.indexOf(f.map);
      if (i >= 0) prop.map = i;
    }
  }
  return prop;
}

const stringValue = (value: string): XmlNode => ({ kind: 'value', type: 1, value });

function escapeAttr(s: string): string {
  return s.replace(/[&<>"\t\n\r]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\t': '&#x9;', '\n': '&#xA;', '\r': '&#xD;' })[c]!);
}
function escapeText(s: string): string {
  return s.replace(/[&<>\r]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' })[c]!);
}

/** `<EventData Name="…"><Data Name="f">%1</Data><ComplexData Name="s">%2</ComplexData></EventData>` */
function eventDataXml(t: Template, types: number[]): { xml: XmlElement; text: string } {
  const xml: XmlElement = { kind: 'element', name: 'EventData', attributes: [], children: [] };
  let text = '<EventData';
  if (t.name !== undefined) {
    xml.attributes.push({ name: 'Name', value: [stringValue(t.name)] });
    text += ` Name="${escapeAttr(t.name)}"`;
  }
  if (t.fields.length === 0) return { xml, text: `${text}/>` };
  text += '>';
  t.fields.forEach((f, i) => {
    const name = f.kind === 'struct' ? 'ComplexData' : 'Data';
    xml.children.push({
      kind: 'element',
      name,
      attributes: [{ name: 'Name', value: [stringValue(f.name)] }],
      children: [{ kind: 'substitution', index: i, type: types[i]!, optional: false }],
    });
    text += `<${name} Name="${escapeAttr(f.name)}">%${i + 1}</${name}>`;
  });
  return { xml, text: `${text}</EventData>` };
}

/**
 * A <UserData> template: its one child element. In the BinXML, names are local names, attribute
 * values are literal strings, and a text node becomes the substitution of its first %n (other
 * text is dropped). The hashed text is that element rebuilt as mc does: "\r\n\t\t" before each
 * child element, and "\r\n\t" after the last one when text (even white space) follows it.
 */
function userDataXml(userData: SourceElement, types: number[]): { xml: XmlElement; text: string } {
  const root = userData.children.find((c): c is SourceElement => c.kind === 'element');
  if (!root) return { xml: { kind: 'element', name: 'UserData', attributes: [], children: [] }, text: '<UserData/>' };
  const xml = convertElement(root, types, true);
  const openTag = `<${root.qname}${root.attributes.map((a) => ` ${a.qname}="${escapeAttr(a.value)}"`).join('')}`;
  const kids = root.children.filter((c): c is SourceElement => c.kind === 'element');
  if (kids.length === 0) return { xml, text: `${openTag}/>` };
  let text = `${openTag}>`;
  for (const k of kids) text += `\r\n\t\t${serialize(k)}`;
  const last = kids[kids.length - 1]!;
  const after = root.children[root.children.indexOf(last) + 1];
  if (after && after.kind === 'text') text += '\r\n\t';
  return { xml, text: `${text}</${root.qname}>` };
}

function convertElement(e: SourceElement, types: number[], root: boolean): XmlElement {
  const out: XmlElement = {
    kind: 'element',
    name: e.local,
    attributes: e.attributes.map((a) => ({ name: a.qname === 'xmlns' ? 'xmlns' : a.local, value: [stringValue(a.value)] })),
    children: [],
  };
  for (const c of e.children) {
    if (c.kind === 'element') out.children.push(convertElement(c, types, false));
    else if (!root) {
      const m = /%(\d+)/.exec(c.text);
      if (m) {
        const n = Number(m[1]);
        out.children.push({ kind: 'substitution', index: n - 1, type: types[n - 1] ?? 0, optional: false });
      }
    }
  }
  return out;
}

/** An element serialized without formatting (white space kept, line ends as CR LF, `<a />` when empty). */
function serialize(e: SourceElement): string {
  const open = `<${e.qname}${e.attributes.map((a) => ` ${a.qname}="${escapeAttr(a.value)}"`).join('')}`;
  if (e.children.length === 0) return `${open} />`;
  return `${open}>${e.children.map((c) => (c.kind === 'element' ? serialize(c) : escapeText(c.text).replace(/\n/g, '\r\n'))).join('')}</${e.qname}>`;
}
