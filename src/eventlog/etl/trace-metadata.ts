// Metadata a trace carries about its own events, so that they decode without a manifest given:
//
// - EventSource manifests: an EventSource writes its whole manifest into the trace as event
//   65534 (ManifestData), possibly in chunks: a ManifestEnvelope (u8 Format 1 = XML, u8 Major,
//   u8 Minor, u8 Magic 0x5B, u16 TotalChunks, u16 ChunkNumber) and then that chunk of the UTF-8
//   manifest. When the last chunk is in, the manifest is read as a --manifest is.
// - TDH descriptions: a trace merged by xperf/PerfView (KernelTraceControl) carries, for the
//   manifest providers it saw, each event's TRACE_EVENT_INFO as a classic event of class
//   bbccf6c1-6cd1-48c4-80ff-839482e37671 type 32 (MetaData/EventInfo). Layout (evntcons.h/tdh.h):
//     0 ProviderGuid, 16 EventGuid, 32 EVENT_DESCRIPTOR, 48 DecodingSource, 52 ProviderNameOffset,
//     56 LevelNameOffset, 60 ChannelNameOffset, 64 KeywordsNameOffset, 68 TaskNameOffset,
//     72 OpcodeNameOffset, 76 EventMessageOffset, 80 ProviderMessageOffset, 84 BinaryXMLOffset,
//     88 BinaryXMLSize, 92 EventNameOffset, 96 EventAttributesOffset, 100 PropertyCount,
//     104 TopLevelPropertyCount, 108 Flags, 112 EVENT_PROPERTY_INFO[PropertyCount] of 24 bytes:
//     Flags, NameOffset, (InType u16, OutType u16, MapNameOffset | StructStartIndex u16,
//     NumOfStructMembers u16, 4 unused), count u16 (or the index of the property holding it),
//     length u16 (likewise), Reserved/Tags. Names are NUL-terminated UTF-16 at their offsets.
//   Property flags: 0x1 struct, 0x2 length from a property, 0x4 count from a property.
// Events are named as PerfView names them: Task/Opcode, the task alone for opcode 0.

import { ByteReader } from '../../binary/reader.js';
import { struct } from '../../binary/layout.js';
import { etlError } from './buffer.js';
import { EVENT_DESCRIPTOR_FIELDS, plainGuid, type RawRecord } from './headers.js';
import { loadManifest, manifestDecoder, ManifestLoadError } from './manifest.js';
import { PayloadCursor, type FieldValue, type Fields } from './payload.js';
import { readInType, type Display } from './tdh.js';
import type { EventDecoder } from './reader.js';
import { FormatError } from '../../binary/errors.js';

export const METADATA_CLASS = 'bbccf6c1-6cd1-48c4-80ff-839482e37671';
export const MANIFEST_DATA_EVENT = 65534;

const TRACE_EVENT_INFO = struct('TRACE_EVENT_INFO', {
  ProviderGuid: 16,
  EventGuid: 16,
  ...EVENT_DESCRIPTOR_FIELDS,
  DecodingSource: 'u32',
  ProviderNameOffset: 'u32',
  LevelNameOffset: 'u32',
  ChannelNameOffset: 'u32',
  KeywordsNameOffset: 'u32',
  TaskNameOffset: 'u32',
  OpcodeNameOffset: 'u32',
  EventMessageOffset: 'u32',
  ProviderMessageOffset: 'u32',
  BinaryXMLOffset: 'u32',
  BinaryXMLSize: 'u32',
  EventNameOffset: 'u32',
  EventAttributesOffset: 'u32',
  PropertyCount: 'u32',
  TopLevelPropertyCount: 'u32',
  Flags: 'u32',
});
const EVENT_PROPERTY_INFO = struct('EVENT_PROPERTY_INFO', {
  Flags: 'u32',
  NameOffset: 'u32',
  InTypeOrStructStart: 'u16',
  OutTypeOrMembers: 'u16',
  MapNameOffset: 'u32',
  Count: 'u16',
  Length: 'u16',
  Reserved: 'u32',
});
const PROPERTY_STRUCT = 0x1;
const PROPERTY_PARAM_LENGTH = 0x2;
const PROPERTY_PARAM_COUNT = 0x4;

