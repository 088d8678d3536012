import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/binary/errors.js';
import { ELF_EOF_RECORD, ELF_LOGFILE_HEADER, EVENTLOGRECORD, EvtFormatError, decodeEvtRecord } from '../../src/eventlog/evt.js';
import { EVTX_CHUNK_HEADER, EVTX_FILE_HEADER, EVTX_RECORD_HEADER, EvtxFormatError, readEvtxChunkHeader } from '../../src/eventlog/evtx.js';

// The header layouts the readers share, pinned to the sizes and offsets of libevtx/libevt's notes.
describe('event log layouts', () => {
  it('EVTX file, chunk and record headers', () => {
    expect([EVTX_FILE_HEADER.size, EVTX_CHUNK_HEADER.size, EVTX_RECORD_HEADER.size]).toEqual([128, 512, 24]);
    const f = EVTX_FILE_HEADER.offset;
    expect([f.FirstChunkNumber, f.NextRecordIdentifier, f.HeaderSize, f.MajorVersion, f.HeaderBlockSize, f.NumberOfChunks, f.FileFlags, f.Checksum]).toEqual([8, 24, 32, 38, 40, 42, 120, 124]);
    const c = EVTX_CHUNK_HEADER.offset;
    expect([c.LastEventRecordIdentifier, c.HeaderSize, c.FreeSpaceOffset, c.EventRecordsChecksum, c.Flags, c.Checksum, c.CommonStringOffsets, c.TemplatePointers]).toEqual([32, 40, 48, 52, 120, 124, 128, 384]);
    expect([EVTX_RECORD_HEADER.offset.Size, EVTX_RECORD_HEADER.offset.EventRecordIdentifier, EVTX_RECORD_HEADER.offset.WrittenTime]).toEqual([4, 8, 16]);
  });

  it('EVT header, record and end-of-file record', () => {
    expect([ELF_LOGFILE_HEADER.size, EVENTLOGRECORD.size, ELF_EOF_RECORD.size]).toEqual([0x30, 0x38, 0x28]);
    expect([ELF_LOGFILE_HEADER.offset.StartOffset, ELF_LOGFILE_HEADER.offset.Flags, ELF_LOGFILE_HEADER.offset.Retention]).toEqual([16, 36, 40]);
    const r = EVENTLOGRECORD.offset;
    expect([r.RecordNumber, r.EventID, r.EventType, r.NumStrings, r.EventCategory, r.StringOffset, r.UserSidLength, r.DataOffset]).toEqual([8, 20, 24, 26, 28, 36, 40, 52]);
  });

  it('a short header is the reader’s FormatError, naming the structure', () => {
    let caught: unknown;
    try {
      readEvtxChunkHeader(new Uint8Array(100));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(EvtxFormatError);
    expect(caught).toBeInstanceOf(FormatError);
    expect((caught as FormatError).structure).toBe('EVTX chunk header');
    expect(() => decodeEvtRecord(new Uint8Array(8), 0x1000)).toThrow(EvtFormatError);
  });
});
