// A small classic event log (.evt) built from records, for tests that need a log without the corpus.
import { ELF_EOF_RECORD, ELF_LOGFILE_HEADER, EVENTLOGRECORD } from '../../src/eventlog/evt.js';

export interface EvtRecordSpec {
  source: string;
  eventId: number;
  /** EVENTLOG_*_TYPE: 1 error, 2 warning, 4 information. */
  eventType: number;
  /** Seconds since 1970 (UTC). */
  time: number;
  strings?: string[];
  data?: Uint8Array;
  computer?: string;
  category?: number;
}

const utf16z = (s: string) => Buffer.from(`${s}\0`, 'utf16le');
const pad4 = (n: number) => (n + 3) & ~3;

function record(spec: EvtRecordSpec, recordNumber: number): Uint8Array {
  const names = Buffer.concat([utf16z(spec.source), utf16z(spec.computer ?? 'HOST')]);
  const stringsAt = pad4(EVENTLOGRECORD.size + names.length);
  const strings = Buffer.concat((spec.strings ?? []).map(utf16z));
  const dataAt = stringsAt + strings.length;
  const data = spec.data ?? new Uint8Array(0);
  const length = pad4(dataAt + data.length) + 4;
  const bytes = new Uint8Array(length);
  EVENTLOGRECORD.write(bytes, 0, {
    Length: length,
    Reserved: 0x654c664c,
    RecordNumber: recordNumber,
    TimeGenerated: spec.time,
    TimeWritten: spec.time,
    EventID: spec.eventId,
    EventType: spec.eventType,
    NumStrings: spec.strings?.length ?? 0,
    EventCategory: spec.category ?? 0,
    StringOffset: stringsAt,
    UserSidOffset: stringsAt,
    DataLength: data.length,
    DataOffset: dataAt,
  });
  bytes.set(names, EVENTLOGRECORD.size);
  bytes.set(strings, stringsAt);
  bytes.set(data, dataAt);
  new DataView(bytes.buffer).setUint32(length - 4, length, true);
  return bytes;
}

/** An .evt file holding these records, numbered from 1, not wrapped. */
export function evtFile(specs: readonly EvtRecordSpec[]): Uint8Array {
  const records = specs.map((s, i) => record(s, i + 1));
  const start = ELF_LOGFILE_HEADER.size;
  const eofAt = start + records.reduce((n, r) => n + r.length, 0);
  const size = eofAt + ELF_EOF_RECORD.size;
  const bytes = new Uint8Array(size);
  const header = {
    HeaderSize: ELF_LOGFILE_HEADER.size,
    Signature: new TextEncoder().encode('LfLe'),
    MajorVersion: 1,
    MinorVersion: 1,
    StartOffset: start,
    EndOffset: eofAt,
    CurrentRecordNumber: specs.length + 1,
    OldestRecordNumber: 1,
    MaxSize: size,
    Flags: 0,
    Retention: 0,
    EndHeaderSize: ELF_LOGFILE_HEADER.size,
  };
  ELF_LOGFILE_HEADER.write(bytes, 0, header);
  let at = start;
  for (const r of records) {
    bytes.set(r, at);
    at += r.length;
  }
  ELF_EOF_RECORD.write(bytes, eofAt, {
    RecordSizeBeginning: ELF_EOF_RECORD.size,
    One: 0x11111111,
    Two: 0x22222222,
    Three: 0x33333333,
    Four: 0x44444444,
    BeginRecord: start,
    EndRecord: eofAt,
    CurrentRecordNumber: specs.length + 1,
    OldestRecordNumber: 1,
    RecordSizeEnd: ELF_EOF_RECORD.size,
  });
  return bytes;
}