interface TdhProperty {
  name: string;
  flags: number;
  inType: number;
  outType: number;
  structStart: number;
  members: number;
  count: number;
  length: number;
}

interface TdhEvent {
  provider: string;
  name: string;
  message: string | null;
  properties: TdhProperty[];
  topLevel: number;
}

function nameAt(r: ByteReader, offset: number): string {
  if (offset === 0 || offset >= r.length) return '';
  return r.utf16z(offset, 'TRACE_EVENT_INFO name').text.trim();
}

/** A TRACE_EVENT_INFO blob; throws a FormatError when it does not read. */
export function readTraceEventInfo(payload: Uint8Array, base = 0): { guid: string; id: number; version: number; event: TdhEvent } {
  const r = new ByteReader(payload, { format: 'ETL', base, error: etlError });
  const h = TRACE_EVENT_INFO.read(r, 0);
  const guid = plainGuid(r.guid(0, 'ProviderGuid'));
  if (h.PropertyCount > 4096) throw r.error(`PropertyCount ${h.PropertyCount} is not a property count`, TRACE_EVENT_INFO.offset.PropertyCount, TRACE_EVENT_INFO.name);
  const properties: TdhProperty[] = [];
  for (let i = 0; i < h.PropertyCount; i++) {
    const p = EVENT_PROPERTY_INFO.read(r, TRACE_EVENT_INFO.size + i * EVENT_PROPERTY_INFO.size);
    const isStruct = (p.Flags & PROPERTY_STRUCT) !== 0;
    properties.push({
      name: nameAt(r, p.NameOffset),
      flags: p.Flags,
      inType: isStruct ? 0 : p.InTypeOrStructStart,
      outType: isStruct ? 0 : p.OutTypeOrMembers,
      structStart: isStruct ? p.InTypeOrStructStart : 0,
      members: isStruct ? p.OutTypeOrMembers : 0,
      count: p.Count,
      length: p.Length,
    });
  }
  // a `win:` prefix dropped, as PerfView drops it
  const task = nameAt(r, h.TaskNameOffset).replace(/^win:/, '');
  const opcode = h.Opcode !== 0 ? nameAt(r, h.OpcodeNameOffset).replace(/^win:/, '') : '';
  const eventName = nameAt(r, h.EventNameOffset);
  const name = task ? (opcode ? `${task}/${opcode}` : task) : eventName || (opcode ? `EventID(${h.Id})/${opcode}` : `EventID(${h.Id})`);
  const message = h.EventMessageOffset ? nameAt(r, h.EventMessageOffset) || null : null;
  return { guid, id: h.Id, version: h.Version, event: { provider: nameAt(r, h.ProviderNameOffset) || guid, name, message, properties, topLevel: Math.min(h.TopLevelPropertyCount, properties.length) } };
}

function tdhDisplay(outType: number): Display {
  if (outType === 13) return 'bool';
  if ((outType >= 15 && outType <= 19) || (outType >= 29 && outType <= 32)) return 'hex';
  if (outType === 22) return 'port';
  if (outType === 23) return 'ipv4';
  return null;
}

function readProperties(ev: TdhEvent, first: number, n: number, c: PayloadCursor, depth: number): Fields {
  const out: Fields = {};
  const values: FieldValue[] = [];
  for (let i = first; i < first + n && i < ev.properties.length; i++) {
    const p = ev.properties[i]!;
    const sized = (param: boolean, v: number): number => {
      if (!param) return v;
      const ref = values[v - first];
      return typeof ref === 'number' && ref >= 0 ? ref : 0;
    };
    const count = (p.flags & PROPERTY_PARAM_COUNT) !== 0 ? sized(true, p.count) : p.count;
    const length = (p.flags & PROPERTY_PARAM_LENGTH) !== 0 ? sized(true, p.length) : p.length;
    const one = (): FieldValue => {
      if (p.flags & PROPERTY_STRUCT) {
        if (depth > 8) throw c.r.error(`${p.name}: structs nest too deeply`, c.at, 'TRACE_EVENT_INFO');
        return readProperties(ev, p.structStart, p.members, c, depth + 1);
      }
      const fixedLength = length > 0 && [1, 2, 14].includes(p.inType) ? length : undefined;
      return readInType(p.inType, tdhDisplay(p.outType), c, p.name, fixedLength);
    };
    let v: FieldValue;
    if (count > 1 || (p.flags & PROPERTY_PARAM_COUNT) !== 0) {
      if (count > c.remaining + 1) throw c.r.error(`${p.name}: ${count} elements do not fit the ${c.remaining} bytes left`, c.at, 'TRACE_EVENT_INFO');
      const items: FieldValue[] = [];
      for (let k = 0; k < count; k++) {
        c.spend(p.name);
        items.push(one());
      }
      v = items;
    } else {
      if (c.remaining === 0 && p.inType !== 1 && p.inType !== 2) break;
      v = one();
    }
    values.push(v);
    out[p.name] = v;
  }
  return out;
}

