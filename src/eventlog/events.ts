// One event record model for both log formats, and the bridge from a record to the
// IO_ERROR_LOG_PACKET it carries when it was written by a driver through IoWriteErrorLogEntry.
//
// Field meanings follow PACKET-REGISTRY.md §1.6: for a classic event `eventId` is the low word
// of the message id and `qualifiers` its high word (EVTX stores them apart; EVT stores the full
// 32-bit id, which is split here the same way), `strings` is the insertion-string array with
// empty strings kept, and `data` is the binary data.

import { open, type FileHandle } from 'node:fs/promises';
import {
  attribute,
  childElements,
  formatFiletime,
  formatValue,
  textOf,
  VALUE_TYPE,
  type XmlElement,
  type XmlNode,
} from './binxml/reader.js';
import { EVTX_FILE_SIGNATURE, readEvtxRecords, type EvtxRecord } from './evtx.js';
import { readEvtRecords, EVT_SIGNATURE, type EvtRecord } from './evt.js';
import { decodeEventLogPacket, isEventLogPacket, messageIdOf } from '../packet/decode.js';
import type { IoErrorLogPacket } from '../packet/packet.js';
import { FormatError } from '../binary/errors.js';
import { decodeAscii } from '../binary/codec.js';

/** Random-access bytes: a file handle or a buffer. `read` may return fewer bytes at the end. */
export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

export interface ReadWarning {
  message: string;
  /** File offset of the damaged structure. */
  offset: number;
}

export interface EventRecord {
  format: 'evtx' | 'evt';
  recordId: number;
  /** ISO 8601 UTC with seven fractional digits (100 ns, the FILETIME resolution). */
  timeCreated: string;
  provider: string;
  eventId: number;
  qualifiers: number | null;
  /** EVTX level: 1 critical, 2 error, 3 warning, 4 information, 0 log-always / audit. */
  level: number;
  /** Task (EVTX) or EventCategory (EVT). */
  category: number;
  channel: string;
  computer: string;
  strings: string[];
  data: Uint8Array | null;
  /** File offset of the record, for locating it in a dump. */
  offset: number;
}

export function memoryByteSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: async (offset, length) => bytes.subarray(offset, Math.min(bytes.length, offset + length)),
  };
}

/**
 * Reads through one reused buffer per request size. Callers consume what they read before the
 * next read (the EVTX and EVT readers decode a chunk or record completely first), so memory stays
 * at one chunk no matter how large the file is.
 */
