// MESSAGE_RESOURCE_DATA: the body of an RT_MESSAGETABLE resource and of mc.exe's MSGnnnnn.bin.
// Reader and writer side by side; layout in MC-SPEC.md §7 (little-endian throughout).
//
//   +0  DWORD NumberOfBlocks
//   +4  MESSAGE_RESOURCE_BLOCK[NumberOfBlocks]  { DWORD LowId; DWORD HighId; DWORD OffsetToEntries }
//   ... MESSAGE_RESOURCE_ENTRY { WORD Length; WORD Flags; BYTE Text[Length - 4] }

import { Buffer } from 'node:buffer';
import { encodeAnsi, decodeAnsi } from '../mc/codepage.js';
import { readerFormatError } from '../binary/errors.js';
import { align4, decodeUtf16leZ, utf16NulAt } from '../binary/codec.js';
import { struct } from '../binary/layout.js';
import { ByteReader } from '../binary/reader.js';

export const MESSAGE_RESOURCE_UNICODE = 0x0001;

// The layouts the writer and the reader share.
export const MESSAGE_RESOURCE_DATA = struct('MESSAGE_RESOURCE_DATA', { NumberOfBlocks: 'u32' });
export const MESSAGE_RESOURCE_BLOCK = struct('MESSAGE_RESOURCE_BLOCK', { LowId: 'u32', HighId: 'u32', OffsetToEntries: 'u32' });
/** The entry's header; the text follows it. */
export const MESSAGE_RESOURCE_ENTRY = struct('MESSAGE_RESOURCE_ENTRY', { Length: 'u16', Flags: 'u16' });

const BLOCKS_AT = MESSAGE_RESOURCE_DATA.size;
const BLOCK_SIZE = MESSAGE_RESOURCE_BLOCK.size;
const LOW_ID = MESSAGE_RESOURCE_BLOCK.offset.LowId;
const HIGH_ID = MESSAGE_RESOURCE_BLOCK.offset.HighId;
const OFFSET_TO_ENTRIES = MESSAGE_RESOURCE_BLOCK.offset.OffsetToEntries;
const ENTRY_HEADER_SIZE = MESSAGE_RESOURCE_ENTRY.size;
const ENTRY_LENGTH = MESSAGE_RESOURCE_ENTRY.offset.Length;
const ENTRY_FLAGS = MESSAGE_RESOURCE_ENTRY.offset.Flags;
/** Largest MESSAGE_RESOURCE_ENTRY: its Length field is a WORD and the entry is 4-byte aligned. */
export const MAX_ENTRY_SIZE = 0xfffc;

export interface MessageTableEntry {
  /** Full 32-bit message value (severity, customer bit, facility and code). */
  id: number;
  text: string;
  /** true: UTF-16LE (Flags = 1); false: ANSI in the table's code page (Flags = 0). */
  unicode: boolean;
}

export interface MessageTableBlock {
  lowId: number;
  highId: number;
  offsetToEntries: number;
}

/** A malformed message table file: a FormatError with format 'message table'. */
export class MessageTableFormatError extends readerFormatError('message table', 'MessageTableFormatError') {}

/** Encoded size of one entry, header and padding included. */
export function entrySize(text: string, unicode: boolean, codepage = 1252): number {
  const body = unicode ? text.length * 2 + 2 : encodeAnsi(text, codepage).length + 1;
  return ENTRY_HEADER_SIZE + align4(body);
}

/**
 * Writes a message table. Entries are sorted by unsigned id and grouped into blocks of
 * consecutive ids; ids must be unique.
 */
