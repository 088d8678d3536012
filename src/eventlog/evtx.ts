// EVTX, the Windows XML Event Log file (Vista and later): a 4 KiB file header followed by 64 KiB
// chunks, each holding event records whose payload is binary XML (see binxml.ts).
//
// Reading goes chunk by chunk through a ByteSource, so a log of any size is read with one chunk
// in memory. Damage is reported through a warning callback that names the chunk and record, and
// reading carries on with the next record or chunk; only an unreadable file header is an error.

import { crc32 } from 'node:zlib';
import { BinXmlError, ChunkContext, readBinXml, type XmlNode } from './binxml/reader.js';
import type { ByteSource, ReadWarning } from './events.js';
import { FormatError, atFileOffset, readerFormatError } from '../binary/errors.js';
import { decodeAscii, hexDigits } from '../binary/codec.js';
import { struct } from '../binary/layout.js';
import { ByteReader } from '../binary/reader.js';

export const EVTX_FILE_SIGNATURE = 'ElfFile\0';
export const EVTX_CHUNK_SIGNATURE = 'ElfChnk\0';

// The layouts (libevtx's names) the readers and writeEvtxFileHeader share.
/** The file header: 128 bytes at the start of a 4 KiB block (the rest is zero). */
export const EVTX_FILE_HEADER = struct('EVTX file header', {
  Signature: 8,
  FirstChunkNumber: 'u64',
  LastChunkNumber: 'u64',
  NextRecordIdentifier: 'u64',
  HeaderSize: 'u32',
  MinorVersion: 'u16',
  MajorVersion: 'u16',
  HeaderBlockSize: 'u16',
  NumberOfChunks: 'u16',
  Unknown: 76,
  FileFlags: 'u32',
  /** CRC32 of the bytes before FileFlags. */
  Checksum: 'u32',
});
/** The chunk header: 512 bytes, then the records. */
export const EVTX_CHUNK_HEADER = struct('EVTX chunk header', {
  Signature: 8,
  FirstEventRecordNumber: 'u64',
  LastEventRecordNumber: 'u64',
  FirstEventRecordIdentifier: 'u64',
  LastEventRecordIdentifier: 'u64',
  HeaderSize: 'u32',
  LastEventRecordOffset: 'u32',
  FreeSpaceOffset: 'u32',
  /** CRC32 of the records, [512, FreeSpaceOffset). */
  EventRecordsChecksum: 'u32',
  Unknown: 64,
  Flags: 'u32',
  /** CRC32 of the header without Flags and Checksum: bytes [0, 120) and [128, 512). */
  Checksum: 'u32',
  CommonStringOffsets: 64 * 4,
  TemplatePointers: 32 * 4,
});
/** The record header; the BinXML event follows it and a copy of Size ends the record. */
export const EVTX_RECORD_HEADER = struct('EVTX record header', {
  Signature: 'u32',
  Size: 'u32',
  EventRecordIdentifier: 'u64',
  WrittenTime: 'u64',
});

export const EVTX_FILE_HEADER_SIZE = EVTX_FILE_HEADER.size;
export const EVTX_FILE_HEADER_BLOCK_SIZE = 4096;
export const EVTX_CHUNK_SIZE = 65536;
export const EVTX_CHUNK_HEADER_SIZE = EVTX_CHUNK_HEADER.size;
const RECORD_SIGNATURE = 0x00002a2a;
const RECORD_HEADER_SIZE = EVTX_RECORD_HEADER.size;
const RECORD_SIZE_AT = EVTX_RECORD_HEADER.offset.Size;
const RECORD_ID_AT = EVTX_RECORD_HEADER.offset.EventRecordIdentifier;
const RECORD_WRITTEN_AT = EVTX_RECORD_HEADER.offset.WrittenTime;
/** The file header's checksum covers the bytes before FileFlags. */
const FILE_CHECKSUMMED = EVTX_FILE_HEADER.offset.FileFlags;

export const EVTX_FLAG_DIRTY = 0x1;
export const EVTX_FLAG_FULL = 0x2;
/**
 * Set in the file header's and a chunk header's flags when the writer stored no CRC32s (their
 * fields are 0): the checksums of that header, or of that chunk's header and records, are not
 * checked (omerbenamram/evtx's Application_no_crc32.evtx; docs/events.md, "Damaged logs").
 */
