// The .etl reader: buffers → record headers → decoded events, as an async iterator holding one
// buffer in memory at a time.
//
// Each record becomes an EtlEvent: the header's fields, the time in UTC (by the file's clock,
// from the TRACE_LOGFILE_HEADER that is the first record), the provider and event names, and the
// payload decoded into named fields where a layout is known: the kernel classes of kernel.ts,
// TraceLogging events from their own metadata, manifest events with a manifest given by the
// caller. Anything else keeps its payload, shown as hex.
//
// A record whose header has no process (PERFINFO headers, 0xFFFFFFFF) gets the one its payload
// names, else that of its thread by a thread table of the Thread Start/DCStart events, as
// TraceEvent attributes it; processIdFrom says which.
//
// Damage never ends the reading: a record that does not fit ends its buffer with a warning naming
// the buffer, its file offset and the record's offset; a payload that does not decode keeps its
// hex, with a warning.

import { FormatError } from '../../binary/errors.js';
import { escapeText, toHex, hexOffset } from '../../binary/codec.js';
import { formatFiletime } from '../binxml/reader.js';
import type { ByteSource, ReadWarning } from '../events.js';
import { readEtlBuffers, bufferPlace, type EtlBuffer } from './buffer.js';
import { readRecordHeader, plainGuid, EXT_TYPE, type HeaderKind, type RawRecord } from './headers.js';
import { EtlClock, type TraceLogfileHeader } from './logfile.js';
import { decodeKernel, kernelClassOfGroup, kernelClassOfGuid, logfileFields, namesIn, readLogfileHeaderPayload, unknownGroupGuid, HEADER_GROUP, IMAGE_GROUP, PERFINFO_GROUP, PROCESS_GROUP, THREAD_GROUP } from './kernel.js';
import { CLASSIC_CLASSES, classicEventName } from './classic.js';
import { decodeTlPayload, readProviderTraits, readTlSchema } from './tracelogging.js';
import { PayloadCursor, type Fields } from './payload.js';
import { TraceMetadata } from './trace-metadata.js';

export interface EtlEvent {
  format: 'etl';
  headerKind: HeaderKind;
  /** Index of the buffer and the record's offset in it (decompressed, for a compressed buffer). */
  buffer: number;
  bufferOffset: number;
  /** File offset: of the record in an uncompressed buffer, of its buffer when compressed. */
  offset: number;
  timeStamp: bigint;
  /** ISO 8601 UTC with seven fractional digits; '' before the file's clock is known. */
  timeCreated: string;
  provider: string;
  /** Lower case, no braces: the EVENT_HEADER provider, the classic or kernel class GUID. */
  providerGuid: string;
  eventId: number;
  version: number;
  opcode: number;
  task: number;
  level: number;
  channel: number;
  keywords: bigint;
  /** As PerfView names it: `Process/DCStart`, `GC/Start`, `PrimitiveTypesTest`. */
  eventName: string;
  /** Kernel events: the MOF class's own name (`Process/DCEnd`), as dissect.etl prints it. */
  mofName: string | null;
  /** Kernel events: Group and Type; null for the others. */
  group: number | null;
  /**
   * The process: the header's; for a header without one (PERFINFO, or 0xFFFFFFFF), the event's
   * own (a kernel payload's ProcessID or PID), else the process of its thread in the thread
   * table (see processIdFrom); null when none of these knows it.
   */
  processId: number | null;
  /** The thread: the header's; for a header without one, the kernel payload's thread field. */
  threadId: number | null;
  /** Where processId comes from: the record's header, its payload, or the thread table (the Thread events' ThreadID → ProcessID). */
  processIdFrom: 'header' | 'payload' | 'thread' | null;
  threadIdFrom: 'header' | 'payload' | null;
  processor: number;
  activityId: string | null;
  relatedActivityId: string | null;
  /** Decoded fields, or null when the payload's layout is unknown. */
  fields: Fields | null;
  message: string | null;
  /** The user data (a copy). */
  payload: Uint8Array;
  extended: { type: number; data: Uint8Array }[];
}

/** What decodes a manifest event: given the raw record, names and fields, or null. */
export interface EventDecoder {
  decode(record: RawRecord, providerGuid: string): { provider: string; eventName: string; fields: Fields | null; message: string | null } | null;
}