/** Collects the trace's own metadata as it goes by and decodes the events it describes. */
export class TraceMetadata implements EventDecoder {
  private readonly tdh = new Map<string, TdhEvent>();
  private readonly sources: EventDecoder[] = [];
  private readonly chunks = new Map<string, { total: number; parts: (Uint8Array | undefined)[] }>();
  private readonly seenManifests = new Set<string>();
  private readonly names = new Map<string, string>();

  /** The provider name the trace's metadata gives a GUID, if any. */
  providerName(guid: string): string | undefined {
    return this.names.get(guid);
  }

  /** Looks at a record for metadata; returns a name for the metadata events themselves, or null. */
  observe(raw: RawRecord, guid: string, warn: (message: string) => void): string | null {
    if ((raw.kind === 'event-trace' || raw.kind === 'instance') && guid === METADATA_CLASS && raw.opcode === 32) {
      try {
        const info = readTraceEventInfo(raw.payload);
        this.tdh.set(`${info.guid}/${info.id}/${info.version}`, info.event);
        if (info.event.provider !== info.guid) this.names.set(info.guid, info.event.provider);
        if (!this.tdh.has(`${info.guid}/${info.id}`)) this.tdh.set(`${info.guid}/${info.id}`, info.event);
      } catch (e) {
        if (!(e instanceof FormatError)) throw e;
        warn(`MetaData/EventInfo: ${e.detail}; the description is not used`);
      }
      return null;
    }
    if (raw.kind === 'event' && raw.eventId === MANIFEST_DATA_EVENT && raw.payload.length >= 8 && raw.payload[3] === 0x5b) {
      const v = new DataView(raw.payload.buffer, raw.payload.byteOffset, raw.payload.byteLength);
      const total = v.getUint16(4, true);
      const number = v.getUint16(6, true);
      if (total === 0 || number >= total) return 'ManifestData';
      let entry = this.chunks.get(guid);
      if (!entry || entry.total !== total) this.chunks.set(guid, (entry = { total, parts: new Array(total) }));
      entry.parts[number] = raw.payload.slice(8);
      if (entry.parts.every((p) => p !== undefined)) {
        this.chunks.delete(guid);
        const whole = Buffer.concat(entry.parts as Uint8Array[]);
        const key = `${guid}/${whole.length}/${whole.subarray(0, 64).toString('hex')}`;
        if (!this.seenManifests.has(key)) {
          this.seenManifests.add(key);
          try {
            const manifest = loadManifest(new Uint8Array(whole), `ManifestData of ${guid}`, { lenient: true });
            for (const p of manifest.providers) this.names.set(plainGuid(p.guid.text), p.name);
            this.sources.unshift(manifestDecoder(manifest));
          } catch (e) {
            if (!(e instanceof ManifestLoadError)) throw e;
            warn(`${e.message}; its events are not decoded`);
          }
        }
      }
      return 'ManifestData';
    }
    return null;
  }

  decode(raw: RawRecord, guid: string): ReturnType<EventDecoder['decode']> {
    if (raw.kind !== 'event') return null;
    for (const s of this.sources) {
      const got = s.decode(raw, guid);
      if (got) return got;
    }
    const ev = this.tdh.get(`${guid}/${raw.eventId}/${raw.version}`) ?? this.tdh.get(`${guid}/${raw.eventId}`);
    if (!ev) return null;
    const fields = readProperties(ev, 0, ev.topLevel, new PayloadCursor(raw.payload, raw.pointerSize), 0);
    return { provider: ev.provider, eventName: ev.name, fields, message: null };
  }
}
