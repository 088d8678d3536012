// The Windows registry hive file format (regf), reader and in-place editor side by side.
// Offsets called "cell offsets" are relative to the first hbin, i.e. file offset = 0x1000 + cell
// offset, as the format stores them. Layout notes: PACKET-REGISTRY.md §4.1, libregf's format
// documentation and ReactOS cmlib (hivesum.c for the checksum).

import { REGISTRY_ERRORS, RegistryError } from './errors.js';
import type { RegValue } from './values.js';
import { struct } from '../binary/layout.js';
import { alignUp, decodeAscii, decodeUtf16le, encodeUtf16le, escapeText } from '../binary/codec.js';

// The layouts (libregf's names, PACKET-REGISTRY.md §4.1) the reader and the editor share. Key,
// value, security and big-data offsets are within the cell data, after the 4-byte cell size.
export const REGF_BASE_BLOCK = struct('regf base block', {
  Signature: 'u32',
  PrimarySequenceNumber: 'u32',
  SecondarySequenceNumber: 'u32',
  LastWritten: 'u64',
  MajorVersion: 'u32',
  MinorVersion: 'u32',
  FileType: 'u32',
  FileFormat: 'u32',
  RootCell: 'u32',
  HiveBinsDataSize: 'u32',
  ClusteringFactor: 'u32',
  FileName: 64,
  Reserved: 396,
  /** baseBlockChecksum of the 508 bytes before it. */
  Checksum: 'u32',
});
export const HBIN_HEADER = struct('hbin header', {
  Signature: 'u32',
  /** The bin's own cell offset. */
  Offset: 'u32',
  Size: 'u32',
  Reserved: 8,
  Timestamp: 'u64',
  Spare: 'u32',
});
export const NK_CELL = struct('nk cell', {
  Signature: 'u16',
  Flags: 'u16',
  LastWritten: 'u64',
  AccessBits: 'u32',
  Parent: 'u32',
  SubkeyCount: 'u32',
  VolatileSubkeyCount: 'u32',
  SubkeyList: 'u32',
  VolatileSubkeyList: 'u32',
  ValueCount: 'u32',
  ValueList: 'u32',
  Security: 'u32',
  Class: 'u32',
  MaxSubkeyNameLength: 'u32',
  MaxClassLength: 'u32',
  MaxValueNameLength: 'u32',
  MaxValueDataSize: 'u32',
  WorkVar: 'u32',
  NameLength: 'u16',
  ClassLength: 'u16',
  /** The name, NameLength bytes. */
  Name: 0,
});
export const VK_CELL = struct('vk cell', {
  Signature: 'u16',
  NameLength: 'u16',
  DataSize: 'u32',
  /** The data's cell, or the data itself when DATA_INLINE is set in DataSize. */
  Data: 'u32',
  Type: 'u32',
  Flags: 'u16',
  Spare: 'u16',
  Name: 0,
});
export const SK_CELL = struct('sk cell', {
  Signature: 'u16',
  Reserved: 'u16',
  Flink: 'u32',
  Blink: 'u32',
  ReferenceCount: 'u32',
  DescriptorSize: 'u32',
  Descriptor: 0,
});
/** db: big data, for values over one cell's worth of bytes (format 1.4 and later). */
export const DB_CELL = struct('db cell', { Signature: 'u16', SegmentCount: 'u16', SegmentList: 'u32' });

const BASE = REGF_BASE_BLOCK.offset;
const HBIN = HBIN_HEADER.offset;
const NK = NK_CELL.offset;
const VK = VK_CELL.offset;
const SK = SK_CELL.offset;
const DB = DB_CELL.offset;

const BASE_BLOCK_SIZE = 0x1000;
const HBIN_HEADER_SIZE = HBIN_HEADER.size;
const HBIN_ALIGN = 0x1000;
const NO_CELL = 0xffffffff;
const REGF_SIGNATURE = 0x66676572; // "regf"
const HBIN_SIGNATURE = 0x6e696268; // "hbin"

const KEY_HIVE_ENTRY = 0x0004;
const KEY_NO_DELETE = 0x0008;
const KEY_COMP_NAME = 0x0020;
const VALUE_COMP_NAME = 0x0001;
const DATA_INLINE = 0x80000000;
const BIG_DATA_SEGMENT = 16344;

const SIG = { nk: 0x6b6e, vk: 0x6b76, sk: 0x6b73, lf: 0x666c, lh: 0x686c, li: 0x696c, ri: 0x6972, db: 0x6264 } as const;
type ListKind = 'lf' | 'lh' | 'li';

/** XOR of the base block's first 127 DWORDs, with the two reserved results remapped. */
export function baseBlockChecksum(bytes: Uint8Array): number {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, BASE.Checksum);
  let sum = 0;
  for (let i = 0; i < BASE.Checksum; i += 4) sum ^= dv.getUint32(i, true);
  sum >>>= 0;
  if (sum === 0xffffffff) return 0xfffffffe;
  if (sum === 0) return 1;
  return sum;
}