export interface EtlReadOptions {
  warn?: (w: ReadWarning) => void;
  /** Decoders for EVENT_HEADER (and classic) events not TraceLogging, tried in order. */
  decoders?: readonly EventDecoder[];
  /**
   * Leave out the PerfInfo samples TraceEvent's TraceLog leaves out of the ETLX it makes (and so
   * PerfView's COUNT lines): those of the idle thread (ThreadID 0) not executing a DPC or an ISR.
   * Off by default: every record of the file is read.
   */
  dropIdleSamples?: boolean;
  /**
   * Also give an event whose thread the table does not know yet the process of a Thread
   * Start/DCStart later in the file, as TraceEvent does for the events it could not place while
   * converting (its table entries hold for the whole trace): a first pass reads the file's Thread
   * events, so the file is read twice. Off by default (one pass).
   */
  threadsAhead?: boolean;
}

/**
 * ThreadID → ProcessID, from the Thread Start and DCStart events, as TraceEvent's
 * KernelTraceEventParser keeps it (the latest Start of a thread id wins; an End does not remove
 * it). Streaming, it knows the threads started (or rundown) before the event: a thread seen only in
 * an end rundown (a circular log) gives its earlier events no process.
 */
export class ThreadTable {
  private readonly pids = new Map<number, number>();
  /** `ahead`: the table of the whole file (threadsAhead), asked when this one does not know a thread. */
  constructor(private readonly ahead?: ReadonlyMap<number, number>) {}
  observe(e: EtlEvent): void {
    if (e.group !== THREAD_GROUP || (e.opcode !== 1 && e.opcode !== 3) || e.fields === null) return;
    const { ProcessID: pid, ThreadID: tid } = e.fields;
    if (typeof pid === 'number' && typeof tid === 'number') this.pids.set(tid, pid);
  }
  processOf(threadId: number): number | undefined {
    return this.pids.get(threadId) ?? this.ahead?.get(threadId);
  }
}

/** ThreadID → ProcessID of every Thread Start/DCStart of the file (the latest wins), for threadsAhead. */
async function threadsOfFile(source: ByteSource): Promise<Map<number, number>> {
  const pids = new Map<number, number>();
  for await (const buffer of readEtlBuffers(source)) {
    const r = buffer.records;
    for (let at = 0x48; at < r.length; ) {
      let raw: RawRecord | null;
      try {
        raw = readRecordHeader(r, at, r.length);
      } catch (e) {
        if (!(e instanceof FormatError)) throw e;
        break;
      }
      if (raw === null) break;
      at += (raw.size + 7) & ~7;
      const group = raw.group ?? (raw.kind === 'event-trace' && raw.guid ? kernelClassOfGuid(plainGuid(raw.guid))?.group : undefined);
      if (group !== THREAD_GROUP || (raw.opcode !== 1 && raw.opcode !== 3)) continue;
      try {
        const f = decodeKernel(THREAD_GROUP, raw.opcode, raw.version, new PayloadCursor(raw.payload, raw.pointerSize, 0));
        if (f && typeof f.ProcessID === 'number' && typeof f.ThreadID === 'number') pids.set(f.ThreadID, f.ProcessID);
      } catch (e) {
        if (!(e instanceof FormatError)) throw e;
      }
    }
  }
  return pids;
}

/** The payload fields that say which thread a kernel event is about when its header does not (samples, disk I/O, hard faults). */
const THREAD_FIELDS = ['ThreadID', 'IssuingThreadId', 'TThreadId'] as const;
const NO_ID = 0xffffffff;

/** Fills a header's missing process and thread: from the event's own fields, then the thread table. */
function attribute(e: EtlEvent, threads: ThreadTable): void {
  const f = e.fields;
  if ((e.threadId === null || e.threadId === NO_ID) && f && e.group !== null) {
    for (const k of THREAD_FIELDS) {
      const v = f[k];
      if (typeof v === 'number') {
        e.threadId = v;
        e.threadIdFrom = 'payload';
        break;
      }
    }
  }
  if (e.processId !== null && e.processId !== NO_ID) return;
  const own = f && e.group !== null ? (f.ProcessID ?? f.PID) : undefined;
  if (typeof own === 'number') {
    e.processId = own;
    e.processIdFrom = 'payload';
    return;
  }
  const pid = e.threadId === null || e.threadId === NO_ID ? undefined : threads.processOf(e.threadId);
  if (pid !== undefined) {
    e.processId = pid;
    e.processIdFrom = 'thread';
  }
}

