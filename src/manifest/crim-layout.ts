// The fixed-size records of a CRIM (WEVT_TEMPLATE) blob, one table per record, read and written
// through the same definitions (crim.ts). Offsets are in bytes from the record's start; all
// integers are little-endian. See docs/manifests.md for the block structure.

export type FieldKind = 'u8' | 'u16' | 'u32' | 'u64' | 'guid';
type ValueOf<K extends FieldKind> = K extends 'u64' ? bigint : K extends 'guid' ? Uint8Array : number;
export type Spec = Readonly<Record<string, readonly [FieldKind, number]>>;
export type Rec<S extends Spec> = { [K in keyof S]: ValueOf<S[K][0]> };

export interface Layout<S extends Spec> {
  name: string;
  size: number;
  spec: S;
  /** The spec's fields as a list, read and written in this order. */
  fields: readonly (readonly [string, FieldKind, number])[];
}

function layout<const S extends Spec>(name: string, size: number, spec: S): Layout<S> {
  return { name, size, spec, fields: Object.entries(spec).map(([k, [kind, off]]) => [k, kind, off] as const) };
}

export function readRec<S extends Spec>(view: DataView, at: number, l: Layout<S>): Rec<S> {
  const out: Record<string, number | bigint | Uint8Array> = {};
  for (const [k, kind, off] of l.fields) {
    const p = at + off;
    switch (kind) {
      case 'u8':
        out[k] = view.getUint8(p);
        break;
      case 'u16':
        out[k] = view.getUint16(p, true);
        break;
      case 'u32':
        out[k] = view.getUint32(p, true);
        break;
      case 'u64':
        out[k] = view.getBigUint64(p, true);
        break;
      case 'guid':
        out[k] = new Uint8Array(view.buffer, view.byteOffset + p, 16).slice();
        break;
    }
  }
  return out as Rec<S>;
}

export function writeRec<S extends Spec>(view: DataView, at: number, l: Layout<S>, rec: Rec<S>): void {
  for (const [k, kind, off] of l.fields) {
    const p = at + off;
    const v = (rec as Record<string, number | bigint | Uint8Array>)[k]!;
    switch (kind) {
      case 'u8':
        view.setUint8(p, v as number);
        break;
      case 'u16':
        view.setUint16(p, v as number, true);
        break;
      case 'u32':
        view.setUint32(p, (v as number) >>> 0, true);
        break;
      case 'u64':
        view.setBigUint64(p, v as bigint, true);
        break;
      case 'guid':
        new Uint8Array(view.buffer, view.byteOffset + p, 16).set(v as Uint8Array);
        break;
    }
  }
}

