// Win32 .res files (the output of rc.exe, llvm-rc, windres -O res and wrc): reader and writer.
//
// A .res is a sequence of resources, each a RESOURCEHEADER followed by its data, every one
// starting on a DWORD boundary. The first resource is an empty one (DataSize 0, type and name
// ordinal 0) that marks the file as 32-bit.
//
//   +0  DWORD DataSize
//   +4  DWORD HeaderSize           // from +0 to the end of Characteristics
//   +8  TYPE  ordinal (WORD 0xFFFF, WORD id) or NUL-terminated UTF-16LE name
//       NAME  the same encoding
//       pad to a DWORD boundary
//       DWORD DataVersion
//       WORD  MemoryFlags
//       WORD  LanguageId
//       DWORD Version
//       DWORD Characteristics
//       BYTE  Data[DataSize], then zero padding to a DWORD boundary
//
// For the `1 11 "MSGnnnnn.bin"` lines of mc.exe's .rc, llvm-rc-14 and wrc write MemoryFlags
// 0x0030 (MOVEABLE | PURE, rc.exe's default for user-defined types) and keep the script's
// order; windres writes 0x1030 (DISCARDABLE too) and sorts by type, name and language.
// writeRes follows llvm-rc; docs/resources.md has the details.

import { readerFormatError } from '../binary/errors.js';
import { align4, decodeUtf16le, utf16NulAt } from '../binary/codec.js';
import { struct } from '../binary/layout.js';
import { ByteReader } from '../binary/reader.js';
import { ByteWriter } from '../binary/writer.js';

export const RT_MESSAGETABLE = 11;
/** MOVEABLE | PURE: what rc.exe, llvm-rc and wrc give an RT_MESSAGETABLE resource. */
export const MEMORY_FLAGS_DEFAULT = 0x0030;
/** MOVEABLE | PURE | DISCARDABLE: what GNU windres gives it. */
export const MEMORY_FLAGS_WINDRES = 0x1030;

/** A resource type or name: an ordinal (0..0xFFFF) or a string. */
export type ResourceId = number | string;

export interface ResourceEntry {
  type: ResourceId;
  name: ResourceId;
  languageId: number;
  memoryFlags: number;
  dataVersion: number;
  version: number;
  characteristics: number;
  data: Uint8Array;
  /** File offset of `data`, when read from a file (readRes). */
  dataOffset?: number;
}

/** A message table for one language, as writeRes and writeMessageDll take them. */
export interface MessageTableResource {
  languageId: number;
  data: Uint8Array;
}

/** A malformed RES file: a FormatError with format 'RES'. */
export class ResFormatError extends readerFormatError('RES', 'ResFormatError') {}

// The RESOURCEHEADER around its two variable-length ids, for the writer and the reader alike.
export const RESOURCE_HEADER_START = struct('RESOURCEHEADER', { DataSize: 'u32', HeaderSize: 'u32' });
export const RESOURCE_HEADER_TAIL = struct('RESOURCEHEADER', {
  DataVersion: 'u32',
  MemoryFlags: 'u16',
  LanguageId: 'u16',
  Version: 'u32',
  Characteristics: 'u32',
});
const FIXED_TAIL_SIZE = RESOURCE_HEADER_TAIL.size;
/** An ordinal id: WORD 0xFFFF, WORD ordinal. */
const ORDINAL_ID_SIZE = 4;

function idSize(id: ResourceId): number {
  return typeof id === 'number' ? ORDINAL_ID_SIZE : (id.length + 1) * 2;
}

function checkId(id: ResourceId, what: string): void {
  if (typeof id === 'number') {
    if (!Number.isInteger(id) || id < 0 || id > 0xffff) throw new RangeError(`resource ${what} ordinal ${id} is not in 0..0xFFFF`);
  } else if (id.length === 0 || id.includes('\0')) {
    throw new RangeError(`resource ${what} name must be non-empty and without NUL characters`);
  }
}

function writeId(w: ByteWriter, id: ResourceId): void {
  if (typeof id === 'number') w.u16(0xffff).u16(id);
  else w.utf16z(id);
}

/** The leading empty resource every 32-bit .res starts with. */
const NULL_ENTRY: ResourceEntry = {
  type: 0,
  name: 0,
  languageId: 0,
  memoryFlags: 0,
  dataVersion: 0,
  version: 0,
  characteristics: 0,
  data: new Uint8Array(0),
};

/** Writes a .res holding the given resources, in the given order, after the empty leading entry. */
export function writeResEntries(entries: readonly ResourceEntry[]): Uint8Array {
  const all = [NULL_ENTRY, ...entries];
  let size = 0;
  const headerSizes = all.map((e) => {
    checkId(e.type, 'type');
    checkId(e.name, 'name');
    if (!Number.isInteger(e.languageId) || e.languageId < 0 || e.languageId > 0xffff) {
      throw new RangeError(`language id ${e.languageId} is not in 0..0xFFFF`);
    }
    const headerSize = align4(RESOURCE_HEADER_START.size + idSize(e.type) + idSize(e.name)) + FIXED_TAIL_SIZE;
    size += headerSize + align4(e.data.length);
    return headerSize;
  });

  // Every resource starts on a DWORD boundary, so aligning the writer aligns within the header.
  const w = new ByteWriter(size);
  all.forEach((e, i) => {
    RESOURCE_HEADER_START.append(w, { DataSize: e.data.length, HeaderSize: headerSizes[i]! });
    writeId(w, e.type);
    writeId(w, e.name);
    w.align(4);
    RESOURCE_HEADER_TAIL.append(w, {
      DataVersion: e.dataVersion,
      MemoryFlags: e.memoryFlags,
      LanguageId: e.languageId,
      Version: e.version,
      Characteristics: e.characteristics,
    });
    w.bytes(e.data).align(4);
  });
  return w.finish();
}