/** TraceLog's rule for CPU samples (see dropIdleSamples). */
export function isIdleSample(e: EtlEvent): boolean {
  return e.group === PERFINFO_GROUP && e.opcode === 46 && e.fields !== null && e.fields.ThreadID === 0 && e.fields.ExecutingDPC !== true && e.fields.ExecutingISR !== true;
}

/** Whether bytes look like an .etl file: a WMI_BUFFER_HEADER whose first record is the logfile header. */
export function looksLikeEtl(head: Uint8Array): boolean {
  if (head.length < 0x50) return false;
  const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const marker = v.getUint32(0x48, true) >>> 16;
  return (marker === 0xc002 || marker === 0xc001) && v.getUint16(0x4e, true) === 0;
}

export interface EtlFileInfo {
  header: TraceLogfileHeader | null;
  buffers: number;
  compressedBuffers: number;
}

/** Every record of an .etl file, decoded. `info` is filled as reading goes. */
export async function* readEtlEvents(source: ByteSource, options: EtlReadOptions = {}, info?: EtlFileInfo): AsyncGenerator<EtlEvent> {
  // Warnings quote names read from the file (TraceLogging event and field names): escaped once
  // here, so that no control character of a crafted trace reaches a terminal
  const given = options.warn;
  const warn = given === undefined ? () => {} : (w: ReadWarning) => given({ message: escapeText(w.message), offset: w.offset });
  const decoders = options.decoders ?? [];
  let clock: EtlClock | null = null;
  const providerNames = new Map<string, string>();
  // the trace's own metadata (EventSource manifests, KernelTraceControl TDH descriptions), tried after the caller's decoders
  const metadata = new TraceMetadata();
  const allDecoders = [...decoders, metadata];
  const threads = new ThreadTable(options.threadsAhead ? await threadsOfFile(source) : undefined);
  const dropIdleSamples = options.dropIdleSamples === true;
  let header: TraceLogfileHeader | null = null;
  let buffers = 0;
  for await (const buffer of readEtlBuffers(source, warn)) {
    buffers = buffer.index + 1;
    if (info) {
      info.buffers++;
      if (buffer.compressed) info.compressedBuffers++;
    }
    const r = buffer.records;
    const end = r.length;
    let at = 0x48;
    while (at < end) {
      let raw: RawRecord | null;
      try {
        raw = readRecordHeader(r, at, end);
      } catch (e) {
        if (!(e instanceof FormatError)) throw e;
        warn({ message: `${bufferPlace(buffer.index, buffer.offset)}, record at buffer offset ${hexOffset(at)}: ${e.detail}; the rest of the buffer is skipped`, offset: buffer.compressed ? buffer.offset : buffer.offset + at });
        break;
      }
      if (raw === null) break;
      const next = at + ((raw.size + 7) & ~7);
      if (raw.kind !== 'message') {
        const event = toEvent(raw, buffer, clock, providerNames, allDecoders, warn, metadata);
        attribute(event, threads);
        threads.observe(event);
        if (event.group === HEADER_GROUP && raw.opcode === 0 && event.fields && clock === null) {
          // the TRACE_LOGFILE_HEADER: now the clock is known (its own time is StartTime)
          const h = headerOf(event);
          if (h) {
            clock = EtlClock.of(h, raw.timeStamp);
            event.timeCreated = formatFiletime(clock.filetime(raw.timeStamp));
            if (info) info.header = h;
            header = h;
          }
        }
        if (!(dropIdleSamples && isIdleSample(event))) yield event;
      } else {
        yield messageEvent(raw, buffer);
      }
      at = next;
    }
  }
  // A file cut at a buffer boundary reads without damage: the logfile header tells (not for a
  // circular log, whose count goes on past the file's buffers)
  if (header && (header.logFileMode & EVENT_TRACE_FILE_MODE_CIRCULAR) === 0 && header.buffersWritten > buffers) {
    warn({ message: `${bufferPlace(buffers, source.size)}: the file ends after ${buffers} buffers; its logfile header says ${header.buffersWritten} were written`, offset: source.size });
  }
}

