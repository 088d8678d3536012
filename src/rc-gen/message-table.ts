// MESSAGE_RESOURCE_DATA: the body of an RT_MESSAGETABLE resource and of mc.exe's MSGnnnnn.bin.
// Reader and writer side by side; layout in MC-SPEC.md §7 (little-endian throughout).
//
//   +0  DWORD NumberOfBlocks
//   +4  MESSAGE_RESOURCE_BLOCK[NumberOfBlocks]  { DWORD LowId; DWORD HighId; DWORD OffsetToEntries }
//   ... MESSAGE_RESOURCE_ENTRY { WORD Length; WORD Flags; BYTE Text[Length - 4] }

import { Buffer } from 'node:buffer';
import { encodeAnsi, decodeAnsi } from '../mc/codepage.js';
import { FormatError } from '../binary/errors.js';
import { align4, decodeUtf16leZ } from '../binary/codec.js';
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
export class MessageTableFormatError extends FormatError {
  constructor(message: string, offset: number, structure?: string) {
    super('message table', message, offset, { structure });
    this.name = 'MessageTableFormatError';
  }
}

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

/**
 * Reads a message table. Every count, offset and length is checked against the buffer; a
 * malformed table raises MessageTableFormatError naming the structure and its offset.
 */
export function readMessageTable(bytes: Uint8Array, codepage = 1252): { blocks: MessageTableBlock[]; entries: MessageTableEntry[] } {
  const r = new ByteReader(bytes, { format: 'message table', error: (detail, offset, structure) => new MessageTableFormatError(detail, offset, structure) });
  if (bytes.length < BLOCKS_AT) throw new MessageTableFormatError('message table shorter than its NumberOfBlocks field', 0);
  const count = MESSAGE_RESOURCE_DATA.read(r, 0).NumberOfBlocks;
  if (BLOCKS_AT + count * BLOCK_SIZE > bytes.length) {
    throw new MessageTableFormatError(`NumberOfBlocks ${count} does not fit in ${bytes.length} bytes`, 0);
  }
  // Every entry takes at least 4 bytes, so the blocks cannot honestly claim more entries than fit;
  // checking first keeps overlapping blocks in a hostile file from multiplying the work.
  const room = Math.floor((bytes.length - BLOCKS_AT - count * BLOCK_SIZE) / ENTRY_HEADER_SIZE);
  let claimed = 0;
  for (let i = 0; i < count; i++) {
    const at = BLOCKS_AT + i * BLOCK_SIZE;
    claimed += Math.max(0, r.u32(at + HIGH_ID, 'HighId') - r.u32(at + LOW_ID, 'LowId') + 1);
    if (claimed > room) throw new MessageTableFormatError(`blocks 0..${i} claim ${claimed} entries, more than the ${room} that fit in the table`, at);
  }
  const blocks: MessageTableBlock[] = [];
  const entries: MessageTableEntry[] = [];
  for (let i = 0; i < count; i++) {
    const at = BLOCKS_AT + i * BLOCK_SIZE;
    const b = MESSAGE_RESOURCE_BLOCK.read(r, at);
    const block = { lowId: b.LowId, highId: b.HighId, offsetToEntries: b.OffsetToEntries };
    if (block.highId < block.lowId) {
      throw new MessageTableFormatError(`block ${i}: HighId 0x${block.highId.toString(16)} below LowId 0x${block.lowId.toString(16)}`, at);
    }
    blocks.push(block);
    let offset = block.offsetToEntries;
    for (let id = block.lowId; id <= block.highId; id++) {
      if (offset + ENTRY_HEADER_SIZE > bytes.length) {
        throw new MessageTableFormatError(`block ${i}: entry for id 0x${id.toString(16)} starts past the end`, offset);
      }
      const { Length: length, Flags: flags } = MESSAGE_RESOURCE_ENTRY.read(r, offset);
      if (length < ENTRY_HEADER_SIZE || offset + length > bytes.length) {
        throw new MessageTableFormatError(`block ${i}: entry for id 0x${id.toString(16)} has Length ${length}, outside the table`, offset);
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

function decodeAnsiz(body: Uint8Array, codepage: number): string {
  let end = body.indexOf(0);
  if (end < 0) end = body.length;
  return decodeAnsi(body.subarray(0, end), codepage);
}