export const EVTX_FLAG_NO_CRC32 = 0x4;

/** A malformed EVTX file header or record: a FormatError with format 'EVTX'. */
export class EvtxFormatError extends readerFormatError('EVTX', 'EvtxFormatError', atFileOffset) {}

function evtxReader(bytes: Uint8Array, base = 0): ByteReader {
  return new ByteReader(bytes, { format: 'EVTX', base, error: (detail, offset, structure) => new EvtxFormatError(detail, offset, structure) });
}

/** The 128 bytes at the start of the file (the rest of the 4 KiB block is zero). */
export interface EvtxFileHeader {
  firstChunkNumber: bigint;
  lastChunkNumber: bigint;
  nextRecordId: bigint;
  headerSize: number;
  minorVersion: number;
  majorVersion: number;
  headerBlockSize: number;
  chunkCount: number;
  flags: number;
  /** CRC32 of bytes 0–119 as stored, and as computed. */
  checksum: number;
  computedChecksum: number;
}

export function readEvtxFileHeader(bytes: Uint8Array): EvtxFileHeader {
  if (bytes.length < EVTX_FILE_HEADER_SIZE) {
    throw new EvtxFormatError(`file is ${bytes.length} bytes, too short for the ${EVTX_FILE_HEADER_SIZE}-byte EVTX header`, 0);
  }
  if (decodeAscii(bytes, 0, 8) !== EVTX_FILE_SIGNATURE) throw new EvtxFormatError('not an EVTX file: signature is not "ElfFile"', 0);
  const h = EVTX_FILE_HEADER.read(evtxReader(bytes), 0);
  return {
    firstChunkNumber: h.FirstChunkNumber,
    lastChunkNumber: h.LastChunkNumber,
    nextRecordId: h.NextRecordIdentifier,
    headerSize: h.HeaderSize,
    minorVersion: h.MinorVersion,
    majorVersion: h.MajorVersion,
    headerBlockSize: h.HeaderBlockSize,
    chunkCount: h.NumberOfChunks,
    flags: h.FileFlags,
    checksum: h.Checksum,
    computedChecksum: crc32(bytes.subarray(0, FILE_CHECKSUMMED)),
  };
}

/** Writes a 4 KiB header block; the checksum is computed, not taken from `header`. */
export function writeEvtxFileHeader(header: Omit<EvtxFileHeader, 'checksum' | 'computedChecksum'>): Uint8Array {
  const out = new Uint8Array(EVTX_FILE_HEADER_BLOCK_SIZE);
  EVTX_FILE_HEADER.write(out, 0, {
    Signature: Uint8Array.from(EVTX_FILE_SIGNATURE, (c) => c.charCodeAt(0)),
    FirstChunkNumber: header.firstChunkNumber,
    LastChunkNumber: header.lastChunkNumber,
    NextRecordIdentifier: header.nextRecordId,
    HeaderSize: header.headerSize,
    MinorVersion: header.minorVersion,
    MajorVersion: header.majorVersion,
    HeaderBlockSize: header.headerBlockSize,
    NumberOfChunks: header.chunkCount,
    FileFlags: header.flags,
  });
  EVTX_FILE_HEADER.write(out, 0, { Checksum: crc32(out.subarray(0, FILE_CHECKSUMMED)) });
  return out;
}

export interface EvtxChunkHeader {
  firstRecordNumber: bigint;
  lastRecordNumber: bigint;
  firstRecordId: bigint;
  lastRecordId: bigint;
  headerSize: number;
  lastRecordOffset: number;
  freeSpaceOffset: number;
  /** CRC32 of the record area [512, freeSpaceOffset), stored and computed. */
  dataChecksum: number;
  computedDataChecksum: number;
  /** CRC32 of header bytes 0–119 and 128–511, stored and computed. */
  headerChecksum: number;
  computedHeaderChecksum: number;
  /** EVTX_FLAG_DIRTY, EVTX_FLAG_NO_CRC32. */
  flags: number;
}