const EVENT_TRACE_FILE_MODE_CIRCULAR = 0x2;

const HEADERS = new WeakMap<EtlEvent, TraceLogfileHeader>();
function headerOf(e: EtlEvent): TraceLogfileHeader | undefined {
  return HEADERS.get(e);
}

let cachedSecond = -1n;
let cachedPrefix = '';
/**
 * formatFiletime, with the text up to the second kept from the previous call: records come in
 * time order, many a second, and formatting the date is most of the work of a small record.
 */
function timeText(ft: bigint): string {
  if (ft < 0n) return formatFiletime(ft);
  const second = ft / 10000000n;
  if (second !== cachedSecond) {
    const whole = formatFiletime(second * 10000000n);
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.0000000Z$/.test(whole)) return formatFiletime(ft);
    cachedSecond = second;
    cachedPrefix = whole.slice(0, 20);
  }
  return cachedPrefix + (ft - second * 10000000n).toString().padStart(7, '0') + 'Z';
}

function baseEvent(raw: RawRecord, buffer: EtlBuffer, clock: EtlClock | null): EtlEvent {
  return {
    format: 'etl',
    headerKind: raw.kind,
    buffer: buffer.index,
    bufferOffset: raw.at,
    offset: buffer.compressed ? buffer.offset : buffer.offset + raw.at,
    timeStamp: raw.timeStamp,
    timeCreated: clock ? timeText(clock.filetime(raw.timeStamp)) : '',
    provider: '',
    providerGuid: raw.guid ? plainGuid(raw.guid) : '',
    eventId: raw.eventId,
    version: raw.version,
    opcode: raw.opcode,
    task: raw.task,
    level: raw.level,
    channel: raw.channel,
    keywords: raw.keywords,
    eventName: '',
    mofName: null,
    group: raw.group,
    processId: raw.processId,
    threadId: raw.threadId,
    processIdFrom: raw.processId === null || raw.processId === NO_ID ? null : 'header',
    threadIdFrom: raw.threadId === null || raw.threadId === NO_ID ? null : 'header',
    processor: buffer.processor,
    activityId: raw.activityId ? plainGuid(raw.activityId) : null,
    relatedActivityId: null,
    fields: null,
    message: null,
    payload: raw.payload.slice(),
    extended: raw.extended.map((x) => ({ type: x.type, data: x.data.slice() })),
  };
}

function messageEvent(raw: RawRecord, buffer: EtlBuffer): EtlEvent {
  const e = baseEvent(raw, buffer, null);
  e.provider = 'TraceMessage';
  e.eventName = `Message(${raw.messageNumber ?? 0})`;
  e.eventId = raw.messageNumber ?? 0;
  return e;
}

/** The provider and event names a kernel class gives the event: PerfView's, and the MOF's own. */
function nameAsKernel(e: EtlEvent, c: Parameters<typeof namesIn>[0], opcode: number): void {
  const names = namesIn(c, opcode);
  e.provider = names.provider;
  e.eventName = names.perfview;
  e.mofName = names.mof;
}