/** Four-character block tags, as the little-endian u32 of their ASCII bytes. */
export function tag(s: string): number {
  return s.charCodeAt(0) | (s.charCodeAt(1) << 8) | (s.charCodeAt(2) << 16) | ((s.charCodeAt(3) << 24) >>> 0);
}
export function tagName(v: number): string {
  return String.fromCharCode(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
}

export const CRIM_HEADER = layout('CRIM header', 16, {
  magic: ['u32', 0],
  size: ['u32', 4],
  major: ['u16', 8],
  minor: ['u16', 10],
  providerCount: ['u32', 12],
});
export const PROVIDER_ENTRY = layout('provider entry', 20, { guid: ['guid', 0], offset: ['u32', 16] });

export const WEVT_HEADER = layout('WEVT', 16, {
  magic: ['u32', 0],
  size: ['u32', 4],
  messageId: ['u32', 8],
  listCount: ['u32', 12],
});
/** A WEVT list descriptor: the list's kind (EVENT_FIELD_KIND) and its offset. */
export const LIST_DESCRIPTOR = layout('list descriptor', 8, { kind: ['u32', 0], offset: ['u32', 4] });

/** Header of CHAN, LEVL, OPCO, TASK, KEYW, MAPS, QTAB, TTBL, PRVA, EVTA. */
export const LIST_HEADER = layout('list header', 12, { magic: ['u32', 0], size: ['u32', 4], count: ['u32', 8] });

export const CHANNEL_ENTRY = layout('CHAN entry', 16, {
  flags: ['u32', 0],
  nameOffset: ['u32', 4],
  value: ['u32', 8],
  messageId: ['u32', 12],
});
export const LEVEL_ENTRY = layout('LEVL entry', 12, { value: ['u32', 0], messageId: ['u32', 4], nameOffset: ['u32', 8] });
export const OPCODE_ENTRY = layout('OPCO entry', 12, {
  task: ['u16', 0],
  value: ['u16', 2],
  messageId: ['u32', 4],
  nameOffset: ['u32', 8],
});
export const TASK_ENTRY = layout('TASK entry', 28, {
  value: ['u32', 0],
  messageId: ['u32', 4],
  eventGuid: ['guid', 8],
  nameOffset: ['u32', 24],
});
export const KEYWORD_ENTRY = layout('KEYW entry', 16, { mask: ['u64', 0], messageId: ['u32', 8], nameOffset: ['u32', 12] });

export const MAP_HEADER = layout('VMAP/BMAP', 20, {
  magic: ['u32', 0],
  size: ['u32', 4],
  nameOffset: ['u32', 8],
  flags: ['u32', 12],
  count: ['u32', 16],
});
export const MAP_ITEM = layout('map item', 8, { value: ['u32', 0], messageId: ['u32', 4] });

export const QUERY_HEADER = layout('QUER', 20, {
  magic: ['u32', 0],
  size: ['u32', 4],
  nameOffset: ['u32', 8],
  formatOffset: ['u32', 12],
  count: ['u32', 16],
});
export const QUERY_ITEM = layout('QUER item', 8, { nameOffset: ['u32', 0], valueOffset: ['u32', 4] });

export const TEMPLATE_HEADER = layout('TEMP', 40, {
  magic: ['u32', 0],
  size: ['u32', 4],
  paramCount: ['u32', 8],
  propertyCount: ['u32', 12],
  propertyOffset: ['u32', 16],
  flags: ['u32', 20],
  guid: ['guid', 24],
});
/** A template property; for a struct, bytes 4..7 hold its first member's index and member count. */
export const PROPERTY_ENTRY = layout('TEMP property', 20, {
  flags: ['u32', 0],
  inType: ['u8', 4],
  outType: ['u8', 5],
  reserved: ['u16', 6],
  mapOffset: ['u32', 8],
  count: ['u16', 12],
  length: ['u16', 14],
  nameOffset: ['u32', 16],
});
export const STRUCT_PROPERTY_ENTRY = layout('TEMP struct property', 20, {
  flags: ['u32', 0],
  structStart: ['u16', 4],
  memberCount: ['u16', 6],
  reserved: ['u32', 8],
  count: ['u16', 12],
  length: ['u16', 14],
  nameOffset: ['u32', 16],
});

export const EVENT_HEADER = layout('EVNT', 16, { magic: ['u32', 0], size: ['u32', 4], count: ['u32', 8], reserved: ['u32', 12] });
export const EVENT_ENTRY = layout('EVNT entry', 48, {
  id: ['u16', 0],
  version: ['u8', 2],
  channel: ['u8', 3],
  level: ['u8', 4],
  opcode: ['u8', 5],
  task: ['u16', 6],
  keywords: ['u64', 8],
  messageId: ['u32', 16],
  templateOffset: ['u32', 20],
  opcodeOffset: ['u32', 24],
  levelOffset: ['u32', 28],
  taskOffset: ['u32', 32],
  keywordCount: ['u32', 36],
  keywordsOffset: ['u32', 40],
  channelOffset: ['u32', 44],
});

/** FLTR: `last` is the template offset of the last filter (mc reuses its entry buffer). */
export const FILTER_HEADER = layout('FLTR', 16, { magic: ['u32', 0], size: ['u32', 4], count: ['u32', 8], last: ['u32', 12] });
export const FILTER_ENTRY = layout('FLTR entry', 16, {
  value: ['u8', 0],
  version: ['u8', 1],
  reserved: ['u16', 2],
  messageId: ['u32', 4],
  nameOffset: ['u32', 8],
  templateOffset: ['u32', 12],
});

export const PROVIDER_ATTRIBUTE_ENTRY = layout('PRVA entry', 8, { flags: ['u32', 0], valueOffset: ['u32', 4] });
export const EVENT_ATTRIBUTE_ENTRY = layout('EVTA entry', 8, {
  flags: ['u8', 0],
  version: ['u8', 1],
  id: ['u16', 2],
  stringOffset: ['u32', 4],
});

/** The list kinds of the WEVT descriptors (EVENT_FIELD_KIND). */
export const LIST_KINDS = [
  'level',
  'task',
  'opcode',
  'keyword',
  'event',
  'channel',
  'maps',
  'template',
  'namedQueries',
  'filter',
  'ctrt',
  'eventFlags',
  'eventAttributes',
  'providerAttributes',
] as const;
export type CrimListKind = (typeof LIST_KINDS)[number];

export const LIST_TAGS: Record<CrimListKind, string> = {
  level: 'LEVL',
  task: 'TASK',
  opcode: 'OPCO',
  keyword: 'KEYW',
  event: 'EVNT',
  channel: 'CHAN',
  maps: 'MAPS',
  template: 'TTBL',
  namedQueries: 'QTAB',
  filter: 'FLTR',
  ctrt: 'CTRT',
  eventFlags: 'EVTF',
  eventAttributes: 'EVTA',
  providerAttributes: 'PRVA',
};

export const PRVA_NAME = 0x10000001;
export const PRVA_CONTROL_GUID = 0x20000001;
export const PRVA_GROUP_GUID = 0x20000002;
export const EVTA_NAME = 0x11;
export const EVTA_ATTRIBUTES = 0x12;

/** Property flags of TEMP entries. */
export const PROPERTY_FLAGS = { struct: 0x1, fixedLength: 0x2, varLength: 0x4, fixedCount: 0x8, varCount: 0x10 } as const;