export function isEvtxChunk(chunk: Uint8Array): boolean {
  return chunk.length >= EVTX_CHUNK_HEADER_SIZE && decodeAscii(chunk, 0, 8) === EVTX_CHUNK_SIGNATURE;
}

export function readEvtxChunkHeader(chunk: Uint8Array): EvtxChunkHeader {
  const h = EVTX_CHUNK_HEADER.read(evtxReader(chunk), 0);
  const freeSpaceOffset = h.FreeSpaceOffset;
  const dataEnd = Math.min(Math.max(freeSpaceOffset, EVTX_CHUNK_HEADER_SIZE), chunk.length);
  const checksummedBefore = EVTX_CHUNK_HEADER.offset.Flags;
  const checksummedFrom = EVTX_CHUNK_HEADER.end('Checksum');
  return {
    firstRecordNumber: h.FirstEventRecordNumber,
    lastRecordNumber: h.LastEventRecordNumber,
    firstRecordId: h.FirstEventRecordIdentifier,
    lastRecordId: h.LastEventRecordIdentifier,
    headerSize: h.HeaderSize,
    lastRecordOffset: h.LastEventRecordOffset,
    freeSpaceOffset,
    dataChecksum: h.EventRecordsChecksum,
    computedDataChecksum: crc32(chunk.subarray(EVTX_CHUNK_HEADER_SIZE, dataEnd)),
    headerChecksum: h.Checksum,
    computedHeaderChecksum: crc32(chunk.subarray(checksummedFrom, EVTX_CHUNK_HEADER_SIZE), crc32(chunk.subarray(0, checksummedBefore))),
    flags: h.Flags,
  };
}

export interface EvtxRecord {
  recordId: bigint;
  /** FILETIME the record was written. */
  written: bigint;
  /** Zero-based index of the chunk in the file, and the record's offset in the file. */
  chunkIndex: number;
  fileOffset: number;
  /** The event as an element tree (templates instantiated). */
  nodes: XmlNode[];
}

type Warn = (warning: ReadWarning) => void;

/**
 * The records of one 64 KiB chunk, in order. A record that cannot be decoded is reported and
 * skipped. After a broken record header (a page of the chunk that was never written, a size
 * overwritten) the next record cannot be found through it: reading resumes at the next intact
 * record of this chunk (signature, size and trailing size copy, an id above the last one read and
 * within the chunk header's range, before the free-space offset), and the records in between are
 * reported lost; with none, the rest of the chunk is skipped (docs/events.md, "Damaged logs").
 */