export async function fileByteSource(handle: FileHandle): Promise<ByteSource> {
  const { size } = await handle.stat();
  let buffer = new Uint8Array(0);
  return {
    size,
    async read(offset, length) {
      const wanted = Math.max(0, Math.min(length, size - offset));
      if (buffer.length < wanted) buffer = new Uint8Array(Math.max(wanted, 65536));
      let done = 0;
      while (done < wanted) {
        const { bytesRead } = await handle.read(buffer, done, wanted - done, offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return buffer.subarray(0, done);
    },
  };
}

export type LogFormat = 'evtx' | 'evt';

/** Tells the two formats apart by their signatures. */
export function detectLogFormat(head: Uint8Array): LogFormat | null {
  if (decodeAscii(head, 0, 8) === EVTX_FILE_SIGNATURE) return 'evtx';
  if (head.length >= 8 && decodeAscii(head, 4, 8) === EVT_SIGNATURE) return 'evt';
  return null;
}

/** Neither an .evtx nor an .evt file: a FormatError at offset 0 (the signature). */
export class EventLogError extends FormatError {
  constructor(message: string) {
    super('event log', message, 0, { structure: 'signature', text: message });
    this.name = 'EventLogError';
  }
}

/** Every record of an .evtx or .evt log, as the uniform model. */
export async function* readEventRecords(source: ByteSource, warn: (w: ReadWarning) => void = () => {}): AsyncGenerator<EventRecord> {
  const format = detectLogFormat(await source.read(0, 8));
  if (format === 'evtx') {
    for await (const r of readEvtxRecords(source, warn)) {
      const event = eventFromEvtx(r);
      if (event) yield event;
      else warn({ message: `chunk ${r.chunkIndex}, record ${r.recordId}: no <Event><System> element; record skipped`, offset: r.fileOffset });
    }
  } else if (format === 'evt') {
    for await (const r of readEvtRecords(source, warn)) yield eventFromEvt(r);
  } else {
    throw new EventLogError('not an event log: neither the EVTX signature "ElfFile" nor the EVT signature "LfLe" was found at file offset 0');
  }
}

/** Opens a log file and reads its records; the file is closed when the iteration ends. */
export async function* readEventLogFile(path: string, warn?: (w: ReadWarning) => void): AsyncGenerator<EventRecord> {
  const handle = await open(path, 'r');
  try {
    yield* readEventRecords(await fileByteSource(handle), warn);
  } finally {
    await handle.close();
  }
}

function firstElement(nodes: readonly XmlNode[], name: string): XmlElement | undefined {
  return nodes.find((n): n is XmlElement => n.kind === 'element' && n.name === name);
}

function attributeText(element: XmlElement | undefined, name: string): string | undefined {
  const value = element && attribute(element, name);
  return value === undefined ? undefined : textOf(value);
}

function childText(parent: XmlElement, name: string): string | undefined {
  const child = childElements(parent, name)[0];
  return child === undefined ? undefined : textOf(child.children);
}

function toNumber(text: string | undefined): number | null {
  if (text === undefined || text.trim() === '') return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/**
 * The text items of a value list. A string array (what a classic event's `<Data>` holds) gives
 * one item per string, so empty strings and their positions survive.
 */
function itemsOf(nodes: readonly XmlNode[]): string[] {
  const only = nodes.length === 1 ? nodes[0]! : undefined;
  if (only?.kind === 'value' && only.type === VALUE_TYPE.NULL) return [];
  if (only?.kind === 'value' && Array.isArray(only.value)) {
    return only.value.map((item) => formatValue(only.type & ~VALUE_TYPE.ARRAY, item));
  }
  return [textOf(nodes)];
}

function binaryOf(nodes: readonly XmlNode[]): Uint8Array | null {
  for (const n of nodes) if (n.kind === 'value' && n.value instanceof Uint8Array) return n.value;
  return null;
}

/**
 * Event fields of an EVTX record. Strings are the `<Data>` items of `<EventData>` (the string
 * array of a classic event expanded), or the leaf values of the one element under `<UserData>`;
 * the classic event's `<Binary>` becomes `data`.
 */
export function eventFromEvtx(record: EvtxRecord): EventRecord | null {
  const event = firstElement(record.nodes, 'Event');
  const system = event && childElements(event, 'System')[0];
  if (!event || !system) return null;
  const provider = childElements(system, 'Provider')[0];
  const eventIdElement = childElements(system, 'EventID')[0];
  const strings: string[] = [];
  let data: Uint8Array | null = null;
  const eventData = childElements(event, 'EventData')[0];
  const userData = childElements(event, 'UserData')[0];
  if (eventData) {
    for (const item of childElements(eventData)) {
      if (item.name === 'Binary') data = binaryOf(item.children) ?? data;
      else strings.push(...itemsOf(item.children));
    }
  } else if (userData) {
    const body = childElements(userData)[0];
    if (body) for (const item of childElements(body)) strings.push(...itemsOf(item.children));
  }
  const time = attributeText(childElements(system, 'TimeCreated')[0], 'SystemTime');
  return {
    format: 'evtx',
    recordId: Number(toNumber(childText(system, 'EventRecordID')) ?? record.recordId),
    timeCreated: time ?? formatFiletime(record.written),
    provider: attributeText(provider, 'Name') ?? attributeText(provider, 'EventSourceName') ?? '',
    eventId: toNumber(eventIdElement && textOf(eventIdElement.children)) ?? 0,
    qualifiers: toNumber(attributeText(eventIdElement, 'Qualifiers')),
    level: toNumber(childText(system, 'Level')) ?? 0,
    category: toNumber(childText(system, 'Task')) ?? 0,
    channel: childText(system, 'Channel') ?? '',
    computer: childText(system, 'Computer') ?? '',
    strings,
    data,
    offset: record.fileOffset,
  };
}

/** EVT event types (EVENTLOG_*_TYPE) as EVTX levels. */
const LEVEL_OF_EVENT_TYPE: Record<number, number> = { 0: 4, 1: 2, 2: 3, 4: 4, 8: 0, 16: 0 };

export function eventFromEvt(record: EvtRecord): EventRecord {
  return {
    format: 'evt',
    recordId: record.recordNumber,
    timeCreated: formatFiletime(BigInt(record.timeGenerated) * 10000000n + 116444736000000000n),
    provider: record.sourceName,
    eventId: record.eventId & 0xffff,
    qualifiers: record.eventId >>> 16,
    level: LEVEL_OF_EVENT_TYPE[record.eventType] ?? 0,
    category: record.eventCategory,
    channel: '',
    computer: record.computerName,
    strings: record.strings,
    data: record.data.length > 0 ? record.data : null,
    offset: record.fileOffset,
  };
}

// messageIdOf, the full 32-bit message id (Qualifiers << 16 | EventID), is the packet module's.
export { messageIdOf };

/** Whether the event's binary data is an I/O error log packet: isEventLogPacket with its message id. */
export function isIoPacketData(event: Pick<EventRecord, 'eventId' | 'qualifiers' | 'data'>): boolean {
  return event.data !== null && isEventLogPacket(event.data, messageIdOf(event));
}

/**
 * The I/O error packet in a driver event's data, or null when the data is not one by the rule
 * above. A DumpDataSize that is not a multiple of 4 (TermDD 50 with 11 bytes on XP) is read
 * zero-padded to whole ULONGs and `dumpDataSize` keeps the recorded value (decodeEventLogPacket).
 */
export function driverPacketOf(event: Pick<EventRecord, 'eventId' | 'qualifiers' | 'data'>): IoErrorLogPacket | null {
  return isIoPacketData(event) ? decodeEventLogPacket(event.data!) : null;
}