export function writeMessageTable(entries: readonly MessageTableEntry[], codepage = 1252): Uint8Array {
  // A compile lists messages in source order, which is usually id order already.
  let sorted = entries;
  for (let i = 1; i < entries.length; i++) {
    if (entries[i - 1]!.id >>> 0 > entries[i]!.id >>> 0) {
      sorted = [...entries].sort((a, b) => (a.id >>> 0) - (b.id >>> 0));
      break;
    }
  }
  // Ids and sizes in typed arrays: ids above 2^31 are not small integers, and kept in objects
  // they made V8 recompile this function over and over.
  const count = sorted.length;
  const ids = new Uint32Array(count);
  const lengths = new Uint32Array(count);
  // Unicode bodies are written straight into the table; ANSI ones are encoded first for their size.
  const ansiBodies: (Uint8Array | undefined)[] = [];
  let blockCount = 0;
  let entriesSize = 0;
  for (let i = 0; i < count; i++) {
    const e = sorted[i]!;
    ids[i] = e.id;
    const id = ids[i]!;
    if (i > 0 && id === ids[i - 1]) throw new RangeError(`duplicate message id 0x${id.toString(16)}`);
    if (i === 0 || id !== ids[i - 1]! + 1) blockCount++;
    const ansi = e.unicode ? undefined : encodeAnsiz(e.text, codepage);
    ansiBodies.push(ansi);
    const length = ENTRY_HEADER_SIZE + align4(ansi ? ansi.length : e.text.length * 2 + 2);
    if (length > MAX_ENTRY_SIZE) throw new RangeError(`message entry of ${length} bytes exceeds ${MAX_ENTRY_SIZE}`);
    lengths[i] = length;
    entriesSize += length;
  }

  // The hot loop of a large compile: plain DataView writes at the layouts' offsets.
  const entriesStart = BLOCKS_AT + BLOCK_SIZE * blockCount;
  const out = new Uint8Array(entriesStart + entriesSize);
  const view = new DataView(out.buffer);
  const writer = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  view.setUint32(MESSAGE_RESOURCE_DATA.offset.NumberOfBlocks, blockCount, true);
  let blockAt = BLOCKS_AT - BLOCK_SIZE;
  let at = entriesStart;
  for (let i = 0; i < count; i++) {
    const id = ids[i]!;
    if (i === 0 || id !== ids[i - 1]! + 1) {
      blockAt += BLOCK_SIZE;
      view.setUint32(blockAt + LOW_ID, id, true);
      view.setUint32(blockAt + OFFSET_TO_ENTRIES, at, true);
    }
    view.setUint32(blockAt + HIGH_ID, id, true); // the last id written into the block so far
    const ansi = ansiBodies[i];
    view.setUint16(at + ENTRY_LENGTH, lengths[i]!, true);
    view.setUint16(at + ENTRY_FLAGS, ansi ? 0 : MESSAGE_RESOURCE_UNICODE, true);
    // UTF-16LE code units as they are (unpaired surrogates too); the zero terminator and the
    // padding are already zero.
    if (ansi) out.set(ansi, at + ENTRY_HEADER_SIZE);
    else writer.write(sorted[i]!.text, at + ENTRY_HEADER_SIZE, 'utf16le');
    at += lengths[i]!;
  }
  return out;
}

function encodeAnsiz(text: string, codepage: number): Uint8Array {
  const bytes = encodeAnsi(text, codepage);
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  return out;
}

export interface ReadMessageTableOptions {
  /** File offset of the table's first byte, for the errors (inside a .res or PE). */
  base?: number;
  /** Where the table is, put before every error: `RT_MESSAGETABLE 1, language 0x0409`. */
  where?: string;
}

/**
 * Reads a message table. Every count, offset and length is checked against the buffer; a
 * malformed table raises MessageTableFormatError naming the structure and its file offset
 * (`base` + the offset in the table), after `where`.
 */