export function* readEvtxChunk(chunk: Uint8Array, chunkIndex: number, chunkFileOffset: number, warn: Warn): Generator<EvtxRecord> {
  const where = `chunk ${chunkIndex} (file offset 0x${chunkFileOffset.toString(16)})`;
  const header = readEvtxChunkHeader(chunk);
  const checksummed = (header.flags & EVTX_FLAG_NO_CRC32) === 0;
  if (checksummed && header.headerChecksum !== header.computedHeaderChecksum) {
    warn({ message: `${where}: header CRC32 mismatch (stored 0x${hex32(header.headerChecksum)}, computed 0x${hex32(header.computedHeaderChecksum)})`, offset: chunkFileOffset });
  }
  if (header.freeSpaceOffset < EVTX_CHUNK_HEADER_SIZE || header.freeSpaceOffset > chunk.length) {
    warn({ message: `${where}: free-space offset 0x${header.freeSpaceOffset.toString(16)} is outside the chunk; reading up to the end`, offset: chunkFileOffset + EVTX_CHUNK_HEADER.offset.FreeSpaceOffset });
  } else if (checksummed && header.dataChecksum !== header.computedDataChecksum) {
    warn({ message: `${where}: record data CRC32 mismatch (stored 0x${hex32(header.dataChecksum)}, computed 0x${hex32(header.computedDataChecksum)})`, offset: chunkFileOffset });
  }
  const end = header.freeSpaceOffset >= EVTX_CHUNK_HEADER_SIZE && header.freeSpaceOffset <= chunk.length ? header.freeSpaceOffset : chunk.length;
  const context = new ChunkContext(chunk);
  const view = context.view;
  let offset = EVTX_CHUNK_HEADER_SIZE;
  /** The highest id of the chunk header's range read so far (or the one before its first). */
  let lastId = header.firstRecordId - 1n;
  /**
   * Where reading resumes after the broken record at `from`: the next intact record of this
   * chunk, with the warning's ending saying so (or that the rest of the chunk is skipped).
   */
  const resume = (from: number): { at: number | undefined; text: string } => {
    for (let o = from + 8; o + RECORD_HEADER_SIZE + 4 <= end; o += 8) {
      if (view.getUint32(o, true) !== RECORD_SIGNATURE) continue;
      const size = view.getUint32(o + RECORD_SIZE_AT, true);
      const id = view.getBigUint64(o + RECORD_ID_AT, true);
      if (size < RECORD_HEADER_SIZE + 4 || size % 8 !== 0 || o + size > end || view.getUint32(o + size - 4, true) !== size) continue;
      if (id <= lastId || id > header.lastRecordId) continue;
      const lost = id - lastId - 1n;
      const which = lost === 0n ? 'no record lost' : lost === 1n ? `record ${lastId + 1n} lost` : `records ${lastId + 1n}-${id - 1n} lost`;
      return { at: o, text: `${which}, reading resumes with record ${id} at offset 0x${o.toString(16)}` };
    }
    return { at: undefined, text: 'rest of chunk skipped' };
  };
  while (offset + RECORD_HEADER_SIZE <= end) {
    const at = `${where}, offset 0x${offset.toString(16)}`;
    const signature = view.getUint32(offset, true);
    let broken: string | undefined;
    const size = view.getUint32(offset + RECORD_SIZE_AT, true);
    const recordId = view.getBigUint64(offset + RECORD_ID_AT, true);
    if (signature !== RECORD_SIGNATURE) {
      // Zero fill after the last record is normal when the free-space offset was not reached;
      // zeros followed by more of the chunk's records are a page that was never written.
      if (signature === 0) {
        const next = resume(offset);
        if (next.at === undefined) return;
        warn({ message: `${at}: zero fill where a record should be; ${next.text}`, offset: chunkFileOffset + offset });
        offset = next.at;
        continue;
      }
      broken = `${at}: no record signature (0x${hex32(signature)})`;
    } else if (size < RECORD_HEADER_SIZE + 4 || offset + size > chunk.length) {
      broken = `${at}, record ${recordId}: size ${size} does not fit the chunk`;
    } else if (view.getUint32(offset + size - 4, true) !== size) {
      broken = `${at}, record ${recordId}: trailing size copy differs from size ${size}`;
    }
    if (broken !== undefined) {
      const next = resume(offset);
      warn({ message: `${broken}; ${next.text}`, offset: chunkFileOffset + offset });
      if (next.at === undefined) return;
      offset = next.at;
      continue;
    }
    try {
      const nodes = readBinXml(context, offset + RECORD_HEADER_SIZE, offset + size - 4);
      yield { recordId, written: view.getBigUint64(offset + RECORD_WRITTEN_AT, true), chunkIndex, fileOffset: chunkFileOffset + offset, nodes };
    } catch (err) {
      // Only the reader's own errors are damage; anything else is a bug and must not be hidden.
      if (!(err instanceof FormatError)) throw err;
      const place = err instanceof BinXmlError ? ` (file offset 0x${(chunkFileOffset + err.offset).toString(16)})` : '';
      warn({ message: `${at}, record ${recordId}: ${err.message}${place}; record skipped`, offset: chunkFileOffset + (err instanceof BinXmlError ? err.offset : offset) });
    }
    // Only ids of the chunk header's range count: a page from another version of the chunk (a
    // volume shadow copy's mix) can chain records of other ids in.
    if (recordId > lastId && recordId <= header.lastRecordId) lastId = recordId;
    offset += size;
  }
}

function hex32(n: number): string {
  return hexDigits(n, 8);
}

function isZero(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b !== 0) return false;
  return true;
}

/**
 * Every record of an EVTX file, read one chunk at a time. Chunks are taken from the file size,
 * not the header's chunk count, which is stale in a log that was not closed cleanly.
 */
