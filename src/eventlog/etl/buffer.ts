// .etl buffers: the file is a run of buffers, each a WMI_BUFFER_HEADER (0x48 bytes) and records.
//
// Notes (see the shared spec ETL.md §1 and Geoff Chappell's WMI_BUFFER_HEADER study):
// - BufferSize (0x00) is the size of this buffer on disk. Uncompressed files have every buffer at
//   the session's buffer size; a compressed buffer (BufferFlag 0x40, Windows 8+) has its own,
//   unrounded size, so the next buffer is always at offset + BufferSize, never found by multiplying.
// - Offset (0x30, "FilledBytes") is the end of the valid data, header included; for a compressed
//   buffer it is the decompressed size. The bytes after the header decompress with MS-XCA plain
//   LZ77 to FilledBytes - 0x48 bytes of records.
// - ClientContext (0x28): processor number u8, alignment u8, logger id u16; with BufferFlag
//   PROC_INDEX (0x20) the first u16 is the processor index.
// A damaged buffer (sizes that do not fit, a stream that does not decompress) is skipped with a
// warning naming the buffer and its file offset; reading goes on at the next buffer.

import { struct } from '../../binary/layout.js';
import { ByteReader } from '../../binary/reader.js';
import { FormatError } from '../../binary/errors.js';
import { decompressPlainLz77 } from '../../binary/lz77.js';
import { hexOffset } from '../../binary/codec.js';
import type { ByteSource, ReadWarning } from '../events.js';

export const WMI_BUFFER_HEADER = struct('WMI_BUFFER_HEADER', {
  BufferSize: 'u32',
  SavedOffset: 'u32',
  CurrentOffset: 'u32',
  ReferenceCount: 'i32',
  TimeStamp: 'u64',
  SequenceNumber: 'u64',
  ClockTypeFrequency: 'u64',
  ProcessorNumber: 'u8',
  Alignment: 'u8',
  LoggerId: 'u16',
  State: 'u32',
  Offset: 'u32',
  BufferFlag: 'u16',
  BufferType: 'u16',
  ReferenceTime: 16,
});
export const BUFFER_HEADER_SIZE = WMI_BUFFER_HEADER.size; // 0x48

export const BUFFER_FLAG = {
  FLUSH_MARKER: 0x0001,
  EVENTS_LOST: 0x0002,
  BUFFER_LOST: 0x0004,
  RTBACKUP_CORRUPT: 0x0008,
  RTBACKUP: 0x0010,
  PROC_INDEX: 0x0020,
  COMPRESSED: 0x0040,
} as const;

export const BUFFER_TYPE = ['GENERIC', 'RUNDOWN', 'CTX_SWAP', 'REFTIME', 'HEADER', 'BATCHED', 'EMPTY_MARKER', 'DBG_INFO'] as const;

/** The largest buffer accepted (ETW's own maximum is 16 MiB). */
export const MAX_BUFFER_SIZE = 16 * 1024 * 1024;

/** An .etl file problem: a FormatError with format 'ETL'. */
export class EtlFormatError extends FormatError {
  constructor(message: string, offset: number, structure?: string) {
    super('ETL', message, offset, { structure });
    this.name = 'EtlFormatError';
  }
}

export const etlError = (detail: string, offset: number, structure?: string): FormatError => new EtlFormatError(detail, offset, structure);

export interface EtlBuffer {
  /** 0-based position of the buffer in the file. */
  index: number;
  /** File offset of its header. */
  offset: number;
  bufferSize: number;
  filledBytes: number;
  flags: number;
  type: number;
  processor: number;
  loggerId: number;
  timeStamp: bigint;
  sequenceNumber: bigint;
  compressed: boolean;
  /**
   * The records, [0x48, FilledBytes) of the buffer. Reader offsets are buffer offsets (0x48 is the
   * first record); the base is the buffer's file offset, so for an uncompressed buffer errors
   * name file offsets, for a compressed one the buffer's offset plus the decompressed offset.
   */
  records: ByteReader;
}

/** Names a buffer for warnings: `buffer 12 (file offset 0xc0000)`. */
export function bufferPlace(index: number, offset: number): string {
  return `buffer ${index} (file offset ${hexOffset(offset)})`;
}

/**
 * Every buffer of the file, one in memory at a time (the ByteSource reuses its read buffer; a
 * buffer's records must be consumed before the next one is asked for).
 */
