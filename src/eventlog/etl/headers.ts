// The record ("trace") headers inside a buffer. Every record starts with a 32-bit marker whose
// top byte holds flags (0x80 TRACE_HEADER_FLAG, 0x40 TRACE_HEADER_EVENT_TRACE, 0x10
// TRACE_MESSAGE) and whose next byte is the header type; records are padded to 8 bytes.
//
// Layouts (ETL.md §2; Chappell's SYSTEM_TRACE_HEADER and PERFINFO_TRACE_HEADER studies; the
// documented EVENT_TRACE_HEADER and EVENT_HEADER without their pointers):
//   SYSTEM_TRACE_HEADER   0x20: Version u16, HeaderType u8, Flags u8, Size u16, Type u8, Group u8,
//                               ThreadId, ProcessId, SystemTime u64, KernelTime, UserTime
//   compact form          0x18: the same without KernelTime/UserTime
//   PERFINFO_TRACE_HEADER 0x10: Version u16, HeaderType u8, Flags u8, Size u16, Type u8, Group u8,
//                               SystemTime u64 (no thread or process)
//   EVENT_TRACE_HEADER    0x30: Size u16, HeaderType u8, MarkerFlags u8, Type u8, Level u8,
//                               Version u16, ThreadId, ProcessId, TimeStamp u64, Guid, times
//   EVENT_INSTANCE_GUID_HEADER 0x48: that, then InstanceId, ParentInstanceId u32, ParentGuid
//   EVENT_HEADER          0x50: Size u16, HeaderType u8, MarkerFlags u8, Flags u16, EventProperty
//                               u16, ThreadId, ProcessId, TimeStamp u64, ProviderId, EVENT_DESCRIPTOR
//                               (Id u16, Version u8, Channel u8, Level u8, Opcode u8, Task u16,
//                               Keyword u64), ProcessorTime u64, ActivityId; extended data items
//                               follow when Flags has EXTENDED_INFO
//   MESSAGE_TRACE_HEADER  0x08: Size u16, HeaderType u8, Flags u8, MessageNumber u16, OptionFlags
//                               u16 (WPP; the optional parts are kept in the payload)
// The "32/64" header types give the producer's pointer size, which sizes pointer payload fields.

import { struct } from '../../binary/layout.js';
import type { ByteReader } from '../../binary/reader.js';

export const TRACE_HEADER_TYPE = {
  SYSTEM32: 0x01,
  SYSTEM64: 0x02,
  COMPACT32: 0x03,
  COMPACT64: 0x04,
  FULL_HEADER32: 0x0a,
  INSTANCE32: 0x0b,
  TIMED: 0x0c,
  ERROR: 0x0d,
  WNODE_HEADER: 0x0e,
  MESSAGE: 0x0f,
  PERFINFO32: 0x10,
  PERFINFO64: 0x11,
  EVENT_HEADER32: 0x12,
  EVENT_HEADER64: 0x13,
  FULL_HEADER64: 0x14,
  INSTANCE64: 0x15,
} as const;

export const SYSTEM_TRACE_HEADER = struct('SYSTEM_TRACE_HEADER', {
  Version: 'u16',
  HeaderType: 'u8',
  Flags: 'u8',
  Size: 'u16',
  Type: 'u8',
  Group: 'u8',
  ThreadId: 'u32',
  ProcessId: 'u32',
  SystemTime: 'u64',
  KernelTime: 'u32',
  UserTime: 'u32',
});
export const COMPACT_SYSTEM_TRACE_HEADER_SIZE = SYSTEM_TRACE_HEADER.offset.KernelTime; // 0x18

export const PERFINFO_TRACE_HEADER = struct('PERFINFO_TRACE_HEADER', {
  Version: 'u16',
  HeaderType: 'u8',
  Flags: 'u8',
  Size: 'u16',
  Type: 'u8',
  Group: 'u8',
  SystemTime: 'u64',
});

export const EVENT_TRACE_HEADER = struct('EVENT_TRACE_HEADER', {
  Size: 'u16',
  HeaderType: 'u8',
  MarkerFlags: 'u8',
  Type: 'u8',
  Level: 'u8',
  Version: 'u16',
  ThreadId: 'u32',
  ProcessId: 'u32',
  TimeStamp: 'u64',
  Guid: 16,
  KernelTime: 'u32',
  UserTime: 'u32',
});

export const EVENT_INSTANCE_GUID_HEADER = struct('EVENT_INSTANCE_GUID_HEADER', {
  Header: EVENT_TRACE_HEADER.size,
  InstanceId: 'u32',
  ParentInstanceId: 'u32',
  ParentGuid: 16,
});

