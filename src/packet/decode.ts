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
import { align4, toHex } from '../binary/codec.js';

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
 * The one test for "this binary event data is an I/O error packet", Event Viewer's (PACKET-REGISTRY.md
 * §1.6): at least the 40-byte header, a length of exactly 40 + DumpDataSize, and, when the event's
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
    if (Number.isNaN(v)) throw new PacketFormatError('hex', base + i, `'${c}' is not a hex digit`);
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

const TAG = /<(\/?)([A-Za-z_][\w.:-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g;

let lineTable: { text: string; starts: number[] } | undefined;

/** 1-based line of a character offset; the table of line starts is built once per text. */
function lineAt(text: string, index: number): number {
  if (lineTable?.text !== text) {
    const starts = [0];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    lineTable = { text, starts };
  }
  const starts = lineTable.starts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= index) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

function decodeEntities(text: string, where: number, source: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      if (code > 0x10ffff) throw new PacketFormatError('XML', where, `line ${lineAt(source, where)}: character reference ${whole} is out of range`);
      return String.fromCodePoint(code);
    }
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    const value = named[name];
    if (value === undefined) throw new PacketFormatError('XML', where, `line ${lineAt(source, where)}: unknown entity ${whole}`);
    return value;
  });
}

function attribute(attrs: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*("([^"]*)"|'([^']*)')`).exec(attrs);
  return m ? (m[2] ?? m[3]) : undefined;
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

function parseUnsigned(text: string, field: string, at: number, source: string, max: number): number {
  const t = text.trim();
  const value = /^0x[0-9a-f]+$/i.test(t) ? parseInt(t, 16) : /^[0-9]+$/.test(t) ? parseInt(t, 10) : NaN;
  if (!Number.isSafeInteger(value) || value > max) {
    throw new PacketFormatError(field, at, `line ${lineAt(source, at)}: '${t}' is not a number from 0 to ${max}`);
  }
  return value;
}

/**
 * Reads the classic-event parts of every <Event> in an XML export. Only what a driver event
 * needs is read: Provider Name, EventID and Qualifiers, EventRecordID, the <Data> items and <Binary>.
 */
export function parseEventXml(text: string): EventXmlRecord[] {
  const records: EventXmlRecord[] = [];
  let current: EventXmlRecord | undefined;
  let open: { name: string; contentStart: number; attrs: string; at: number } | undefined;
  // Comments, CDATA and processing instructions carry no event fields; blank them out so their
  // content cannot look like tags, keeping every offset in place for line numbers.
  const source = text.replace(/<!--[\s\S]*?-->|<\?[\s\S]*?\?>/g, (m) => m.replace(/[^\n]/g, ' '));
  TAG.lastIndex = 0;
  for (let m = TAG.exec(source); m; m = TAG.exec(source)) {
    const [whole, slash, rawName, attrs, selfClosing] = m as unknown as [string, string, string, string, string];
    const name = localName(rawName);
    const at = m.index;
    if (slash) {
      if (name === 'Event') {
        if (current) records.push(current);
        current = undefined;
      } else if (current && open && open.name === name) {
        const content = decodeEntities(source.slice(open.contentStart, at), open.contentStart, source);
        applyElement(current, name, open.attrs, content, open.contentStart, source);
      }
      open = undefined;
      continue;
    }
    if (name === 'Event') {
      if (current) throw new PacketFormatError('XML', at, `line ${lineAt(source, at)}: <Event> inside another <Event>`);
      current = { line: lineAt(source, at), strings: [] };
      if (selfClosing) {
        records.push(current);
        current = undefined;
      }
      continue;
    }
    if (!current) continue;
    if (name === 'Provider') current.provider = attribute(attrs, 'Name') ?? attribute(attrs, 'EventSourceName');
    if (selfClosing) {
      applyElement(current, name, attrs, '', at + whole.length, source);
      open = undefined;
    } else {
      open = { name, contentStart: at + whole.length, attrs, at };
    }
  }
  if (current) throw new PacketFormatError('XML', source.length, `line ${current.line}: <Event> is not closed before the end of the text`);
  return records;
}

function applyElement(record: EventXmlRecord, name: string, attrs: string, content: string, at: number, source: string): void {
  switch (name) {
    case 'EventID': {
      record.eventId = parseUnsigned(content, 'EventID', at, source, 0xffff);
      const q = attribute(attrs, 'Qualifiers');
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
