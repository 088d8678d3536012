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

import { FormatError } from '../binary/errors.js';

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
}

/** A message table for one language, as writeRes and writeMessageDll take them. */
export interface MessageTableResource {
  languageId: number;
  data: Uint8Array;
}

/** A malformed RES file: a FormatError with format 'RES'. */
export class ResFormatError extends FormatError {
  constructor(message: string, offset: number, structure?: string) {
    super('RES', message, offset, { structure });
    this.name = 'ResFormatError';
  }
}

const FIXED_TAIL_SIZE = 16; // DataVersion, MemoryFlags, LanguageId, Version, Characteristics

function align4(n: number): number {
  return (n + 3) & ~3;
}

function idSize(id: ResourceId): number {
  return typeof id === 'number' ? 4 : (id.length + 1) * 2;
}

function checkId(id: ResourceId, what: string): void {
  if (typeof id === 'number') {
    if (!Number.isInteger(id) || id < 0 || id > 0xffff) throw new RangeError(`resource ${what} ordinal ${id} is not in 0..0xFFFF`);
  } else if (id.length === 0 || id.includes('\0')) {
    throw new RangeError(`resource ${what} name must be non-empty and without NUL characters`);
  }
}

function writeId(view: DataView, at: number, id: ResourceId): number {
  if (typeof id === 'number') {
    view.setUint16(at, 0xffff, true);
    view.setUint16(at + 2, id, true);
    return at + 4;
  }
  for (let i = 0; i < id.length; i++) view.setUint16(at + i * 2, id.charCodeAt(i), true);
  view.setUint16(at + id.length * 2, 0, true);
  return at + (id.length + 1) * 2;
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
    const headerSize = align4(8 + idSize(e.type) + idSize(e.name)) + FIXED_TAIL_SIZE;
    size += headerSize + align4(e.data.length);
    return headerSize;
  });

  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  all.forEach((e, i) => {
    const headerSize = headerSizes[i]!;
    view.setUint32(at, e.data.length, true);
    view.setUint32(at + 4, headerSize, true);
    writeId(view, writeId(view, at + 8, e.type), e.name);
    const tail = at + headerSize - FIXED_TAIL_SIZE;
    view.setUint32(tail, e.dataVersion, true);
    view.setUint16(tail + 4, e.memoryFlags, true);
    view.setUint16(tail + 6, e.languageId, true);
    view.setUint32(tail + 8, e.version, true);
    view.setUint32(tail + 12, e.characteristics, true);
    out.set(e.data, at + headerSize);
    at += headerSize + align4(e.data.length);
  });
  return out;
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

function readId(view: DataView, at: number, end: number, what: string): { id: ResourceId; next: number } {
  if (at + 2 > end) throw new ResFormatError(`${what} runs past the end of its header`, at);
  if (view.getUint16(at, true) === 0xffff) {
    if (at + 4 > end) throw new ResFormatError(`${what} ordinal runs past the end of its header`, at);
    return { id: view.getUint16(at + 2, true), next: at + 4 };
  }
  let s = '';
  for (let p = at; ; p += 2) {
    if (p + 2 > end) throw new ResFormatError(`${what} is not NUL-terminated within its header`, at);
    const c = view.getUint16(p, true);
    if (c === 0) return { id: s, next: p + 2 };
    s += String.fromCharCode(c);
  }
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
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries: ResourceEntry[] = [];
  let at = 0;
  let index = 0;
  while (at < bytes.length) {
    if (at + 8 > bytes.length) throw new ResFormatError(`resource ${index}: header truncated`, at);
    const dataSize = view.getUint32(at, true);
    const headerSize = view.getUint32(at + 4, true);
    if (headerSize < 8 + 4 + 4 + FIXED_TAIL_SIZE || headerSize % 4 !== 0) {
      throw new ResFormatError(`resource ${index}: HeaderSize ${headerSize} is not a valid header size`, at + 4);
    }
    const headerEnd = at + headerSize;
    if (headerEnd > bytes.length) throw new ResFormatError(`resource ${index}: HeaderSize ${headerSize} runs past the end of the file`, at + 4);
    if (dataSize > bytes.length - headerEnd) {
      throw new ResFormatError(`resource ${index}: DataSize ${dataSize} runs past the end of the file`, at);
    }
    const tailAt = headerEnd - FIXED_TAIL_SIZE;
    const type = readId(view, at + 8, tailAt, `resource ${index}: type`);
    const name = readId(view, type.next, tailAt, `resource ${index}: name`);
    if (align4(name.next) > tailAt) throw new ResFormatError(`resource ${index}: type and name overlap the fixed header fields`, at + 8);
    const entry: ResourceEntry = {
      type: type.id,
      name: name.id,
      dataVersion: view.getUint32(tailAt, true),
      memoryFlags: view.getUint16(tailAt + 4, true),
      languageId: view.getUint16(tailAt + 6, true),
      version: view.getUint32(tailAt + 8, true),
      characteristics: view.getUint32(tailAt + 12, true),
      data: bytes.slice(headerEnd, headerEnd + dataSize),
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
