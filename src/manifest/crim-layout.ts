// The fixed-size records of a CRIM (WEVT_TEMPLATE) blob, one struct() table per record (the
// layout mechanism of PE, .res, EVTX and regf), read and written through the same definitions
// (crim.ts). All integers are little-endian; a GUID is its 16 bytes in Windows order. See
// docs/manifests.md for the block structure.

import { struct } from '../binary/layout.js';

/** Four-character block tags, as the little-endian u32 of their ASCII bytes. */
export function tag(s: string): number {
  return s.charCodeAt(0) | (s.charCodeAt(1) << 8) | (s.charCodeAt(2) << 16) | ((s.charCodeAt(3) << 24) >>> 0);
}
export function tagName(v: number): string {
  return String.fromCharCode(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
}

export const CRIM_HEADER = struct('CRIM header', { magic: 'u32', size: 'u32', major: 'u16', minor: 'u16', providerCount: 'u32' });
export const PROVIDER_ENTRY = struct('provider entry', { guid: 16, offset: 'u32' });

export const WEVT_HEADER = struct('WEVT', { magic: 'u32', size: 'u32', messageId: 'u32', listCount: 'u32' });
/** A WEVT list descriptor: the list's kind (EVENT_FIELD_KIND) and its offset. */
export const LIST_DESCRIPTOR = struct('list descriptor', { kind: 'u32', offset: 'u32' });

/** Header of CHAN, LEVL, OPCO, TASK, KEYW, MAPS, QTAB, TTBL, PRVA, EVTA. */
export const LIST_HEADER = struct('list header', { magic: 'u32', size: 'u32', count: 'u32' });

// The entries of the lists of named items; each names its item by the offset of its name data.
export const CHANNEL_ENTRY = struct('CHAN entry', { flags: 'u32', nameOffset: 'u32', value: 'u32', messageId: 'u32' });
export const LEVEL_ENTRY = struct('LEVL entry', { value: 'u32', messageId: 'u32', nameOffset: 'u32' });
export const OPCODE_ENTRY = struct('OPCO entry', { task: 'u16', value: 'u16', messageId: 'u32', nameOffset: 'u32' });
export const TASK_ENTRY = struct('TASK entry', { value: 'u32', messageId: 'u32', eventGuid: 16, nameOffset: 'u32' });
export const KEYWORD_ENTRY = struct('KEYW entry', { mask: 'u64', messageId: 'u32', nameOffset: 'u32' });

export const MAP_HEADER = struct('VMAP/BMAP', { magic: 'u32', size: 'u32', nameOffset: 'u32', flags: 'u32', count: 'u32' });
export const MAP_ITEM = struct('map item', { value: 'u32', messageId: 'u32' });

export const QUERY_HEADER = struct('QUER', { magic: 'u32', size: 'u32', nameOffset: 'u32', formatOffset: 'u32', count: 'u32' });
export const QUERY_ITEM = struct('QUER item', { nameOffset: 'u32', valueOffset: 'u32' });

export const TEMPLATE_HEADER = struct('TEMP', { magic: 'u32', size: 'u32', paramCount: 'u32', propertyCount: 'u32', propertyOffset: 'u32', flags: 'u32', guid: 16 });
/** A template property; for a struct, bytes 4..7 hold its first member's index and member count. */
export const PROPERTY_ENTRY = struct('TEMP property', { flags: 'u32', inType: 'u8', outType: 'u8', reserved: 'u16', mapOffset: 'u32', count: 'u16', length: 'u16', nameOffset: 'u32' });
export const STRUCT_PROPERTY_ENTRY = struct('TEMP struct property', { flags: 'u32', structStart: 'u16', memberCount: 'u16', reserved: 'u32', count: 'u16', length: 'u16', nameOffset: 'u32' });

export const EVENT_HEADER = struct('EVNT', { magic: 'u32', size: 'u32', count: 'u32', reserved: 'u32' });
/** An event's descriptor values, then the offsets of the entries it refers to (0 for none). */
export const EVENT_ENTRY = struct('EVNT entry', {
  id: 'u16', version: 'u8', channel: 'u8', level: 'u8', opcode: 'u8', task: 'u16', keywords: 'u64', messageId: 'u32',
  templateOffset: 'u32', opcodeOffset: 'u32', levelOffset: 'u32', taskOffset: 'u32', keywordCount: 'u32', keywordsOffset: 'u32', channelOffset: 'u32',
});

/** FLTR: `last` is the template offset of the last filter (mc reuses its entry buffer). */
export const FILTER_HEADER = struct('FLTR', { magic: 'u32', size: 'u32', count: 'u32', last: 'u32' });
export const FILTER_ENTRY = struct('FLTR entry', { value: 'u8', version: 'u8', reserved: 'u16', messageId: 'u32', nameOffset: 'u32', templateOffset: 'u32' });

export const PROVIDER_ATTRIBUTE_ENTRY = struct('PRVA entry', { flags: 'u32', valueOffset: 'u32' });
export const EVENT_ATTRIBUTE_ENTRY = struct('EVTA entry', { flags: 'u8', version: 'u8', id: 'u16', stringOffset: 'u32' });

/** The list kinds of the WEVT descriptors with their block tags, in EVENT_FIELD_KIND order (a kind's index is its number). */
export const LIST_TAGS = {
  level: 'LEVL', task: 'TASK', opcode: 'OPCO', keyword: 'KEYW', event: 'EVNT', channel: 'CHAN', maps: 'MAPS',
  template: 'TTBL', namedQueries: 'QTAB', filter: 'FLTR', ctrt: 'CTRT', eventFlags: 'EVTF', eventAttributes: 'EVTA', providerAttributes: 'PRVA',
} as const;
export type CrimListKind = keyof typeof LIST_TAGS;
export const LIST_KINDS = Object.keys(LIST_TAGS) as readonly CrimListKind[];

export const PRVA_NAME = 0x10000001;
export const PRVA_CONTROL_GUID = 0x20000001;
export const PRVA_GROUP_GUID = 0x20000002;
export const EVTA_NAME = 0x11;
export const EVTA_ATTRIBUTES = 0x12;

/** Property flags of TEMP entries. */
export const PROPERTY_FLAGS = { struct: 0x1, fixedLength: 0x2, varLength: 0x4, fixedCount: 0x8, varCount: 0x10 } as const;
