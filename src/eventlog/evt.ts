// EVT, the event log file of Windows NT to Server 2003: a 48-byte header, then EVENTLOGRECORDs in
// a circular buffer, closed by an end-of-file record. When the log has wrapped, the oldest record
// is somewhere in the middle and a record may be split across the end of the file, continuing
// right after the header. (MS-EVEN §2.2.3 and libevt's format notes.)
//
// Records are read one at a time through a ByteSource with a 64 KiB window, so memory does not
// grow with the file.

import type { ByteSource, ReadWarning } from './events.js';
import { atFileOffset, readerFormatError } from '../binary/errors.js';
import { decodeAscii, decodeUtf16leText } from '../binary/codec.js';
import { struct } from '../binary/layout.js';
import { ByteReader } from '../binary/reader.js';

export const EVT_SIGNATURE = 'LfLe';
const EVT_SIGNATURE_U32 = 0x654c664c; // "LfLe" read as a little-endian DWORD

// The layouts of MS-EVEN §2.2.3 (winnt.h's EVENTLOGRECORD), for the reader and any writer.
export const ELF_LOGFILE_HEADER = struct('ELF_LOGFILE_HEADER', {
  HeaderSize: 'u32',
  Signature: 4,
  MajorVersion: 'u32',
  MinorVersion: 'u32',
  StartOffset: 'u32',
  EndOffset: 'u32',
  CurrentRecordNumber: 'u32',
  OldestRecordNumber: 'u32',
  MaxSize: 'u32',
  Flags: 'u32',
  Retention: 'u32',
  EndHeaderSize: 'u32',
});
/** The fixed part of a record; source and computer names, strings, SID and data follow it. */
export const EVENTLOGRECORD = struct('EVENTLOGRECORD', {
  Length: 'u32',
  Reserved: 'u32',
  RecordNumber: 'u32',
  TimeGenerated: 'u32',
  TimeWritten: 'u32',
  EventID: 'u32',
  EventType: 'u16',
  NumStrings: 'u16',
  EventCategory: 'u16',
  ReservedFlags: 'u16',
  ClosingRecordNumber: 'u32',
  StringOffset: 'u32',
  UserSidLength: 'u32',
  UserSidOffset: 'u32',
  DataLength: 'u32',
  DataOffset: 'u32',
});
export const ELF_EOF_RECORD = struct('ELF_EOF_RECORD', {
  RecordSizeBeginning: 'u32',
  One: 'u32',
  Two: 'u32',
  Three: 'u32',
  Four: 'u32',
  BeginRecord: 'u32',
  EndRecord: 'u32',
  CurrentRecordNumber: 'u32',
  OldestRecordNumber: 'u32',
  RecordSizeEnd: 'u32',
});

export const EVT_HEADER_SIZE = ELF_LOGFILE_HEADER.size;
const EVT_RECORD_FIXED_SIZE = EVENTLOGRECORD.size;
const EVT_EOF_RECORD_SIZE = ELF_EOF_RECORD.size;
const EOF_MARKER = [0x11111111, 0x22222222, 0x33333333, 0x44444444];
/** Fill written into the unused tail of the file when a record does not fit before the end. */
const EVT_PADDING = 0x00000027;

export const EVT_FLAG_DIRTY = 0x1;
export const EVT_FLAG_WRAPPED = 0x2;

/** A malformed EVT file header or record: a FormatError with format 'EVT'. */
export class EvtFormatError extends readerFormatError('EVT', 'EvtFormatError', atFileOffset) {}

export interface EvtFileHeader {
  majorVersion: number;
  minorVersion: number;
  firstRecordOffset: number;
  endOfFileRecordOffset: number;
  nextRecordNumber: number;
  firstRecordNumber: number;
  maximumSize: number;
  flags: number;
  retention: number;
}

function evtReader(bytes: Uint8Array): ByteReader {
  return new ByteReader(bytes, { format: 'EVT', error: (detail, offset, structure) => new EvtFormatError(detail, offset, structure) });
}