/** EVENT_DESCRIPTOR (evntprov.h), inside EVENT_HEADER and TRACE_EVENT_INFO alike. */
export const EVENT_DESCRIPTOR_FIELDS = { Id: 'u16', Version: 'u8', Channel: 'u8', Level: 'u8', Opcode: 'u8', Task: 'u16', Keyword: 'u64' } as const;

export const EVENT_HEADER = struct('EVENT_HEADER', {
  Size: 'u16',
  HeaderType: 'u8',
  MarkerFlags: 'u8',
  Flags: 'u16',
  EventProperty: 'u16',
  ThreadId: 'u32',
  ProcessId: 'u32',
  TimeStamp: 'u64',
  ProviderId: 16,
  ...EVENT_DESCRIPTOR_FIELDS,
  KernelTime: 'u32',
  UserTime: 'u32',
  ActivityId: 16,
});

/** The raw (on-disk) EVENT_HEADER_EXTENDED_DATA_ITEM header: 8 bytes, then the data. */
export const EXTENDED_ITEM_HEADER = struct('EVENT_HEADER_EXTENDED_DATA_ITEM', {
  /** The item's size, header and padding to 8 included. */
  Size: 'u16',
  ExtType: 'u16',
  /** Bit 0: another item follows. */
  Linkage: 'u16',
  DataSize: 'u16',
});

export const MESSAGE_TRACE_HEADER = struct('MESSAGE_TRACE_HEADER', {
  Size: 'u16',
  HeaderType: 'u8',
  Flags: 'u8',
  MessageNumber: 'u16',
  OptionFlags: 'u16',
});

export const EVENT_HEADER_FLAG = {
  EXTENDED_INFO: 0x0001,
  PRIVATE_SESSION: 0x0002,
  STRING_ONLY: 0x0004,
  TRACE_MESSAGE: 0x0008,
  NO_CPUTIME: 0x0010,
  HEADER_32_BIT: 0x0020,
  HEADER_64_BIT: 0x0040,
  CLASSIC_HEADER: 0x0100,
  PROCESSOR_INDEX: 0x0200,
} as const;

export const EXT_TYPE = {
  RELATED_ACTIVITYID: 1,
  SID: 2,
  TS_ID: 3,
  INSTANCE_INFO: 4,
  STACK_TRACE32: 5,
  STACK_TRACE64: 6,
  PEBS_INDEX: 7,
  PMC_COUNTERS: 8,
  PSM_KEY: 9,
  EVENT_KEY: 10,
  EVENT_SCHEMA_TL: 11,
  PROV_TRAITS: 12,
  PROCESS_START_KEY: 13,
} as const;

export type HeaderKind = 'system' | 'compact' | 'perfinfo' | 'event-trace' | 'instance' | 'event' | 'message';

export interface ExtendedItem {
  type: number;
  data: Uint8Array;
}

/** One record's header, decoded; the payload is a view into the buffer. */
export interface RawRecord {
  kind: HeaderKind;
  headerType: number;
  /** 4 or 8: the producer's pointer size, from the header type. */
  pointerSize: 4 | 8;
  /** Offset of the record in its buffer. */
  at: number;
  size: number;
  timeStamp: bigint;
  threadId: number | null;
  processId: number | null;
  /** Kernel headers: Group and Type (HookId = Group << 8 | Type); others null. */
  group: number | null;
  /** The event type (kernel Type, EVENT_TRACE_HEADER Class.Type) or EVENT_HEADER opcode. */
  opcode: number;
  version: number;
  level: number;
  /** EVENT_TRACE_HEADER's class GUID or EVENT_HEADER's ProviderId, `{...}` upper case. */
  guid: string | null;
  eventId: number;
  task: number;
  channel: number;
  keywords: bigint;
  flags: number;
  eventProperty: number;
  activityId: string | null;
  kernelTime: number | null;
  userTime: number | null;
  extended: ExtendedItem[];
  payload: Uint8Array;
  /** MESSAGE headers: the message number. */
  messageNumber?: number;
}

const NULL_GUID = '{00000000-0000-0000-0000-000000000000}';

/**
 * The record at `at` in a buffer's reader. Returns null at the end of the data (0xFFFFFFFF
 * padding or no room for a marker); throws a FormatError for a record that does not fit or an
 * unknown header, which ends the reading of that buffer.
 */