function toEvent(raw: RawRecord, buffer: EtlBuffer, clock: EtlClock | null, providerNames: Map<string, string>, decoders: readonly EventDecoder[], warn: (w: ReadWarning) => void, metadata: TraceMetadata): EtlEvent {
  const e = baseEvent(raw, buffer, clock);
  const where = () => `${bufferPlace(buffer.index, buffer.offset)}, record at buffer offset ${hexOffset(raw.at)}`;
  const metadataName = raw.group === null ? metadata.observe(raw, e.providerGuid, (message) => warn({ message: `${where()}: ${message}`, offset: buffer.compressed ? buffer.offset : buffer.offset + raw.at })) : null;
  const payloadBase = buffer.compressed ? buffer.offset : buffer.offset + raw.at + (raw.size - raw.payload.length);
  const failed = (err: unknown, what: string) => {
    if (!(err instanceof FormatError)) throw err;
    warn({ message: `${where()}: ${what} ${e.eventName}: ${err.detail}; its payload is kept as hex`, offset: err.offset });
    e.fields = null;
  };
  if (raw.group !== null) {
    // kernel header: the Group names the class
    // Group 3 Type 10 is the image Load of the XP-era Process class; it is the Image class's Load
    const c = kernelClassOfGroup(raw.group === PROCESS_GROUP && raw.opcode === 10 ? IMAGE_GROUP : raw.group);
    e.provider = 'Windows Kernel';
    e.eventId = raw.opcode;
    if (c) {
      nameAsKernel(e, c, raw.opcode);
      e.providerGuid = c.guid;
      e.task = c.group;
    } else {
      e.providerGuid = unknownGroupGuid(raw.group);
      e.eventName = e.mofName = `Group(${raw.group})/Opcode(${raw.opcode})`;
    }
    try {
      if (raw.group === HEADER_GROUP && raw.opcode === 0) {
        const h = readLogfileHeaderPayload(raw.payload, raw.pointerSize, payloadBase);
        e.fields = logfileFields(h);
        HEADERS.set(e, h);
      } else {
        e.fields = decodeKernel(raw.group, raw.opcode, raw.version, new PayloadCursor(raw.payload, raw.pointerSize, payloadBase));
      }
    } catch (err) {
      failed(err, 'kernel event');
    }
    return e;
  }
  const guid = e.providerGuid;
  if (raw.kind === 'event-trace' || raw.kind === 'instance') {
    const k = kernelClassOfGuid(guid);
    if (k) {
      nameAsKernel(e, k, raw.opcode);
      e.eventId = raw.opcode;
      e.group = k.group;
      try {
        e.fields = decodeKernel(k.group, raw.opcode, raw.version, new PayloadCursor(raw.payload, raw.pointerSize, payloadBase));
      } catch (err) {
        failed(err, 'kernel event');
      }
      return e;
    }
    const classic = CLASSIC_CLASSES[guid];
    if (classic) {
      e.provider = classic.provider;
      e.eventName = classicEventName(classic, raw.opcode);
      e.eventId = raw.opcode;
      return e;
    }
  }
  if (raw.kind === 'event') {
    const related = raw.extended.find((x) => x.type === EXT_TYPE.RELATED_ACTIVITYID);
    if (related && related.data.length >= 16) e.relatedActivityId = plainGuid(new PayloadCursor(related.data, 8).guid());
    const traits = raw.extended.find((x) => x.type === EXT_TYPE.PROV_TRAITS);
    if (traits) {
      const name = readProviderTraits(traits.data);
      if (name) providerNames.set(guid, name);
    }
    const schemaItem = raw.extended.find((x) => x.type === EXT_TYPE.EVENT_SCHEMA_TL);
    if (schemaItem) {
      e.provider = providerNames.get(guid) ?? guid;
      try {
        const schema = readTlSchema(schemaItem.data, payloadBase);
        e.eventName = schema.name;
        e.fields = decodeTlPayload(schema, raw.payload, raw.pointerSize, payloadBase);
      } catch (err) {
        if (!e.eventName) e.eventName = `EventID(${raw.eventId})`;
        failed(err, 'TraceLogging event');
      }
      return e;
    }
  }
  for (const d of decoders) {
    let got: ReturnType<EventDecoder['decode']>;
    try {
      got = d.decode(raw, guid);
    } catch (err) {
      e.provider = providerNames.get(guid) ?? guid;
      e.eventName = `EventID(${raw.eventId})`;
      failed(err, 'manifest event');
      return e;
    }
    if (got) {
      e.provider = got.provider;
      e.eventName = got.eventName;
      e.fields = got.fields;
      e.message = got.message;
      return e;
    }
  }
  e.provider = providerNames.get(guid) ?? metadata.providerName(guid) ?? guid;
  e.eventName = metadataName ?? (raw.kind === 'event' ? `EventID(${raw.eventId})` : `Opcode(${raw.opcode})`);
  return e;
}

/** The payload as hex, for events without fields. */
export function payloadHex(e: EtlEvent): string {
  return toHex(e.payload);
}