export interface WriteResOptions {
  /** MemoryFlags of every message table; default 0x0030 as llvm-rc, rc.exe and wrc write it. */
  memoryFlags?: number;
}

/**
 * Writes the .res that llvm-rc-14 makes from mc.exe's .rc and .bin files: one RT_MESSAGETABLE
 * resource named 1 per language, in the given order (the order of the .rc's LANGUAGE lines).
 */
export function writeRes(resources: readonly MessageTableResource[], options: WriteResOptions = {}): Uint8Array {
  const memoryFlags = options.memoryFlags ?? MEMORY_FLAGS_DEFAULT;
  return writeResEntries(
    resources.map((r) => ({
      type: RT_MESSAGETABLE,
      name: 1,
      languageId: r.languageId,
      memoryFlags,
      dataVersion: 0,
      version: 0,
      characteristics: 0,
      data: r.data,
    })),
  );
}

function readId(r: ByteReader, at: number, end: number, what: string): { id: ResourceId; next: number } {
  if (at + 2 > end) throw new ResFormatError(`${what} runs past the end of its header`, at);
  if (r.u16(at, what) === 0xffff) {
    if (at + ORDINAL_ID_SIZE > end) throw new ResFormatError(`${what} ordinal runs past the end of its header`, at);
    return { id: r.u16(at + 2, what), next: at + ORDINAL_ID_SIZE };
  }
  const nul = utf16NulAt(r.bytes, at, end);
  if (nul + 2 > end) throw new ResFormatError(`${what} is not NUL-terminated within its header`, at);
  return { id: decodeUtf16le(r.bytes, at, nul), next: nul + 2 };
}

/** True when the bytes begin with the empty leading entry of a 32-bit .res. */
export function looksLikeRes(bytes: Uint8Array): boolean {
  const signature = [0, 0, 0, 0, 0x20, 0, 0, 0, 0xff, 0xff, 0, 0, 0xff, 0xff, 0, 0];
  return bytes.length >= 32 && signature.every((b, i) => bytes[i] === b);
}

/**
 * Reads a .res. Returns every resource after the empty leading entry; sizes and names are
 * checked against the buffer and a malformed file raises ResFormatError with the offset.
 */
export function readRes(bytes: Uint8Array): ResourceEntry[] {
  const r = new ByteReader(bytes, { format: 'RES', error: (detail, offset, structure) => new ResFormatError(detail, offset, structure) });
  const headerSizeAt = RESOURCE_HEADER_START.offset.HeaderSize;
  const entries: ResourceEntry[] = [];
  let at = 0;
  let index = 0;
  while (at < bytes.length) {
    if (at + RESOURCE_HEADER_START.size > bytes.length) throw new ResFormatError(`resource ${index}: header truncated`, at);
    const { DataSize: dataSize, HeaderSize: headerSize } = RESOURCE_HEADER_START.read(r, at);
    if (headerSize < RESOURCE_HEADER_START.size + 2 * ORDINAL_ID_SIZE + FIXED_TAIL_SIZE || headerSize % 4 !== 0) {
      throw new ResFormatError(`resource ${index}: HeaderSize ${headerSize} is not a valid header size`, at + headerSizeAt);
    }
    const headerEnd = at + headerSize;
    if (headerEnd > bytes.length) throw new ResFormatError(`resource ${index}: HeaderSize ${headerSize} runs past the end of the file`, at + headerSizeAt);
    if (dataSize > bytes.length - headerEnd) {
      throw new ResFormatError(`resource ${index}: DataSize ${dataSize} runs past the end of the file`, at);
    }
    const tailAt = headerEnd - FIXED_TAIL_SIZE;
    const idsAt = at + RESOURCE_HEADER_START.size;
    const type = readId(r, idsAt, tailAt, `resource ${index}: type`);
    const name = readId(r, type.next, tailAt, `resource ${index}: name`);
    if (align4(name.next) > tailAt) throw new ResFormatError(`resource ${index}: type and name overlap the fixed header fields`, idsAt);
    const tail = RESOURCE_HEADER_TAIL.read(r, tailAt);
    const entry: ResourceEntry = {
      type: type.id,
      name: name.id,
      dataVersion: tail.DataVersion,
      memoryFlags: tail.MemoryFlags,
      languageId: tail.LanguageId,
      version: tail.Version,
      characteristics: tail.Characteristics,
      data: bytes.slice(headerEnd, headerEnd + dataSize),
      dataOffset: headerEnd,
    };
    if (index === 0) {
      if (dataSize !== 0 || entry.type !== 0 || entry.name !== 0) {
        throw new ResFormatError('not a 32-bit .res file: the first resource is not the empty leading entry', 0);
      }
    } else {
      entries.push(entry);
    }
    at = align4(headerEnd + dataSize);
    index++;
  }
  if (index === 0) throw new ResFormatError('empty file is not a .res', 0);
  return entries;
}

/** The RT_MESSAGETABLE resources of a .res, in file order. */
export function messageTablesOfRes(entries: readonly ResourceEntry[]): (MessageTableResource & { name: ResourceId })[] {
  return entries.filter((e) => e.type === RT_MESSAGETABLE).map((e) => ({ languageId: e.languageId, name: e.name, data: e.data }));
}