export function readMessageTable(
  bytes: Uint8Array,
  codepage = 1252,
  options: ReadMessageTableOptions = {},
): { blocks: MessageTableBlock[]; entries: MessageTableEntry[] } {
  const base = options.base ?? 0;
  const prefix = options.where === undefined ? '' : `${options.where}: `;
  const error = (detail: string, offset: number, structure?: string) => new MessageTableFormatError(prefix + detail, offset, structure);
  const fail = (detail: string, offset: number, structure: string): never => {
    throw error(detail, base + offset, structure);
  };
  const r = new ByteReader(bytes, { format: 'message table', base, error });
  if (bytes.length < BLOCKS_AT) fail('message table shorter than its NumberOfBlocks field', 0, MESSAGE_RESOURCE_DATA.name);
  const count = MESSAGE_RESOURCE_DATA.read(r, 0).NumberOfBlocks;
  if (BLOCKS_AT + count * BLOCK_SIZE > bytes.length) {
    fail(`NumberOfBlocks ${count} does not fit in ${bytes.length} bytes`, 0, MESSAGE_RESOURCE_DATA.name);
  }
  // Every entry takes at least 4 bytes, so the blocks cannot honestly claim more entries than fit;
  // checking first keeps overlapping blocks in a hostile file from multiplying the work.
  const room = Math.floor((bytes.length - BLOCKS_AT - count * BLOCK_SIZE) / ENTRY_HEADER_SIZE);
  let claimed = 0;
  for (let i = 0; i < count; i++) {
    const at = BLOCKS_AT + i * BLOCK_SIZE;
    claimed += Math.max(0, r.u32(at + HIGH_ID, 'HighId') - r.u32(at + LOW_ID, 'LowId') + 1);
    if (claimed > room) fail(`blocks 0..${i} claim ${claimed} entries, more than the ${room} that fit in the table`, at, MESSAGE_RESOURCE_BLOCK.name);
  }
  const blocks: MessageTableBlock[] = [];
  const entries: MessageTableEntry[] = [];
  for (let i = 0; i < count; i++) {
    const at = BLOCKS_AT + i * BLOCK_SIZE;
    const b = MESSAGE_RESOURCE_BLOCK.read(r, at);
    const block = { lowId: b.LowId, highId: b.HighId, offsetToEntries: b.OffsetToEntries };
    if (block.highId < block.lowId) {
      fail(`block ${i}: HighId 0x${block.highId.toString(16)} below LowId 0x${block.lowId.toString(16)}`, at, MESSAGE_RESOURCE_BLOCK.name);
    }
    blocks.push(block);
    let offset = block.offsetToEntries;
    for (let id = block.lowId; id <= block.highId; id++) {
      if (offset + ENTRY_HEADER_SIZE > bytes.length) {
        fail(`block ${i}: entry for id 0x${id.toString(16)} starts past the end`, Math.min(offset, bytes.length), MESSAGE_RESOURCE_ENTRY.name);
      }
      const { Length: length, Flags: flags } = MESSAGE_RESOURCE_ENTRY.read(r, offset);
      if (length < ENTRY_HEADER_SIZE || offset + length > bytes.length) {
        fail(`block ${i}: entry for id 0x${id.toString(16)} has Length ${length}, outside the table`, offset, MESSAGE_RESOURCE_ENTRY.name);
      }
      const body = bytes.subarray(offset + ENTRY_HEADER_SIZE, offset + length);
      const unicode = (flags & MESSAGE_RESOURCE_UNICODE) !== 0;
      entries.push({ id, text: unicode ? decodeUtf16leZ(body) : decodeAnsiz(body, codepage), unicode });
      offset += length;
      if (id === 0xffffffff) break;
    }
  }
  return { blocks, entries };
}

/** Something in a table that its entries, written again as mc.exe writes them, would not give back. */
export interface MessageTableDifference {
  /** File offset (`base` + the offset in the table). */
  offset: number;
  /** The structure: MESSAGE_RESOURCE_DATA, MESSAGE_RESOURCE_BLOCK or MESSAGE_RESOURCE_ENTRY. */
  structure: string;
  detail: string;
}

/**
 * What makes `bytes` differ from the table mc.exe writes for the messages readMessageTable reads
 * from it: Flags other than 0 and 1, entries without their NUL or with other padding, bytes no
 * block refers to, no blocks at all, and any other layout (block grouping, order). Empty when the
 * entries give back the very same bytes. The table must be readable (readMessageTable).
 */