function upcase(name: string): string {
  let out = '';
  for (const ch of name) {
    const up = ch.toUpperCase();
    out += up.length === ch.length ? up : ch;
  }
  return out;
}

/** The `lh` hash: h = h * 37 + upcase(c) over the name's UTF-16 units. */
export function lhHash(name: string): number {
  const up = upcase(name);
  let h = 0;
  for (let i = 0; i < up.length; i++) h = (Math.imul(h, 37) + up.charCodeAt(i)) >>> 0;
  return h;
}

function lfHint(name: string): number {
  let hint = 0;
  for (let i = 0; i < 4 && i < name.length; i++) hint |= (name.charCodeAt(i) & 0xff) << (8 * i);
  return hint >>> 0;
}

function compareNames(a: string, b: string): number {
  const ua = upcase(a);
  const ub = upcase(b);
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

function isCompressible(name: string): boolean {
  return /^[\u0001-\u007f]*$/.test(name);
}

function filetimeNow(): bigint {
  return BigInt(Date.now()) * 10000n + 116444736000000000n;
}

interface Bin {
  offset: number;
  size: number;
}

/**
 * An open hive. Reads check every offset and size against the hive's bounds and throw MC7003
 * naming the file and the offset; edits are made in memory and `toBytes()` returns the new file.
 */
export class RegfHive {
  private buf: Uint8Array;
  private dv: DataView;
  private bins: Bin[] = [];

  private constructor(bytes: Uint8Array, readonly fileName: string) {
    this.buf = bytes;
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  // ---- opening and saving -------------------------------------------------------------------

  static open(bytes: Uint8Array, fileName = 'hive'): RegfHive {
    const hive = new RegfHive(new Uint8Array(bytes), fileName);
    hive.validateBaseBlock();
    hive.scanBins();
    hive.checkKey(hive.rootOffset, 'root key');
    return hive;
  }

  /** A new hive holding only a root key, with one security descriptor (format 1.5). */
  static create(rootName = 'ROOT', fileName = 'hive'): RegfHive {
    const bytes = new Uint8Array(BASE_BLOCK_SIZE + HBIN_ALIGN);
    const hive = new RegfHive(bytes, fileName);
    const dv = hive.dv;
    dv.setUint32(BASE.Signature, REGF_SIGNATURE, true);
    dv.setUint32(BASE.PrimarySequenceNumber, 0, true);
    dv.setUint32(BASE.SecondarySequenceNumber, 0, true);
    dv.setUint32(BASE.MajorVersion, 1, true);
    dv.setUint32(BASE.MinorVersion, 5, true);
    dv.setUint32(BASE.FileType, 0, true);
    dv.setUint32(BASE.FileFormat, 1, true);
    dv.setUint32(BASE.HiveBinsDataSize, HBIN_ALIGN, true);
    dv.setUint32(BASE.ClusteringFactor, 1, true);
    const name = 'SYSTEM';
    for (let i = 0; i < name.length; i++) dv.setUint16(BASE.FileName + 2 * i, name.charCodeAt(i), true);
    hive.writeBinHeader(0, HBIN_ALIGN);
    dv.setInt32(BASE_BLOCK_SIZE + HBIN_HEADER_SIZE, HBIN_ALIGN - HBIN_HEADER_SIZE, true);
    hive.bins = [{ offset: 0, size: HBIN_ALIGN }];

    const sd = defaultSecurityDescriptor();
    const skData = hive.alloc(SK.Descriptor + sd.length);
    const sk = skData - 4;
    hive.setU16(skData, SIG.sk);
    hive.setU32(skData + SK.Flink, sk);
    hive.setU32(skData + SK.Blink, sk);
    hive.setU32(skData + SK.ReferenceCount, 1);
    hive.setU32(skData + SK.DescriptorSize, sd.length);
    hive.buf.set(sd, hive.abs(skData + SK.Descriptor));

    const root = hive.newKeyNode(rootName, NO_CELL, sk);
    hive.setU16(root + 4 + NK.Flags, KEY_HIVE_ENTRY | KEY_NO_DELETE | KEY_COMP_NAME);
    dv.setUint32(BASE.RootCell, root, true);
    return hive;
  }

  /** The file as it is now: both sequence numbers advanced together, a new time stamp and checksum. */
  toBytes(): Uint8Array {
    const seq = (this.dv.getUint32(BASE.PrimarySequenceNumber, true) + 1) >>> 0;
    this.dv.setUint32(BASE.PrimarySequenceNumber, seq, true);
    this.dv.setUint32(BASE.SecondarySequenceNumber, seq, true);
    this.dv.setBigUint64(BASE.LastWritten, filetimeNow(), true);
    this.dv.setUint32(BASE.Checksum, baseBlockChecksum(this.buf), true);
    return this.buf.slice(0, BASE_BLOCK_SIZE + this.hbinsSize);
  }

  get rootOffset(): number {
    return this.dv.getUint32(BASE.RootCell, true);
  }

  get minorVersion(): number {
    return this.dv.getUint32(BASE.MinorVersion, true);
  }

  private get hbinsSize(): number {
    return this.dv.getUint32(BASE.HiveBinsDataSize, true);
  }

  private bad(text: string, cell?: number): RegistryError {
    const where = cell === undefined ? '' : ` at file offset 0x${(cell + BASE_BLOCK_SIZE).toString(16)}`;
    return new RegistryError(REGISTRY_ERRORS.BAD_HIVE, `${this.fileName}: ${escapeText(text)}${where}`, this.fileName);
  }

  private validateBaseBlock(): void {
    if (this.buf.length < BASE_BLOCK_SIZE) throw this.bad(`file is ${this.buf.length} bytes, shorter than the 4096-byte base block`);
    if (this.dv.getUint32(BASE.Signature, true) !== REGF_SIGNATURE) throw this.bad("no 'regf' signature at offset 0");
    const stored = this.dv.getUint32(BASE.Checksum, true);
    const computed = baseBlockChecksum(this.buf);
    if (stored !== computed) {
      throw this.bad(`bad base block checksum at offset 508: stored 0x${stored.toString(16)}, computed 0x${computed.toString(16)}`);
    }
    const major = this.dv.getUint32(BASE.MajorVersion, true);
    const minor = this.dv.getUint32(BASE.MinorVersion, true);
    if (major !== 1 || minor < 3 || minor > 6) throw this.bad(`unsupported format version ${major}.${minor} at offset 20`);
    if (this.dv.getUint32(BASE.FileType, true) !== 0) throw this.bad('not a primary hive file (file type at offset 28 is not 0)');
    if (this.dv.getUint32(BASE.PrimarySequenceNumber, true) !== this.dv.getUint32(BASE.SecondarySequenceNumber, true)) {
      throw this.bad('hive is dirty (sequence numbers at offsets 4 and 8 differ); replay its transaction logs first');
    }
    const size = this.hbinsSize;
    if (size === 0 || size % HBIN_ALIGN !== 0 || BASE_BLOCK_SIZE + size > this.buf.length) {
      throw this.bad(`hive bins size ${size} at offset 40 does not fit a ${this.buf.length}-byte file`);
    }
  }

  private scanBins(): void {
    const end = this.hbinsSize;
    for (let off = 0; off < end; ) {
      const a = this.abs(off);
      if (this.dv.getUint32(a + HBIN.Signature, true) !== HBIN_SIGNATURE) throw this.bad("no 'hbin' signature", off);
      const size = this.dv.getUint32(a + HBIN.Size, true);
      const recorded = this.dv.getUint32(a + HBIN.Offset, true);
      if (recorded !== off) throw this.bad(`hbin records offset 0x${recorded.toString(16)}`, off);
      if (size < HBIN_ALIGN || size % HBIN_ALIGN !== 0 || off + size > end) throw this.bad(`hbin size ${size} is invalid`, off);
      let cell = off + HBIN_HEADER_SIZE;
      while (cell < off + size) {
        const raw = this.dv.getInt32(this.abs(cell), true);
        const len = Math.abs(raw);
        if (len < 8 || len % 8 !== 0 || cell + len > off + size) throw this.bad(`cell size ${raw} is invalid`, cell);
        cell += len;
      }
      this.bins.push({ offset: off, size });
      off += size;
    }
  }

  private writeBinHeader(off: number, size: number): void {
    const a = this.abs(off);
    this.buf.fill(0, a, a + HBIN_HEADER_SIZE);
    HBIN_HEADER.write(this.buf, a, { Signature: HBIN_SIGNATURE, Offset: off, Size: size, Timestamp: filetimeNow() });
  }

  // ---- cells -------------------------------------------------------------------------------

  private abs(cell: number): number {
    return BASE_BLOCK_SIZE + cell;
  }

  private binOf(cell: number): Bin | undefined {
    let lo = 0;
    let hi = this.bins.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const b = this.bins[mid]!;
      if (cell < b.offset) hi = mid - 1;
      else if (cell >= b.offset + b.size) lo = mid + 1;
      else return b;
    }
    return undefined;
  }

  /** Offset and length of an allocated cell's data; the cell offset points at its size field. */
  private cell(off: number, what: string): { data: number; length: number } {
    const bin = off === NO_CELL ? undefined : this.binOf(off);
    if (!bin || off < bin.offset + HBIN_HEADER_SIZE || off % 8 !== 0) throw this.bad(`${what}: cell offset 0x${off.toString(16)} is outside the hive bins`);
    const raw = this.dv.getInt32(this.abs(off), true);
    if (raw >= 0) throw this.bad(`${what}: cell is free`, off);
    if (-raw < 8 || off - raw > bin.offset + bin.size) throw this.bad(`${what}: cell size ${raw} runs past its hbin`, off);
    return { data: off + 4, length: -raw - 4 };
  }

  private cellWithSignature(off: number, sig: number, what: string, minLength: number): number {
    const c = this.cell(off, what);
    if (c.length < minLength) throw this.bad(`${what}: cell of ${c.length} bytes is too small`, off);
    if (sig !== 0 && this.u16(c.data) !== sig) throw this.bad(`${what}: wrong signature`, off);
    return c.data;
  }

  private u16(d: number): number {
    return this.dv.getUint16(this.abs(d), true);
  }
  private u32(d: number): number {
    return this.dv.getUint32(this.abs(d), true);
  }
  private setU16(d: number, v: number): void {
    this.dv.setUint16(this.abs(d), v, true);
  }
  private setU32(d: number, v: number): void {
    this.dv.setUint32(this.abs(d), v >>> 0, true);
  }

  /** Allocates a cell for `length` data bytes, first fit, growing the hive by a new hbin if needed. Returns the data offset. */
  private alloc(length: number): number {
    const need = alignUp(length + 4, 8);
    for (const bin of this.bins) {
      for (let off = bin.offset + HBIN_HEADER_SIZE; off < bin.offset + bin.size; ) {
        const raw = this.dv.getInt32(this.abs(off), true);
        const size = Math.abs(raw);
        if (raw > 0 && size >= need) return this.claim(off, size, need);
        off += size;
      }
    }
    const binSize = alignUp(need + HBIN_HEADER_SIZE, HBIN_ALIGN);
    const binOff = this.hbinsSize;
    this.grow(BASE_BLOCK_SIZE + binOff + binSize);
    this.writeBinHeader(binOff, binSize);
    this.dv.setUint32(BASE.HiveBinsDataSize, binOff + binSize, true);
    this.bins.push({ offset: binOff, size: binSize });
    const first = binOff + HBIN_HEADER_SIZE;
    this.dv.setInt32(this.abs(first), binSize - HBIN_HEADER_SIZE, true);
    return this.claim(first, binSize - HBIN_HEADER_SIZE, need);
  }

  private claim(off: number, size: number, need: number): number {
    const rest = size - need;
    const taken = rest >= 8 ? need : size;
    if (rest >= 8) this.dv.setInt32(this.abs(off + need), rest, true);
    this.dv.setInt32(this.abs(off), -taken, true);
    this.buf.fill(0, this.abs(off + 4), this.abs(off + taken));
    return off + 4;
  }

  private grow(fileSize: number): void {
    if (fileSize <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(fileSize, this.buf.length * 2));
    bigger.set(this.buf);
    this.buf = bigger;
    this.dv = new DataView(bigger.buffer);
  }

  /** Frees the cell whose data starts at `data` and merges it with free neighbours in its hbin. */
  private free(data: number): void {
    const off = data - 4;
    const raw = this.dv.getInt32(this.abs(off), true);
    if (raw >= 0) throw this.bad('freeing a cell that is already free', off);
    this.buf.fill(0, this.abs(data), this.abs(off - raw));
    this.dv.setInt32(this.abs(off), -raw, true);
    const bin = this.binOf(off)!;
    let prevFree = -1;
    for (let c = bin.offset + HBIN_HEADER_SIZE; c < bin.offset + bin.size; ) {
      const size = this.dv.getInt32(this.abs(c), true);
      const len = Math.abs(size);
      if (size > 0 && prevFree >= 0) {
        this.dv.setInt32(this.abs(prevFree), this.dv.getInt32(this.abs(prevFree), true) + size, true);
        this.dv.setInt32(this.abs(c), 0, true);
      } else {
        prevFree = size > 0 ? c : -1;
      }
      c += len;
    }
  }

  private allocCopy(bytes: Uint8Array): number {
    const d = this.alloc(bytes.length);
    this.buf.set(bytes, this.abs(d));
    return d;
  }

  // ---- keys --------------------------------------------------------------------------------

  private checkKey(nk: number, what: string): number {
    const d = this.cellWithSignature(nk, SIG.nk, what, NK.Name);
    const nameLen = this.u16(d + NK.NameLength);
    if (NK.Name + nameLen > this.cell(nk, what).length) throw this.bad(`${what}: name runs past its cell`, nk);
    return d;
  }

  private decodeName(start: number, length: number, compressed: boolean): string {
    const a = this.abs(start);
    return compressed ? decodeAscii(this.buf, a, a + length) : decodeUtf16le(this.buf, a, a + length);
  }

  keyName(nk: number): string {
    const d = this.checkKey(nk, 'key');
    return this.decodeName(d + NK.Name, this.u16(d + NK.NameLength), (this.u16(d + NK.Flags) & KEY_COMP_NAME) !== 0);
  }

  /** Key cells of the leaf lists under a subkey list (one level of `ri` allowed). */
  private leafLists(list: number, what: string): number[] {
    const d = this.cellWithSignature(list, 0, what, 4);
    const sig = this.u16(d);
    if (sig !== SIG.ri) return [list];
    const count = this.u16(d + 2);
    if (4 + 4 * count > this.cell(list, what).length) throw this.bad(`${what}: ri count ${count} runs past its cell`, list);
    const leaves: number[] = [];
    for (let i = 0; i < count; i++) {
      const leaf = this.u32(d + 4 + 4 * i);
      const ld = this.cellWithSignature(leaf, 0, what, 4);
      if (this.u16(ld) === SIG.ri) throw this.bad(`${what}: nested ri list`, leaf);
      leaves.push(leaf);
    }
    return leaves;
  }

  private leafEntries(leaf: number, what: string): { kind: ListKind; keys: number[] } {
    const d = this.cellWithSignature(leaf, 0, what, 4);
    const sig = this.u16(d);
    const kind: ListKind | undefined = sig === SIG.lf ? 'lf' : sig === SIG.lh ? 'lh' : sig === SIG.li ? 'li' : undefined;
    if (!kind) throw this.bad(`${what}: unknown subkey list signature 0x${sig.toString(16)}`, leaf);
    const count = this.u16(d + 2);
    const stride = kind === 'li' ? 4 : 8;
    if (4 + stride * count > this.cell(leaf, what).length) throw this.bad(`${what}: list count ${count} runs past its cell`, leaf);
    const keys: number[] = [];
    for (let i = 0; i < count; i++) keys.push(this.u32(d + 4 + stride * i));
    return { kind, keys };
  }

  subkeys(nk: number): number[] {
    const d = this.checkKey(nk, 'key');
    const list = this.u32(d + NK.SubkeyList);
    const count = this.u32(d + NK.SubkeyCount);
    if (count === 0 || list === NO_CELL) return [];
    const what = `subkey list of '${this.keyName(nk)}'`;
    const keys = this.leafLists(list, what).flatMap((leaf) => this.leafEntries(leaf, what).keys);
    if (keys.length !== count) throw this.bad(`${what}: holds ${keys.length} keys, the key says ${count}`, nk);
    return keys;
  }

  findSubkey(nk: number, name: string): number | undefined {
    for (const child of this.subkeys(nk)) if (compareNames(this.keyName(child), name) === 0) return child;
    return undefined;
  }

  openPath(path: readonly string[]): number | undefined {
    let nk: number | undefined = this.rootOffset;
    for (const part of path) {
      nk = this.findSubkey(nk, part);
      if (nk === undefined) return undefined;
    }
    return nk;
  }

  private newKeyNode(name: string, parent: number, sk: number): number {
    const compressed = isCompressible(name);
    const nameBytes = compressed ? Uint8Array.from(name, (c) => c.charCodeAt(0)) : encodeUtf16le(name);
    const d = this.alloc(NK.Name + nameBytes.length);
    this.setU16(d, SIG.nk);
    this.setU16(d + NK.Flags, compressed ? KEY_COMP_NAME : 0);
    this.dv.setBigUint64(this.abs(d + NK.LastWritten), filetimeNow(), true);
    this.setU32(d + NK.Parent, parent);
    this.setU32(d + NK.SubkeyList, NO_CELL);
    this.setU32(d + NK.VolatileSubkeyList, NO_CELL);
    this.setU32(d + NK.ValueList, NO_CELL);
    this.setU32(d + NK.Security, sk);
    this.setU32(d + NK.Class, NO_CELL);
    this.setU16(d + NK.NameLength, nameBytes.length);
    this.buf.set(nameBytes, this.abs(d + NK.Name));
    return d - 4;
  }

  private touch(nkData: number): void {
    this.dv.setBigUint64(this.abs(nkData + NK.LastWritten), filetimeNow(), true);
  }

  private writeLeaf(kind: ListKind, keys: number[]): number {
    const stride = kind === 'li' ? 4 : 8;
    const d = this.alloc(4 + stride * keys.length);
    this.setU16(d, SIG[kind]);
    this.setU16(d + 2, keys.length);
    keys.forEach((k, i) => {
      this.setU32(d + 4 + stride * i, k);
      if (kind === 'lf') this.setU32(d + 8 + stride * i, lfHint(this.keyName(k)));
      if (kind === 'lh') this.setU32(d + 8 + stride * i, lhHash(this.keyName(k)));
    });
    return d - 4;
  }

  /** Creates an empty subkey sharing its parent's security descriptor; returns its cell offset. */
  createSubkey(parent: number, name: string): number {
    if (this.findSubkey(parent, name) !== undefined) throw this.bad(`key '${name}' already exists`, parent);
    const pd = this.checkKey(parent, 'parent key');
    const sk = this.u32(pd + NK.Security);
    const skd = this.cellWithSignature(sk, SIG.sk, 'security cell', SK.Descriptor);
    const child = this.newKeyNode(name, parent, sk);
    this.setU32(skd + SK.ReferenceCount, this.u32(skd + SK.ReferenceCount) + 1);

    const what = `subkey list of '${this.keyName(parent)}'`;
    const list = this.u32(pd + NK.SubkeyList);
    const count = this.u32(pd + NK.SubkeyCount);
    if (count === 0 || list === NO_CELL) {
      this.setU32(pd + NK.SubkeyList, this.writeLeaf(this.minorVersion >= 5 ? 'lh' : 'lf', [child]));
    } else {
      const leaves = this.leafLists(list, what);
      // The new key goes in the first leaf whose last key sorts after it, else in the last leaf.
      let target = leaves.length - 1;
      for (let i = 0; i < leaves.length; i++) {
        const keys = this.leafEntries(leaves[i]!, what).keys;
        if (keys.length > 0 && compareNames(this.keyName(keys[keys.length - 1]!), name) > 0) {
          target = i;
          break;
        }
      }
      const old = leaves[target]!;
      const { kind, keys } = this.leafEntries(old, what);
      let at = keys.findIndex((k) => compareNames(this.keyName(k), name) > 0);
      if (at < 0) at = keys.length;
      keys.splice(at, 0, child);
      const rewritten = this.writeLeaf(kind, keys);
      this.replaceLeaf(pd, list, old, rewritten);
      this.free(old + 4);
    }
    this.setU32(pd + NK.SubkeyCount, count + 1);
    const nameBytes = name.length * 2;
    const maxName = this.u32(pd + NK.MaxSubkeyNameLength);
    if (nameBytes > (maxName & 0xffff)) this.setU32(pd + NK.MaxSubkeyNameLength, (maxName & 0xffff0000) | nameBytes);
    this.touch(pd);
    return child;
  }

  private replaceLeaf(parentData: number, list: number, old: number, replacement: number | undefined): void {
    if (list === old) {
      this.setU32(parentData + NK.SubkeyList, replacement ?? NO_CELL);
      return;
    }
    const rd = this.cellWithSignature(list, SIG.ri, 'ri list', 4);
    const count = this.u16(rd + 2);
    const entries: number[] = [];
    for (let i = 0; i < count; i++) entries.push(this.u32(rd + 4 + 4 * i));
    const i = entries.indexOf(old);
    if (replacement === undefined) entries.splice(i, 1);
    else entries[i] = replacement;
    if (entries.length === 0) {
      this.free(rd);
      this.setU32(parentData + NK.SubkeyList, NO_CELL);
      return;
    }
    this.setU16(rd + 2, entries.length);
    entries.forEach((e, j) => this.setU32(rd + 4 + 4 * j, e));
  }

  /** Deletes a subkey that has no subkeys and no values. */
  deleteEmptySubkey(parent: number, name: string): void {
    const child = this.findSubkey(parent, name);
    if (child === undefined) return;
    const cd = this.checkKey(child, 'key');
    if (this.u32(cd + NK.SubkeyCount) !== 0 || this.u32(cd + NK.VolatileSubkeyCount) !== 0 || this.u32(cd + NK.ValueCount) !== 0) {
      throw this.bad(`key '${name}' is not empty`, child);
    }
    const pd = this.checkKey(parent, 'parent key');
    const what = `subkey list of '${this.keyName(parent)}'`;
    const list = this.u32(pd + NK.SubkeyList);
    for (const leaf of this.leafLists(list, what)) {
      const { kind, keys } = this.leafEntries(leaf, what);
      const at = keys.indexOf(child);
      if (at < 0) continue;
      keys.splice(at, 1);
      this.replaceLeaf(pd, list, leaf, keys.length > 0 ? this.writeLeaf(kind, keys) : undefined);
      this.free(leaf + 4);
      break;
    }
    this.setU32(pd + NK.SubkeyCount, this.u32(pd + NK.SubkeyCount) - 1);
    this.touch(pd);

    const valueList = this.u32(cd + NK.ValueList);
    if (valueList !== NO_CELL) this.free(valueList + 4);
    const classCell = this.u32(cd + NK.Class);
    if (classCell !== NO_CELL && this.u16(cd + NK.ClassLength) > 0) this.free(classCell + 4);
    this.releaseSecurity(this.u32(cd + NK.Security));
    this.free(cd);
  }

  private releaseSecurity(sk: number): void {
    const d = this.cellWithSignature(sk, SIG.sk, 'security cell', SK.Descriptor);
    const refs = this.u32(d + SK.ReferenceCount) - 1;
    if (refs > 0) {
      this.setU32(d + SK.ReferenceCount, refs);
      return;
    }
    const flink = this.u32(d + SK.Flink);
    const blink = this.u32(d + SK.Blink);
    this.setU32(this.cellWithSignature(blink, SIG.sk, 'security cell', SK.Descriptor) + SK.Flink, flink);
    this.setU32(this.cellWithSignature(flink, SIG.sk, 'security cell', SK.Descriptor) + SK.Blink, blink);
    this.free(d);
  }

  // ---- values ------------------------------------------------------------------------------

  private valueCells(nk: number): number[] {
    const d = this.checkKey(nk, 'key');
    const count = this.u32(d + NK.ValueCount);
    if (count === 0) return [];
    const list = this.u32(d + NK.ValueList);
    const ld = this.cell(list, `value list of '${this.keyName(nk)}'`);
    if (count * 4 > ld.length) throw this.bad(`value count ${count} runs past the value list`, list);
    const cells: number[] = [];
    for (let i = 0; i < count; i++) cells.push(this.u32(ld.data + 4 * i));
    return cells;
  }

  private valueName(vk: number): string {
    const d = this.cellWithSignature(vk, SIG.vk, 'value', VK.Name);
    const len = this.u16(d + VK.NameLength);
    if (VK.Name + len > this.cell(vk, 'value').length) throw this.bad('value name runs past its cell', vk);
    return this.decodeName(d + VK.Name, len, (this.u16(d + VK.Flags) & VALUE_COMP_NAME) !== 0);
  }

  private findValue(nk: number, name: string): number | undefined {
    return this.valueCells(nk).find((vk) => compareNames(this.valueName(vk), name) === 0);
  }

  valueNames(nk: number): string[] {
    return this.valueCells(nk).map((vk) => this.valueName(vk));
  }

  getValue(nk: number, name: string): RegValue | undefined {
    const vk = this.findValue(nk, name);
    return vk === undefined ? undefined : this.readValue(vk);
  }

  private readValue(vk: number): RegValue {
    const d = this.cellWithSignature(vk, SIG.vk, 'value', VK.Name);
    const type = this.u32(d + VK.Type);
    const rawSize = this.u32(d + VK.DataSize);
    if (rawSize & DATA_INLINE) {
      const size = rawSize & ~DATA_INLINE;
      if (size > 4) throw this.bad(`inline value data of ${size} bytes`, vk);
      return { type, data: this.buf.slice(this.abs(d + VK.Data), this.abs(d + VK.Data) + size) };
    }
    const size = rawSize;
    const at = this.u32(d + VK.Data);
    if (size === 0) return { type, data: new Uint8Array() };
    const c = this.cell(at, `data of value '${this.valueName(vk)}'`);
    if (size > BIG_DATA_SEGMENT && this.minorVersion >= 4 && c.length >= 8 && this.u16(c.data) === SIG.db) {
      return { type, data: this.readBigData(c.data, size) };
    }
    if (size > c.length) throw this.bad(`value data of ${size} bytes runs past its ${c.length}-byte cell`, at);
    return { type, data: this.buf.slice(this.abs(c.data), this.abs(c.data) + size) };
  }

  private readBigData(db: number, size: number): Uint8Array {
    const count = this.u16(db + DB.SegmentCount);
    const list = this.cell(this.u32(db + DB.SegmentList), 'big data segment list');
    if (count * 4 > list.length) throw this.bad(`big data segment count ${count} runs past its list`, db - 4);
    const out = new Uint8Array(size);
    let filled = 0;
    for (let i = 0; i < count && filled < size; i++) {
      const seg = this.cell(this.u32(list.data + 4 * i), 'big data segment');
      const take = Math.min(seg.length, BIG_DATA_SEGMENT, size - filled);
      out.set(this.buf.subarray(this.abs(seg.data), this.abs(seg.data) + take), filled);
      filled += take;
    }
    if (filled < size) throw this.bad(`big data holds ${filled} of ${size} bytes`, db - 4);
    return out;
  }

  private freeValueData(vkData: number): void {
    const rawSize = this.u32(vkData + VK.DataSize);
    if (rawSize & DATA_INLINE || rawSize === 0) return;
    const at = this.u32(vkData + VK.Data);
    const c = this.cell(at, 'value data');
    if (rawSize > BIG_DATA_SEGMENT && this.minorVersion >= 4 && c.length >= 8 && this.u16(c.data) === SIG.db) {
      const count = this.u16(c.data + DB.SegmentCount);
      const list = this.cell(this.u32(c.data + DB.SegmentList), 'big data segment list');
      for (let i = 0; i < count; i++) this.free(this.u32(list.data + 4 * i) + 4);
      this.free(list.data);
    }
    this.free(c.data);
  }

  private writeValueData(vkData: number, data: Uint8Array): void {
    if (data.length <= 4) {
      const inline = new Uint8Array(4);
      inline.set(data);
      this.buf.set(inline, this.abs(vkData + VK.Data));
      this.setU32(vkData + VK.DataSize, (DATA_INLINE | data.length) >>> 0);
      return;
    }
    let cell: number;
    if (data.length > BIG_DATA_SEGMENT && this.minorVersion >= 4) {
      const segments: number[] = [];
      for (let at = 0; at < data.length; at += BIG_DATA_SEGMENT) segments.push(this.allocCopy(data.subarray(at, at + BIG_DATA_SEGMENT)) - 4);
      const list = this.alloc(4 * segments.length);
      segments.forEach((s, i) => this.setU32(list + 4 * i, s));
      cell = this.alloc(8);
      this.setU16(cell, SIG.db);
      this.setU16(cell + DB.SegmentCount, segments.length);
      this.setU32(cell + DB.SegmentList, list - 4);
    } else {
      if (data.length + 4 > HBIN_ALIGN * 256) throw this.bad(`value data of ${data.length} bytes is too large for format 1.${this.minorVersion}`);
      cell = this.allocCopy(data);
    }
    this.setU32(vkData + VK.Data, cell - 4);
    this.setU32(vkData + VK.DataSize, data.length);
  }

  setValue(nk: number, name: string, value: RegValue): void {
    const existing = this.findValue(nk, name);
    let vkData: number;
    const kd = this.checkKey(nk, 'key');
    if (existing !== undefined) {
      vkData = existing + 4;
      this.freeValueData(vkData);
    } else {
      const compressed = isCompressible(name);
      const nameBytes = compressed ? Uint8Array.from(name, (c) => c.charCodeAt(0)) : encodeUtf16le(name);
      vkData = this.alloc(VK.Name + nameBytes.length);
      this.setU16(vkData, SIG.vk);
      this.setU16(vkData + VK.NameLength, nameBytes.length);
      this.setU16(vkData + VK.Flags, compressed ? VALUE_COMP_NAME : 0);
      this.buf.set(nameBytes, this.abs(vkData + VK.Name));
      const cells = this.valueCells(nk);
      const oldList = this.u32(kd + NK.ValueList);
      const list = this.alloc(4 * (cells.length + 1));
      [...cells, vkData - 4].forEach((c, i) => this.setU32(list + 4 * i, c));
      if (cells.length > 0) this.free(oldList + 4);
      this.setU32(kd + NK.ValueList, list - 4);
      this.setU32(kd + NK.ValueCount, cells.length + 1);
      if (name.length * 2 > this.u32(kd + NK.MaxValueNameLength)) this.setU32(kd + NK.MaxValueNameLength, name.length * 2);
    }
    this.setU32(vkData + VK.Type, value.type);
    this.writeValueData(vkData, value.data);
    if (value.data.length > this.u32(kd + NK.MaxValueDataSize)) this.setU32(kd + NK.MaxValueDataSize, value.data.length);
    this.touch(kd);
  }

  deleteValue(nk: number, name: string): boolean {
    const vk = this.findValue(nk, name);
    if (vk === undefined) return false;
    const kd = this.checkKey(nk, 'key');
    const cells = this.valueCells(nk).filter((c) => c !== vk);
    const oldList = this.u32(kd + NK.ValueList);
    this.freeValueData(vk + 4);
    this.free(vk + 4);
    this.free(oldList + 4);
    if (cells.length === 0) {
      this.setU32(kd + NK.ValueList, NO_CELL);
    } else {
      const list = this.alloc(4 * cells.length);
      cells.forEach((c, i) => this.setU32(list + 4 * i, c));
      this.setU32(kd + NK.ValueList, list - 4);
    }
    this.setU32(kd + NK.ValueCount, cells.length);
    this.touch(kd);
    return true;
  }
}

/**
 * A self-relative SECURITY_DESCRIPTOR for new hives: owner Administrators, group SYSTEM, and a
 * DACL granting KEY_ALL_ACCESS to SYSTEM and Administrators and KEY_READ to Users.
 */
function defaultSecurityDescriptor(): Uint8Array {
  const sid = (rid: number[]) => {
    const b = new Uint8Array(8 + 4 * rid.length);
    const v = new DataView(b.buffer);
    b[0] = 1; // revision
    b[1] = rid.length;
    b[7] = 5; // SECURITY_NT_AUTHORITY
    rid.forEach((r, i) => v.setUint32(8 + 4 * i, r, true));
    return b;
  };
  const system = sid([18]);
  const admins = sid([32, 544]);
  const users = sid([32, 545]);
  const ace = (mask: number, s: Uint8Array) => {
    const b = new Uint8Array(8 + s.length);
    const v = new DataView(b.buffer);
    b[0] = 0; // ACCESS_ALLOWED_ACE_TYPE
    b[1] = 0x02; // CONTAINER_INHERIT_ACE
    v.setUint16(2, b.length, true);
    v.setUint32(4, mask, true);
    b.set(s, 8);
    return b;
  };
  const aces = [ace(0xf003f, system), ace(0xf003f, admins), ace(0x20019, users)];
  const aclSize = 8 + aces.reduce((n, a) => n + a.length, 0);
  const acl = new Uint8Array(aclSize);
  const av = new DataView(acl.buffer);
  acl[0] = 2; // ACL_REVISION
  av.setUint16(2, aclSize, true);
  av.setUint16(4, aces.length, true);
  let at = 8;
  for (const a of aces) {
    acl.set(a, at);
    at += a.length;
  }
  const header = 20;
  const sd = new Uint8Array(header + admins.length + system.length + acl.length);
  const sv = new DataView(sd.buffer);
  sd[0] = 1; // revision
  sv.setUint16(2, 0x8004, true); // SE_SELF_RELATIVE | SE_DACL_PRESENT
  sv.setUint32(4, header, true); // owner
  sv.setUint32(8, header + admins.length, true); // group
  sv.setUint32(12, 0, true); // no SACL
  sv.setUint32(16, header + admins.length + system.length, true); // DACL
  sd.set(admins, header);
  sd.set(system, header + admins.length);
  sd.set(acl, header + admins.length + system.length);
  return sd;
}