export function readEvtFileHeader(bytes: Uint8Array): EvtFileHeader {
  if (bytes.length < EVT_HEADER_SIZE) throw new EvtFormatError(`file is ${bytes.length} bytes, too short for the 48-byte EVT header`, 0);
  const h = ELF_LOGFILE_HEADER.read(evtReader(bytes), 0);
  if (h.HeaderSize !== EVT_HEADER_SIZE || decodeAscii(h.Signature) !== EVT_SIGNATURE) {
    throw new EvtFormatError('not an EVT file: header size is not 0x30 or signature is not "LfLe"', 0);
  }
  return {
    majorVersion: h.MajorVersion,
    minorVersion: h.MinorVersion,
    firstRecordOffset: h.StartOffset,
    endOfFileRecordOffset: h.EndOffset,
    nextRecordNumber: h.CurrentRecordNumber,
    firstRecordNumber: h.OldestRecordNumber,
    maximumSize: h.MaxSize,
    flags: h.Flags,
    retention: h.Retention,
  };
}

/** EVENTLOGRECORD with its variable parts decoded. */
export interface EvtRecord {
  recordNumber: number;
  /** POSIX seconds. */
  timeGenerated: number;
  timeWritten: number;
  /** Full 32-bit event identifier (for a driver event, the NTSTATUS ErrorCode). */
  eventId: number;
  eventType: number;
  eventCategory: number;
  sourceName: string;
  computerName: string;
  userSid: Uint8Array | null;
  strings: string[];
  data: Uint8Array;
  fileOffset: number;
}

/** A NUL-terminated UTF-16 string at `offset`, not reading past `end`. */
function readCString(bytes: Uint8Array, offset: number, end: number): { text: string; next: number } {
  let p = offset;
  while (p + 1 < end && (bytes[p] !== 0 || bytes[p + 1] !== 0)) p += 2;
  return { text: decodeUtf16leText(bytes.subarray(offset, p)), next: Math.min(p + 2, end) };
}

/** Decodes one complete record (its `size` bytes, already unwrapped). Throws EvtFormatError. */
export function decodeEvtRecord(bytes: Uint8Array, fileOffset: number): EvtRecord {
  const r = new ByteReader(bytes, { format: 'EVT', base: fileOffset, error: (detail, offset, structure) => new EvtFormatError(detail, offset, structure) });
  const size = bytes.length;
  const fail = (what: string): never => {
    throw new EvtFormatError(`record ${EVENTLOGRECORD.get(r, 0, 'RecordNumber')}: ${what}`, fileOffset);
  };
  if (size < EVT_RECORD_FIXED_SIZE + 4) fail(`size ${size} is below the minimum ${EVT_RECORD_FIXED_SIZE + 4}`);
  const h = EVENTLOGRECORD.read(r, 0);
  const { NumStrings: numberOfStrings, StringOffset: stringOffset, UserSidLength: sidSize, UserSidOffset: sidOffset, DataLength: dataSize, DataOffset: dataOffset } = h;
  const body = size - 4;
  if (sidSize > 0 && (sidOffset < EVT_RECORD_FIXED_SIZE || sidOffset + sidSize > body)) fail(`user SID (offset ${sidOffset}, ${sidSize} bytes) lies outside the record`);
  if (dataSize > 0 && (dataOffset < EVT_RECORD_FIXED_SIZE || dataOffset + dataSize > body)) fail(`data (offset ${dataOffset}, ${dataSize} bytes) lies outside the record`);
  if (numberOfStrings > 0 && (stringOffset < EVT_RECORD_FIXED_SIZE || stringOffset > body)) fail(`string offset ${stringOffset} lies outside the record`);
  const source = readCString(bytes, EVT_RECORD_FIXED_SIZE, body);
  const computer = readCString(bytes, source.next, body);
  const strings: string[] = [];
  // Strings end where the data starts (when it follows them) or at the end of the record.
  const stringsEnd = dataSize > 0 && dataOffset >= stringOffset ? dataOffset : body;
  let p = stringOffset;
  for (let i = 0; i < numberOfStrings; i++) {
    if (p >= stringsEnd) fail(`string ${i + 1} of ${numberOfStrings} starts past the end of the string area`);
    const s = readCString(bytes, p, stringsEnd);
    strings.push(s.text);
    p = s.next;
  }
  return {
    recordNumber: h.RecordNumber,
    timeGenerated: h.TimeGenerated,
    timeWritten: h.TimeWritten,
    eventId: h.EventID,
    eventType: h.EventType,
    eventCategory: h.EventCategory,
    sourceName: source.text,
    computerName: computer.text,
    userSid: sidSize > 0 ? bytes.slice(sidOffset, sidOffset + sidSize) : null,
    strings,
    data: bytes.slice(dataOffset, dataOffset + dataSize),
    fileOffset,
  };
}

