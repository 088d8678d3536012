// IO_ERROR_LOG_PACKET reader (the writer is packet.ts). Two shapes (PACKET-REGISTRY.md §1.4, §1.6):
//   - the driver packet: header, DumpData, NumberOfStrings UTF-16LE strings at StringOffset;
//   - the event-log form: the first 40 bytes plus DumpData, exactly 40 + DumpDataSize bytes,
//     with the strings kept apart in the record's string array.
// Both come as bytes, as a hex string, or inside the <Binary> element of an event's XML export.
// Every count and offset is checked before it is used; a malformed packet raises
// PacketFormatError naming the field and its byte offset.

import { type Arch, type IoErrorLogPacket, PACKET_HEADER, PACKET_HEADER_SIZE, PACKET_STRUCT_SIZE, PacketOffset, archLimits } from './packet.js';
import { ByteReader } from '../binary/reader.js';
import { FormatError } from '../binary/errors.js';
import { align4, escapeText, toHex } from '../binary/codec.js';
import { XML_LIMITS, XmlSyntaxError, attr, parseXml, textContent, type XmlElement, type XmlLimits } from '../manifest/xml.js';

/** A malformed packet: a FormatError with format 'IO_ERROR_LOG_PACKET' whose structure is the field. */
export class PacketFormatError extends FormatError {
  constructor(
    /** Field name as in wdm.h (DumpDataSize, StringOffset, Strings[1]...), or the input element. */
    readonly field: string,
    /** Byte offset in the packet (or character offset in hex/XML text) the problem was found at. */
    offset: number,
    detail: string,
  ) {
    super('IO_ERROR_LOG_PACKET', detail, offset, { structure: field, text: `${field} (at offset 0x${offset.toString(16)}): ${detail}` });
    this.name = 'PacketFormatError';
  }
}