export function messageTableDifferences(bytes: Uint8Array, codepage = 1252, options: ReadMessageTableOptions = {}): MessageTableDifference[] {
  const base = options.base ?? 0;
  const { blocks, entries } = readMessageTable(bytes, codepage, options);
  const out: MessageTableDifference[] = [];
  const add = (offset: number, structure: string, detail: string) => out.push({ offset: base + offset, structure, detail });
  if (blocks.length === 0) {
    add(0, MESSAGE_RESOURCE_DATA.name, 'the table has no blocks (NumberOfBlocks is 0), which mc.exe never writes');
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The bytes something refers to: the header and blocks, then each entry.
  const used: [number, number][] = [[0, BLOCKS_AT + blocks.length * BLOCK_SIZE]];
  for (const block of blocks) {
    let offset = block.offsetToEntries;
    for (let id = block.lowId; id <= block.highId && out.length < 100; id++) {
      const length = view.getUint16(offset + ENTRY_LENGTH, true);
      const flags = view.getUint16(offset + ENTRY_FLAGS, true);
      const what = `entry for id 0x${(id >>> 0).toString(16)}`;
      used.push([offset, offset + length]);
      if (flags !== 0 && flags !== MESSAGE_RESOURCE_UNICODE) add(offset + ENTRY_FLAGS, MESSAGE_RESOURCE_ENTRY.name, `${what} has Flags 0x${flags.toString(16)}; mc.exe writes 0 (ANSI) or 1 (Unicode)`);
      const unicode = (flags & MESSAGE_RESOURCE_UNICODE) !== 0;
      const body = bytes.subarray(offset + ENTRY_HEADER_SIZE, offset + length);
      const nul = unicode ? utf16NulAt(body) : body.indexOf(0);
      const textEnd = unicode ? nul + 2 : nul + 1;
      if (nul < 0 || textEnd > body.length) {
        add(offset, MESSAGE_RESOURCE_ENTRY.name, `${what} has no NUL terminator`);
      } else {
        if (body.subarray(textEnd).some((b) => b !== 0)) add(offset + ENTRY_HEADER_SIZE + textEnd, MESSAGE_RESOURCE_ENTRY.name, `${what} has bytes other than zero after its NUL`);
        const expected = ENTRY_HEADER_SIZE + align4(textEnd);
        if (length !== expected) add(offset + ENTRY_LENGTH, MESSAGE_RESOURCE_ENTRY.name, `${what} has Length ${length}; mc.exe pads it to ${expected}`);
      }
      offset += length;
      if (id === 0xffffffff) break;
    }
  }
  used.sort((a, b) => a[0] - b[0]);
  let covered = 0;
  for (const [from, to] of used) {
    if (from > covered) add(covered, MESSAGE_RESOURCE_DATA.name, `${from - covered} bytes at this offset belong to no block or entry`);
    else if (from < covered && to > from) add(from, MESSAGE_RESOURCE_ENTRY.name, 'entries overlap');
    covered = Math.max(covered, to);
  }
  if (covered < bytes.length) add(covered, MESSAGE_RESOURCE_DATA.name, `${bytes.length - covered} bytes after the last entry belong to no block or entry`);
  if (out.length > 0) return out;
  let again: Uint8Array;
  try {
    again = writeMessageTable(entries, codepage);
  } catch (err) {
    add(0, MESSAGE_RESOURCE_DATA.name, `the messages cannot be written again: ${(err as Error).message}`);
    return out;
  }
  const n = Math.min(again.length, bytes.length);
  let at = 0;
  while (at < n && again[at] === bytes[at]) at++;
  if (at < n || again.length !== bytes.length) {
    add(at, at < BLOCKS_AT + blocks.length * BLOCK_SIZE ? MESSAGE_RESOURCE_BLOCK.name : MESSAGE_RESOURCE_ENTRY.name, 'the table differs here from the one mc.exe writes for the same messages (block grouping, entry order or text encoding)');
  }
  return out;
}

function decodeAnsiz(body: Uint8Array, codepage: number): string {
  let end = body.indexOf(0);
  if (end < 0) end = body.length;
  return decodeAnsi(body.subarray(0, end), codepage);
}