export function readRecordHeader(r: ByteReader, at: number, end: number): RawRecord | null {
  if (at + 4 > end) return null;
  const marker = r.u32(at, 'record marker');
  if (marker === 0xffffffff) return null;
  const flagsByte = marker >>> 24;
  const headerType = (marker >>> 16) & 0xff;
  if ((flagsByte & 0x80) === 0) {
    if (marker === 0) return null;
    throw r.error(`record marker ${markerHex(marker)} has no TRACE_HEADER_FLAG`, at, 'record marker');
  }
  const T = TRACE_HEADER_TYPE;
  // Each case fills in the record newRecord() made, property by property: every record has one
  // object shape, and no object is spread (`{ ...base, more }` runs through a slow path in V8,
  // about 30 times slower per record here).
  switch (headerType) {
    case T.SYSTEM32:
    case T.SYSTEM64:
    case T.COMPACT32:
    case T.COMPACT64: {
      const S = SYSTEM_TRACE_HEADER;
      const compact = headerType === T.COMPACT32 || headerType === T.COMPACT64;
      const hsize = compact ? COMPACT_SYSTEM_TRACE_HEADER_SIZE : S.size;
      const size = sizeOf(r, at, end, S.get(r, at, 'Size'), hsize, 'SYSTEM_TRACE_HEADER');
      const rec = newRecord(headerType, at, compact ? 'compact' : 'system', headerType === T.SYSTEM32 || headerType === T.COMPACT32 ? 4 : 8, size);
      rec.timeStamp = S.get(r, at, 'SystemTime');
      threadAndProcess(rec, S, r, at);
      rec.group = S.get(r, at, 'Group');
      rec.opcode = S.get(r, at, 'Type');
      rec.version = S.get(r, at, 'Version');
      if (!compact) {
        rec.kernelTime = S.get(r, at, 'KernelTime');
        rec.userTime = S.get(r, at, 'UserTime');
      }
      rec.payload = r.slice(at + hsize, size - hsize, 'SYSTEM_TRACE_HEADER payload');
      return rec;
    }
    case T.PERFINFO32:
    case T.PERFINFO64: {
      const P = PERFINFO_TRACE_HEADER;
      const size = sizeOf(r, at, end, P.get(r, at, 'Size'), P.size, P.name);
      const rec = newRecord(headerType, at, 'perfinfo', headerType === T.PERFINFO32 ? 4 : 8, size);
      rec.timeStamp = P.get(r, at, 'SystemTime');
      rec.group = P.get(r, at, 'Group');
      rec.opcode = P.get(r, at, 'Type');
      rec.version = P.get(r, at, 'Version');
      rec.payload = r.slice(at + P.size, size - P.size, 'PERFINFO_TRACE_HEADER payload');
      return rec;
    }
    case T.FULL_HEADER32:
    case T.FULL_HEADER64:
    case T.INSTANCE32:
    case T.INSTANCE64: {
      const E = EVENT_TRACE_HEADER;
      const instance = headerType === T.INSTANCE32 || headerType === T.INSTANCE64;
      const hsize = instance ? EVENT_INSTANCE_GUID_HEADER.size : E.size;
      const size = sizeOf(r, at, end, E.get(r, at, 'Size'), hsize, instance ? EVENT_INSTANCE_GUID_HEADER.name : E.name);
      const rec = newRecord(headerType, at, instance ? 'instance' : 'event-trace', headerType === T.FULL_HEADER32 || headerType === T.INSTANCE32 ? 4 : 8, size);
      rec.timeStamp = E.get(r, at, 'TimeStamp');
      threadAndProcess(rec, E, r, at);
      rec.opcode = E.get(r, at, 'Type');
      rec.level = E.get(r, at, 'Level');
      rec.version = E.get(r, at, 'Version');
      rec.guid = r.guid(at + E.offset.Guid, 'EVENT_TRACE_HEADER.Guid');
      rec.kernelTime = E.get(r, at, 'KernelTime');
      rec.userTime = E.get(r, at, 'UserTime');
      rec.payload = r.slice(at + hsize, size - hsize, `${E.name} payload`);
      return rec;
    }
    case T.EVENT_HEADER32:
    case T.EVENT_HEADER64: {
      const E = EVENT_HEADER;
      const size = sizeOf(r, at, end, E.get(r, at, 'Size'), E.size, E.name);
      const flags = E.get(r, at, 'Flags');
      let data = at + E.size;
      const rec = newRecord(headerType, at, 'event', headerType === T.EVENT_HEADER32 ? 4 : 8, size);
      if (flags & EVENT_HEADER_FLAG.EXTENDED_INFO) {
        const X = EXTENDED_ITEM_HEADER;
        for (let more = true; more; ) {
          if (data + X.size > at + size) throw r.error('extended data item runs past the record', data, X.name);
          const item = X.read(r, data);
          if (item.Size < X.size || data + item.Size > at + size || X.size + item.DataSize > item.Size) {
            throw r.error(`extended data item of ${item.Size} bytes (data ${item.DataSize}) does not fit the record`, data, X.name);
          }
          rec.extended.push({ type: item.ExtType, data: r.slice(data + X.size, item.DataSize, 'extended data') });
          more = (item.Linkage & 1) !== 0;
          data += item.Size;
        }
      }
      const activity = r.guid(at + E.offset.ActivityId, 'ActivityId');
      rec.timeStamp = E.get(r, at, 'TimeStamp');
      threadAndProcess(rec, E, r, at);
      rec.guid = r.guid(at + E.offset.ProviderId, 'ProviderId');
      rec.eventId = E.get(r, at, 'Id');
      rec.version = E.get(r, at, 'Version');
      rec.channel = E.get(r, at, 'Channel');
      rec.level = E.get(r, at, 'Level');
      rec.opcode = E.get(r, at, 'Opcode');
      rec.task = E.get(r, at, 'Task');
      rec.keywords = E.get(r, at, 'Keyword');
      rec.flags = flags;
      rec.eventProperty = E.get(r, at, 'EventProperty');
      rec.activityId = activity === NULL_GUID ? null : activity;
      if (!(flags & EVENT_HEADER_FLAG.NO_CPUTIME)) {
        rec.kernelTime = E.get(r, at, 'KernelTime');
        rec.userTime = E.get(r, at, 'UserTime');
      }
      rec.payload = r.slice(data, at + size - data, 'EVENT_HEADER user data');
      return rec;
    }
    case T.MESSAGE: {
      const M = MESSAGE_TRACE_HEADER;
      const size = sizeOf(r, at, end, M.get(r, at, 'Size'), M.size, M.name);
      const rec = newRecord(headerType, at, 'message', 8, size);
      rec.flags = M.get(r, at, 'OptionFlags');
      rec.messageNumber = M.get(r, at, 'MessageNumber');
      rec.payload = r.slice(at + M.size, size - M.size, 'MESSAGE_TRACE_HEADER payload');
      return rec;
    }
    default:
      throw r.error(`record marker ${markerHex(marker)} has header type 0x${headerType.toString(16)}, which is not read`, at, 'record marker');
  }
}