function readHeader(bytes: Uint8Array, shape: string): { view: DataView; packet: IoErrorLogPacket } {
  if (bytes.length < PACKET_HEADER_SIZE) {
    throw new PacketFormatError('header', bytes.length, `${shape} is ${bytes.length} bytes, shorter than the ${PACKET_HEADER_SIZE}-byte header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { padding: _padding, ...header } = PACKET_HEADER.read(new ByteReader(bytes, { format: 'IO_ERROR_LOG_PACKET' }), 0);
  const packet: IoErrorLogPacket = { ...header, dumpData: [], strings: [] };
  if (packet.dumpDataSize % 4 !== 0) {
    throw new PacketFormatError('DumpDataSize', PacketOffset.dumpDataSize, `${packet.dumpDataSize} is not a multiple of 4 (DumpData is an array of ULONG)`);
  }
  const dumpEnd = PACKET_HEADER_SIZE + packet.dumpDataSize;
  if (dumpEnd > bytes.length) {
    throw new PacketFormatError(
      'DumpDataSize',
      PacketOffset.dumpDataSize,
      `${packet.dumpDataSize} bytes of DumpData would end at ${dumpEnd}, past the ${bytes.length}-byte ${shape}`,
    );
  }
  for (let at = PACKET_HEADER_SIZE; at < dumpEnd; at += 4) packet.dumpData.push(view.getUint32(at, true));
  return { view, packet };
}

/**
 * The event-log form (§1.6): exactly 40 + DumpDataSize bytes. The strings are not in it; the
 * result has `strings: []` and the recorded NumberOfStrings (which counts the device name).
 */
export function decodeEventLogData(data: Uint8Array): IoErrorLogPacket {
  const { packet } = readHeader(data, 'event data');
  const expected = PACKET_HEADER_SIZE + packet.dumpDataSize;
  if (data.length !== expected) {
    throw new PacketFormatError(
      'DumpDataSize',
      PacketOffset.dumpDataSize,
      `event data is ${data.length} bytes but 40 + DumpDataSize is ${expected}; this is not an I/O error packet`,
    );
  }
  return packet;
}

/** The full 32-bit message id of a classic event (NTSTATUS for a driver event): Qualifiers << 16 | EventID. */
export function messageIdOf(event: { eventId: number; qualifiers?: number | null }): number {
  return (((event.qualifiers ?? 0) << 16) | event.eventId) >>> 0;
}

/**
 * The one test for "this binary event data is an I/O error packet", Event Viewer's (docs/events.md,
 * "Driver events"): at least the 40-byte header, a length of exactly 40 + DumpDataSize, and, when the event's
 * full message id (messageIdOf) is known, an ErrorCode equal to it. DumpDataSize need not be a
 * multiple of 4: a few drivers log one that is not (TermDD 50 on XP logs 11 bytes) and the event is
 * still a packet; decodeEventLogPacket reads those. `packet decode`, `events` and decodeEventXml
 * all classify binary data with this function.
 */
export function isEventLogPacket(data: Uint8Array, messageId?: number): boolean {
  if (data.length < PACKET_HEADER_SIZE) return false;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (view.getUint16(PacketOffset.dumpDataSize, true) + PACKET_HEADER_SIZE !== data.length) return false;
  return messageId === undefined || view.getUint32(PacketOffset.errorCode, true) === messageId >>> 0;
}

/**
 * The event-log form as isEventLogPacket accepts it: like decodeEventLogData, but a DumpDataSize
 * that is not a multiple of 4 is read with the last DumpData word zero-padded, and `dumpDataSize`
 * keeps the recorded value.
 */
export function decodeEventLogPacket(data: Uint8Array): IoErrorLogPacket {
  const recordedSize = data.length - PACKET_HEADER_SIZE;
  const paddedSize = align4(recordedSize);
  if (recordedSize < 0 || paddedSize === recordedSize) return decodeEventLogData(data);
  const padded = new Uint8Array(PACKET_HEADER_SIZE + paddedSize);
  padded.set(data);
  new DataView(padded.buffer).setUint16(PacketOffset.dumpDataSize, paddedSize, true);
  return { ...decodeEventLogData(padded), dumpDataSize: recordedSize };
}

export interface DriverPacketOptions {
  /** Refuse a packet larger than this architecture's ERROR_LOG_MAXIMUM_SIZE. */
  arch?: Arch;
  /** Accept a last string that runs to the end of the buffer without its NUL (§1.9). Default false. */
  allowUnterminatedLastString?: boolean;
}

/**
 * The whole packet as a driver built it. The buffer must hold at least sizeof(IO_ERROR_LOG_PACKET)
 * (the smallest entry the I/O manager allocates), DumpData, and NumberOfStrings NUL-terminated
 * UTF-16LE strings starting at an even StringOffset past DumpData.
 */
export function decodeDriverPacket(bytes: Uint8Array, options: DriverPacketOptions = {}): IoErrorLogPacket {
  const { view, packet } = readHeader(bytes, 'packet');
  if (bytes.length < PACKET_STRUCT_SIZE) {
    throw new PacketFormatError('EntrySize', bytes.length, `packet is ${bytes.length} bytes, shorter than sizeof(IO_ERROR_LOG_PACKET) = ${PACKET_STRUCT_SIZE}`);
  }
  if (options.arch) {
    const limit = archLimits(options.arch).errorLogMaximumSize;
    if (bytes.length > limit) {
      throw new PacketFormatError('EntrySize', limit, `packet is ${bytes.length} bytes, more than ERROR_LOG_MAXIMUM_SIZE ${limit} on ${options.arch}`);
    }
  }
  // StringOffset is checked even without strings: builders set it to the end of the entry then.
  const dumpEnd = PACKET_HEADER_SIZE + packet.dumpDataSize;
  const start = packet.stringOffset;
  if (start === 0 && packet.numberOfStrings === 0) return packet;
  if (start < dumpEnd) {
    throw new PacketFormatError('StringOffset', PacketOffset.stringOffset, `${start} points into the header or DumpData, which end at ${dumpEnd}`);
  }
  if (start % 2 !== 0) throw new PacketFormatError('StringOffset', PacketOffset.stringOffset, `${start} is odd; strings are WCHAR aligned`);
  if (start > bytes.length || (packet.numberOfStrings > 0 && start === bytes.length)) {
    throw new PacketFormatError('StringOffset', PacketOffset.stringOffset, `${start} is past the end of the ${bytes.length}-byte packet`);
  }

  let at = start;
  for (let i = 0; i < packet.numberOfStrings; i++) {
    const field = `Strings[${i}]`;
    if (at + 2 > bytes.length) {
      throw new PacketFormatError(field, at, `NumberOfStrings is ${packet.numberOfStrings} but the packet ends after ${i} string(s)`);
    }
    let text = '';
    for (;;) {
      if (at + 2 > bytes.length) {
        const last = i === packet.numberOfStrings - 1;
        if (last && options.allowUnterminatedLastString) break;
        throw new PacketFormatError(field, at, `string starting at ${at - text.length * 2} has no terminating NUL before the end of the packet`);
      }
      const unit = view.getUint16(at, true);
      at += 2;
      if (unit === 0) break;
      text += String.fromCharCode(unit);
    }
    packet.strings.push(text);
  }
  return packet;
}

/**
 * Hex text to bytes. Accepts upper or lower case, whitespace and line breaks anywhere, and an
 * optional leading 0x; anything else, or an odd number of digits, is an error at its position.
 */
export function parseHex(text: string): Uint8Array {
  let body = text.trim();
  let base = text.indexOf(body);
  if (/^0x/i.test(body)) {
    body = body.slice(2);
    base += 2;
  }
  const digits: number[] = [];
  const positions: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') continue;
    const v = parseInt(c, 16);
    if (Number.isNaN(v)) throw new PacketFormatError('hex', base + i, `'${escapeText(c)}' is not a hex digit`);
    digits.push(v);
    positions.push(base + i);
  }
  if (digits.length % 2 !== 0) {
    throw new PacketFormatError('hex', positions[positions.length - 1] ?? 0, `odd number of hex digits (${digits.length}): the last byte is incomplete`);
  }
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = (digits[2 * i]! << 4) | digits[2 * i + 1]!;
  return out;
}

/** Two lower-case hex digits a byte (the shared codec's). */
export { toHex };

/** One <Event> of an XML export (Event Viewer "Save as XML", wevtutil qe /f:xml, evtxexport -f xml). */
export interface EventXmlRecord {
  /** 1-based line of the <Event> start tag. */
  line: number;
  provider?: string;
  eventId?: number;
  qualifiers?: number;
  recordId?: number;
  /** The <Data> items in order; an empty <Data/> is "". For driver events [0] is the device name. */
  strings: string[];
  binary?: Uint8Array;
}

let lineTable: { text: string; starts: number[] } | undefined;

/** 1-based line of a character offset; the table of line starts is built once per text. */
function lineAt(text: string, index: number): number {
  return lineStarts(text).findLast(index) + 1;
}

function lineStarts(text: string): { starts: number[]; findLast(index: number): number } {
  if (lineTable?.text !== text) {
    const starts = [0];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    lineTable = { text, starts };
  }
  const starts = lineTable.starts;
  return {
    starts,
    findLast(index: number): number {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= index) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    },
  };
}

/** The character offset of a 1-based line and column, given the text's line starts. */
function offsetOf(starts: readonly number[], length: number, line: number, column: number): number {
  return Math.min(length, (starts[Math.max(0, Math.min(line, starts.length) - 1)] ?? 0) + Math.max(0, column - 1));
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

function parseUnsigned(text: string, field: string, at: number, source: string, max: number): number {
  const t = text.trim();
  const value = /^0x[0-9a-f]+$/i.test(t) ? parseInt(t, 16) : /^[0-9]+$/.test(t) ? parseInt(t, 10) : NaN;
  if (!Number.isSafeInteger(value) || value > max) {
    throw new PacketFormatError(field, at, `line ${lineAt(source, at)}: '${escapeText(t.length > 40 ? t.slice(0, 40) + '...' : t)}' is not a number from 0 to ${max}`);
  }
  return value;
}

/** The wrapper element that lets an export of several <Event>s without a root be one document. */
const WRAPPER = '<winmc-events>';
const WRAPPER_END = '</winmc-events>';
/** XML export limits: deeper than any event, values up to the largest event data in hex. */
const EVENT_XML_LIMITS: XmlLimits = { ...XML_LIMITS, depth: 64, valueLength: 4 << 20 };

/** The offset after the start tag that begins at `lt` (quotes skipped), for content positions. */
function afterStartTag(text: string, lt: number): number {
  let quote = '';
  for (let i = lt + 1; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return i + 1;
  }
  return text.length;
}

/**
 * Reads the classic-event parts of every <Event> in an XML export. Only what a driver event
 * needs is read: Provider Name, EventID and Qualifiers, EventRecordID, the <Data> items and <Binary>.
 * The text is parsed by the manifest compiler's XML parser (saxes: linear time, no DTD); an
 * export of several <Event>s without a root element is read as well.
 */
export function parseEventXml(text: string): EventXmlRecord[] {
  // The XML declaration, if any, is replaced by the wrapper padded to its length, so offsets,
  // lines and columns stay those of `text`; without one the wrapper goes in front (line 1 shifts).
  const declaration = /^\uFEFF?<\?xml[^>]*\?>/.exec(text);
  let shift = 0;
  let wrapped: string;
  if (declaration && declaration[0].length >= WRAPPER.length) {
    wrapped = WRAPPER + ' '.repeat(declaration[0].length - WRAPPER.length) + text.slice(declaration[0].length) + WRAPPER_END;
  } else {
    shift = WRAPPER.length;
    wrapped = WRAPPER + text + WRAPPER_END;
  }
  /** Offset in `text` of a line and column of the wrapped text. */
  // Line starts of the wrapped text: those of `text`, moved by the shift after the first line.
  const starts = lineStarts(text).starts.map((o, i) => (i === 0 ? 0 : o + shift));
  const at = (line: number, column: number): number => Math.max(0, offsetOf(starts, wrapped.length, line, column) - shift);
  let root: XmlElement;
  try {
    root = parseXml(wrapped, EVENT_XML_LIMITS);
  } catch (err) {
    if (!(err instanceof XmlSyntaxError)) throw err;
    throw eventXmlSyntaxError(text, err, at(err.line, err.column));
  }
  const records: EventXmlRecord[] = [];
  const visit = (el: XmlElement, inEvent: boolean): void => {
    for (const child of el.children) {
      if (child.kind !== 'element') continue;
      if (child.local === 'Event') {
        const start = at(child.line, child.column);
        if (inEvent) throw new PacketFormatError('XML', start, `line ${lineAt(text, start)}: <Event> inside another <Event>`);
        const record: EventXmlRecord = { line: lineAt(text, start), strings: [] };
        readEvent(record, child);
        records.push(record);
        visit(child, true);
      } else {
        visit(child, inEvent);
      }
    }
  };
  const readEvent = (record: EventXmlRecord, el: XmlElement): void => {
    for (const child of el.children) {
      if (child.kind !== 'element' || child.local === 'Event') continue;
      const name = child.local;
      if (name === 'Provider') {
        const provider = attr(child, 'Name') ?? attr(child, 'EventSourceName');
        record.provider = provider?.value;
      }
      if (name === 'EventID' || name === 'EventRecordID' || name === 'Data' || name === 'Binary') {
        const contentStart = afterStartTag(text, at(child.line, child.column));
        applyElement(record, name, child, textContent(child), contentStart, text);
      }
      readEvent(record, child);
    }
  };
  visit(root, false);
  return records;
}

/** An XML syntax error of an export as a PacketFormatError with its line, in the export's words. */
function eventXmlSyntaxError(text: string, err: XmlSyntaxError, offset: number): PacketFormatError {
  const line = lineAt(text, offset);
  if (err.message.startsWith('undefined entity')) {
    const amp = text.lastIndexOf('&', offset);
    const semi = amp < 0 ? -1 : text.indexOf(';', amp);
    const ref = amp >= 0 && semi > amp && semi - amp < 40 ? text.slice(amp, semi + 1) : 'reference';
    return new PacketFormatError('XML', amp >= 0 ? amp : offset, `line ${lineAt(text, amp >= 0 ? amp : offset)}: unknown entity ${escapeText(ref)}`);
  }
  if (/^unclosed tag: (?:[^:]*:)?Event$/.test(err.message) || (err.message.startsWith('unexpected close tag') && offset >= text.length)) {
    // The <Event> left open is the last one started.
    let last = -1;
    for (const m of text.matchAll(/<(?:[\w.-]+:)?Event[\s/>]/g)) last = m.index;
    if (last >= 0) return new PacketFormatError('XML', text.length, `line ${lineAt(text, last)}: <Event> is not closed before the end of the text`);
  }
  return new PacketFormatError('XML', offset, `line ${line}: ${escapeText(err.message.replace(/\.$/, ''))}`);
}

function applyElement(record: EventXmlRecord, name: string, element: XmlElement, content: string, at: number, source: string): void {
  switch (name) {
    case 'EventID': {
      record.eventId = parseUnsigned(content, 'EventID', at, source, 0xffff);
      const q = attr(element, 'Qualifiers')?.value;
      if (q !== undefined && q !== '') record.qualifiers = parseUnsigned(q, 'Qualifiers', at, source, 0xffff);
      break;
    }
    case 'EventRecordID':
      record.recordId = parseUnsigned(content, 'EventRecordID', at, source, Number.MAX_SAFE_INTEGER);
      break;
    case 'Data':
      record.strings.push(content);
      break;
    case 'Binary':
      try {
        record.binary = parseHex(content);
      } catch (err) {
        if (!(err instanceof PacketFormatError)) throw err;
        throw new PacketFormatError('Binary', at + err.offset, `line ${lineAt(source, at + err.offset)}: ${err.message}`);
      }
      break;
  }
}

export interface DecodedEvent {
  record: EventXmlRecord;
  packet: IoErrorLogPacket;
  /** %1 as Event Viewer formats it: the device object name (may be empty). */
  deviceName: string;
  /** The driver's own strings, %2 onwards. */
  driverStrings: string[];
}

/**
 * Decodes the I/O error packets of an XML export: every <Event> whose <Binary> passes the
 * detector of §1.6 (isEventLogPacket: length 40 + DumpDataSize, ErrorCode equal to the event's
 * full ID). Events without binary data, or with binary data of another shape, are left out.
 */
export function decodeEventXml(text: string): DecodedEvent[] {
  const out: DecodedEvent[] = [];
  for (const record of parseEventXml(text)) {
    if (!record.binary) continue;
    const eventId = record.eventId;
    if (!isEventLogPacket(record.binary, eventId === undefined ? undefined : messageIdOf({ eventId, qualifiers: record.qualifiers }))) continue;
    const packet = decodeEventLogPacket(record.binary);
    out.push({ record, packet, deviceName: record.strings[0] ?? '', driverStrings: record.strings.slice(1) });
  }
  return out;
}