/** Reads the circular record area [48, file size) through a 64 KiB window. */
class RingReader {
  private window = new Uint8Array(0);
  private windowStart = 0;

  constructor(
    private readonly source: ByteSource,
    readonly end: number,
  ) {}

  /** Position `n` bytes after `pos`, wrapping from the end of the file to just after the header. */
  advance(pos: number, n: number): number {
    const span = this.end - EVT_HEADER_SIZE;
    return EVT_HEADER_SIZE + ((pos - EVT_HEADER_SIZE + n) % span);
  }

  /** `length` bytes from `pos` (a copy), wrapping as needed. */
  async bytes(pos: number, length: number): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      if (pos >= this.end) pos = EVT_HEADER_SIZE;
      if (pos < this.windowStart || pos >= this.windowStart + this.window.length) {
        this.window = (await this.source.read(pos, 65536)).slice();
        this.windowStart = pos;
        if (this.window.length === 0) throw new EvtFormatError('read past the end of the file', pos);
      }
      const from = pos - this.windowStart;
      const n = Math.min(length - done, this.window.length - from);
      out.set(this.window.subarray(from, from + n), done);
      done += n;
      pos += n;
    }
    return out;
  }

  async u32(pos: number): Promise<number> {
    const b = await this.bytes(pos, 4);
    return new DataView(b.buffer).getUint32(0, true);
  }
}

/**
 * Every record from the oldest to the newest, following the chain from the header's first
 * record offset until the end-of-file record. A damaged record ends the walk with a warning,
 * since the next record can only be found through the size of the current one.
 */
export async function* readEvtRecords(source: ByteSource, warn: (w: ReadWarning) => void = () => {}): AsyncGenerator<EvtRecord> {
  const header = readEvtFileHeader(await source.read(0, EVT_HEADER_SIZE));
  const ring = new RingReader(source, source.size);
  if (source.size <= EVT_HEADER_SIZE) return;
  if (header.firstRecordOffset < EVT_HEADER_SIZE || header.firstRecordOffset >= source.size) {
    throw new EvtFormatError(`first record offset 0x${header.firstRecordOffset.toString(16)} is outside the file`, ELF_LOGFILE_HEADER.offset.StartOffset);
  }
  let pos = header.firstRecordOffset;
  let walked = 0;
  const span = source.size - EVT_HEADER_SIZE;
  while (walked < span) {
    // Too little room for a record before the end of the file: the writer wrapped to the start.
    if (pos + 4 > source.size) {
      walked += source.size - pos;
      pos = EVT_HEADER_SIZE;
      continue;
    }
    const size = await ring.u32(pos);
    if (size === EVT_PADDING) {
      walked += source.size - pos;
      pos = EVT_HEADER_SIZE;
      continue;
    }
    if (size === EVT_EOF_RECORD_SIZE) {
      const eof = ELF_EOF_RECORD.read(new ByteReader(await ring.bytes(pos, EVT_EOF_RECORD_SIZE)), 0);
      if ([eof.One, eof.Two, eof.Three, eof.Four].every((v, i) => v === EOF_MARKER[i])) return;
    }
    const signature = await ring.u32(ring.advance(pos, EVENTLOGRECORD.offset.Reserved));
    if (signature !== EVT_SIGNATURE_U32 || size < EVT_RECORD_FIXED_SIZE + 4 || size > span) {
      warn({ message: `record at file offset 0x${pos.toString(16)}: no valid record header (size ${size}); reading stopped`, offset: pos });
      return;
    }
    const bytes = await ring.bytes(pos, size);
    const trailer = new DataView(bytes.buffer).getUint32(size - 4, true);
    if (trailer !== size) {
      warn({ message: `record at file offset 0x${pos.toString(16)}: trailing size ${trailer} differs from size ${size}; reading stopped`, offset: pos });
      return;
    }
    try {
      yield decodeEvtRecord(bytes, pos);
    } catch (err) {
      warn({ message: `${(err as Error).message}; record skipped`, offset: pos });
    }
    walked += size;
    pos = ring.advance(pos, size);
  }
  warn({ message: 'no end-of-file record found after walking the whole file', offset: header.endOfFileRecordOffset });
}