export async function* readEvtxRecords(source: ByteSource, warn: Warn = () => {}): AsyncGenerator<EvtxRecord> {
  const header = readEvtxFileHeader(await source.read(0, EVTX_FILE_HEADER_SIZE));
  if ((header.flags & EVTX_FLAG_NO_CRC32) === 0 && header.checksum !== header.computedChecksum) {
    warn({ message: `file header CRC32 mismatch (stored 0x${hex32(header.checksum)}, computed 0x${hex32(header.computedChecksum)})`, offset: EVTX_FILE_HEADER.offset.Checksum });
  }
  if (header.majorVersion !== 3) warn({ message: `unexpected EVTX version ${header.majorVersion}.${header.minorVersion}`, offset: EVTX_FILE_HEADER.offset.MinorVersion });
  const first = header.headerBlockSize >= EVTX_FILE_HEADER_SIZE ? header.headerBlockSize : EVTX_FILE_HEADER_BLOCK_SIZE;
  const chunkCount = Math.floor(Math.max(0, source.size - first) / EVTX_CHUNK_SIZE);
  const tail = Math.max(0, source.size - first) % EVTX_CHUNK_SIZE;
  for (let index = 0; index < chunkCount; index++) {
    const fileOffset = first + index * EVTX_CHUNK_SIZE;
    const chunk = await source.read(fileOffset, EVTX_CHUNK_SIZE);
    if (!isEvtxChunk(chunk)) {
      if (!isZero(chunk.subarray(0, EVTX_CHUNK_HEADER_SIZE))) {
        warn({ message: `chunk ${index} (file offset 0x${fileOffset.toString(16)}): no "ElfChnk" signature; chunk skipped`, offset: fileOffset });
      }
      continue;
    }
    yield* readEvtxChunk(chunk, index, fileOffset, warn);
  }
  if (tail !== 0) {
    const fileOffset = first + chunkCount * EVTX_CHUNK_SIZE;
    warn({ message: `chunk ${chunkCount} (file offset 0x${fileOffset.toString(16)}): file ends after ${tail} of its ${EVTX_CHUNK_SIZE} bytes (truncated); chunk skipped`, offset: fileOffset });
  }
}

/**
 * A valid EVTX log of about `targetBytes`, made by repeating the chunks of `sample` (record ids
 * repeat too), produced piece by piece: the 4 KiB header, then one 64 KiB chunk at a time. For
 * memory and throughput benchmarks of the streaming reader; write the pieces to a file.
 */
export function* largeEvtxPieces(sample: Uint8Array, targetBytes: number): Generator<Uint8Array> {
  const header = readEvtxFileHeader(sample);
  const chunks: Uint8Array[] = [];
  for (let o = header.headerBlockSize; o + EVTX_CHUNK_SIZE <= sample.length; o += EVTX_CHUNK_SIZE) {
    const chunk = sample.subarray(o, o + EVTX_CHUNK_SIZE);
    if (isEvtxChunk(chunk)) chunks.push(chunk);
  }
  if (chunks.length === 0) throw new EvtxFormatError('sample has no chunks to repeat', EVTX_FILE_HEADER_BLOCK_SIZE);
  // The header's chunk count is 16 bits: 65535 chunks, a little under 4 GiB.
  const count = Math.max(1, Math.min(0xffff, Math.ceil((targetBytes - EVTX_FILE_HEADER_BLOCK_SIZE) / EVTX_CHUNK_SIZE)));
  yield writeEvtxFileHeader({
    ...header,
    firstChunkNumber: 0n,
    lastChunkNumber: BigInt(count - 1),
    headerBlockSize: EVTX_FILE_HEADER_BLOCK_SIZE,
    chunkCount: count,
    flags: 0,
  });
  for (let i = 0; i < count; i++) yield chunks[i % chunks.length]!;
}

/** The whole of largeEvtxPieces in one buffer. */
export function makeLargeEvtx(sample: Uint8Array, targetBytes: number): Uint8Array {
  const pieces = [...largeEvtxPieces(sample, targetBytes)];
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