export async function* readEtlBuffers(source: ByteSource, warn: (w: ReadWarning) => void = () => {}): AsyncGenerator<EtlBuffer> {
  let offset = 0;
  let index = 0;
  /** The first buffer's size: the session's, where to look next after a damaged header. */
  let sessionSize = 0;
  while (offset + BUFFER_HEADER_SIZE <= source.size) {
    const head = new ByteReader(await source.read(offset, BUFFER_HEADER_SIZE), { format: 'ETL', base: offset, error: etlError });
    const h = WMI_BUFFER_HEADER.read(head, 0);
    const place = bufferPlace(index, offset);
    const compressed = (h.BufferFlag & BUFFER_FLAG.COMPRESSED) !== 0;
    const sizeOk = h.BufferSize >= BUFFER_HEADER_SIZE && h.BufferSize <= MAX_BUFFER_SIZE;
    if (!sizeOk) {
      const next = nextAfterDamage(offset, sessionSize);
      warn({ message: `${place}: BufferSize ${h.BufferSize} is not a buffer size; ${next === null ? 'reading stops' : 'buffer skipped'}`, offset });
      if (next === null) return;
      offset = next;
      index++;
      continue;
    }
    if (index === 0) sessionSize = h.BufferSize;
    const end = offset + h.BufferSize;
    const filledOk = h.Offset >= BUFFER_HEADER_SIZE && h.Offset <= MAX_BUFFER_SIZE && (compressed || h.Offset <= h.BufferSize);
    if (end > source.size) {
      warn({ message: `${place}: the file ends ${end - source.size} bytes into the ${h.BufferSize}-byte buffer; its records up to the end are read`, offset });
    }
    if (!filledOk) {
      warn({ message: `${place}: FilledBytes ${h.Offset} does not fit the ${h.BufferSize}-byte buffer; buffer skipped`, offset: offset + WMI_BUFFER_HEADER.offset.Offset });
      offset = end;
      index++;
      continue;
    }
    const raw = await source.read(offset, Math.min(h.BufferSize, source.size - offset));
    let data: Uint8Array;
    if (compressed) {
      try {
        const body = decompressPlainLz77(raw.subarray(BUFFER_HEADER_SIZE), h.Offset - BUFFER_HEADER_SIZE, offset + BUFFER_HEADER_SIZE, 'ETL');
        if (body.length !== h.Offset - BUFFER_HEADER_SIZE) {
          warn({ message: `${place}: compressed data gives ${body.length} bytes, FilledBytes says ${h.Offset - BUFFER_HEADER_SIZE}; the records decompressed are read`, offset });
        }
        data = new Uint8Array(BUFFER_HEADER_SIZE + body.length);
        data.set(raw.subarray(0, BUFFER_HEADER_SIZE));
        data.set(body, BUFFER_HEADER_SIZE);
      } catch (e) {
        if (!(e instanceof FormatError)) throw e;
        warn({ message: `${place}: ${e.message}; buffer skipped`, offset });
        offset = end;
        index++;
        continue;
      }
    } else {
      data = raw.subarray(0, Math.min(raw.length, h.Offset));
    }
    const processor = (h.BufferFlag & BUFFER_FLAG.PROC_INDEX) !== 0 ? h.ProcessorNumber | (h.Alignment << 8) : h.ProcessorNumber;
    yield {
      index,
      offset,
      bufferSize: h.BufferSize,
      filledBytes: h.Offset,
      flags: h.BufferFlag,
      type: h.BufferType,
      processor,
      loggerId: h.LoggerId,
      timeStamp: h.TimeStamp,
      sequenceNumber: h.SequenceNumber,
      compressed,
      records: new ByteReader(data, { format: 'ETL', base: offset, error: etlError }),
    };
    offset = end;
    index++;
  }
  if (offset < source.size && source.size - offset > 0) {
    warn({ message: `${bufferPlace(index, offset)}: ${source.size - offset} bytes at the end are too short for a buffer header; ignored`, offset });
  }
}

/** Where to try after a buffer whose size is unusable: the next session-size boundary, if known. */
function nextAfterDamage(offset: number, sessionSize: number): number | null {
  if (sessionSize < BUFFER_HEADER_SIZE) return null;
  return (Math.floor(offset / sessionSize) + 1) * sessionSize;
}