const NO_PAYLOAD = new Uint8Array(0);

/**
 * A RawRecord with every property present, in one order (one object shape for every header kind),
 * holding what every record says about itself; the header's own fields are filled in after.
 */
function newRecord(headerType: number, at: number, kind: HeaderKind, pointerSize: 4 | 8, size: number): RawRecord {
  return {
    kind,
    headerType,
    pointerSize,
    at,
    size,
    timeStamp: 0n,
    threadId: null,
    processId: null,
    group: null,
    opcode: 0,
    version: 0,
    level: 0,
    guid: null,
    eventId: 0,
    task: 0,
    channel: 0,
    keywords: 0n,
    flags: 0,
    eventProperty: 0,
    activityId: null,
    kernelTime: null,
    userTime: null,
    extended: [],
    payload: NO_PAYLOAD,
    messageNumber: undefined,
  };
}

/** The ThreadId and ProcessId fields every header kind with them has under these names. */
function threadAndProcess(rec: RawRecord, layout: { get(r: ByteReader, at: number, field: 'ThreadId' | 'ProcessId'): number | bigint }, r: ByteReader, at: number): void {
  rec.threadId = Number(layout.get(r, at, 'ThreadId'));
  rec.processId = Number(layout.get(r, at, 'ProcessId'));
}

function sizeOf(r: ByteReader, at: number, end: number, size: number, headerSize: number, what: string): number {
  if (size < headerSize) throw r.error(`${what} Size ${size} is smaller than the ${headerSize}-byte header`, at, what);
  if (at + size > end) throw r.error(`${what} Size ${size} runs past the buffer's data (${end - at} bytes left)`, at, what);
  return size;
}

function markerHex(marker: number): string {
  return '0x' + (marker >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

/** A GUID as the JSON lines give it: lower case, no braces. */
export function plainGuid(guid: string): string {
  return guid.replace(/[{}]/g, '').toLowerCase();
}
