// PE images: a writer for resource-only DLLs (one .rsrc section, no code, no imports) and a
// reader that finds the resource directory of any PE32/PE32+ image and lists its leaves.
//
// Written DLL layout (all offsets fixed):
//   0x000  IMAGE_DOS_HEADER (64 bytes, e_lfanew = 0x40, no DOS stub program)
//   0x040  "PE\0\0", IMAGE_FILE_HEADER, IMAGE_OPTIONAL_HEADER32/64 (16 data directories)
//          IMAGE_SECTION_HEADER ".rsrc"
//   0x200  .rsrc raw data, mapped at RVA 0x1000:
//            resource directories (type -> name -> language), breadth first
//            IMAGE_RESOURCE_DATA_ENTRY[]
//            directory strings (WORD length + UTF-16LE, for named types/names)
//            resource data, each item 8-byte aligned
//
// Such an image is what `link /DLL /NOENTRY` makes of a .res: LoadLibraryEx with
// LOAD_LIBRARY_AS_DATAFILE maps it and FormatMessage(FORMAT_MESSAGE_FROM_HMODULE) reads it.

import { RT_MESSAGETABLE, type MessageTableResource, type ResourceId } from './res.js';
import { FormatError } from '../binary/errors.js';

export type Machine = 'x86' | 'x64' | 'arm64';

export const IMAGE_FILE_MACHINE: Record<Machine, number> = { x86: 0x014c, x64: 0x8664, arm64: 0xaa64 };

const IMAGE_NT_SIGNATURE = 0x00004550; // "PE\0\0"
const IMAGE_DOS_SIGNATURE = 0x5a4d; // "MZ"
const PE32_MAGIC = 0x10b;
const PE32PLUS_MAGIC = 0x20b;
const IMAGE_DIRECTORY_ENTRY_RESOURCE = 2;
const NUMBER_OF_DATA_DIRECTORIES = 16;

const FILE_HEADER_SIZE = 20;
const SECTION_HEADER_SIZE = 40;
const OPTIONAL_HEADER_SIZE = { pe32: 96 + 8 * NUMBER_OF_DATA_DIRECTORIES, pe32plus: 112 + 8 * NUMBER_OF_DATA_DIRECTORIES };

// IMAGE_FILE_HEADER.Characteristics
const IMAGE_FILE_EXECUTABLE_IMAGE = 0x0002;
const IMAGE_FILE_LARGE_ADDRESS_AWARE = 0x0020;
const IMAGE_FILE_32BIT_MACHINE = 0x0100;
const IMAGE_FILE_DLL = 0x2000;
// IMAGE_OPTIONAL_HEADER.DllCharacteristics
const IMAGE_DLLCHARACTERISTICS_HIGH_ENTROPY_VA = 0x0020;
const IMAGE_DLLCHARACTERISTICS_DYNAMIC_BASE = 0x0040;
const IMAGE_DLLCHARACTERISTICS_NX_COMPAT = 0x0100;
const IMAGE_SUBSYSTEM_WINDOWS_GUI = 2;
// IMAGE_SECTION_HEADER.Characteristics
const IMAGE_SCN_CNT_INITIALIZED_DATA = 0x00000040;
const IMAGE_SCN_MEM_READ = 0x40000000;

const DOS_HEADER_SIZE = 0x40;
const FILE_ALIGNMENT = 0x200;
const SECTION_ALIGNMENT = 0x1000;
const RSRC_RVA = 0x1000;

const RESOURCE_DIRECTORY_SIZE = 16;
const RESOURCE_DIRECTORY_ENTRY_SIZE = 8;
const RESOURCE_DATA_ENTRY_SIZE = 16;
const SUBDIRECTORY_FLAG = 0x80000000;
const NAME_IS_STRING_FLAG = 0x80000000;

function alignUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

/** One leaf of a PE resource tree. */
export interface PeResource {
  type: ResourceId;
  name: ResourceId;
  languageId: number;
  codepage: number;
  data: Uint8Array;
}

// ---------------------------------------------------------------------------------------------
// Resource section (.rsrc)

interface Directory<T> {
  entries: { id: ResourceId; child: T }[];
}

/** PE order inside a directory: named entries first, then ordinals, each ascending. */
function compareIds(a: ResourceId, b: ResourceId): number {
  if (typeof a === 'string' && typeof b === 'string') {
    const ua = a.toUpperCase();
    const ub = b.toUpperCase();
    return ua < ub ? -1 : ua > ub ? 1 : 0;
  }
  if (typeof a === 'string') return -1;
  if (typeof b === 'string') return 1;
  return a - b;
}

function sameId(a: ResourceId, b: ResourceId): boolean {
  return typeof a === typeof b && (typeof a === 'number' ? a === b : (a as string).toUpperCase() === (b as string).toUpperCase());
}

function groupBy<T>(items: readonly T[], key: (item: T) => ResourceId): Directory<T[]> {
  const entries: { id: ResourceId; child: T[] }[] = [];
  for (const item of items) {
    const id = key(item);
    const found = entries.find((e) => sameId(e.id, id));
    if (found) found.child.push(item);
    else entries.push({ id, child: [item] });
  }
  entries.sort((x, y) => compareIds(x.id, y.id));
  return { entries };
}

/**
 * Builds a .rsrc section whose first byte will be mapped at `sectionRva`. Data entries hold
 * RVAs, so the section is only valid at that address.
 */
export function writeResourceSection(resources: readonly PeResource[], sectionRva: number): Uint8Array {
  const types = groupBy(resources, (r) => r.type);
  const tree = types.entries.map((t) => ({
    id: t.id,
    names: groupBy(t.child, (r) => r.name).entries.map((n) => ({
      id: n.id,
      languages: [...n.child].sort((a, b) => a.languageId - b.languageId),
    })),
  }));
  for (const t of tree) {
    for (const n of t.names) {
      for (let i = 1; i < n.languages.length; i++) {
        if (n.languages[i]!.languageId === n.languages[i - 1]!.languageId) {
          throw new RangeError(`two resources of type ${String(t.id)}, name ${String(n.id)} and language 0x${n.languages[i]!.languageId.toString(16)}`);
        }
      }
    }
  }

  const directorySize = (count: number) => RESOURCE_DIRECTORY_SIZE + count * RESOURCE_DIRECTORY_ENTRY_SIZE;
  // Breadth first: root, every name directory, every language directory.
  let offset = directorySize(tree.length);
  const nameDirOffsets: number[] = [];
  for (const t of tree) {
    nameDirOffsets.push(offset);
    offset += directorySize(t.names.length);
  }
  const langDirOffsets: number[][] = [];
  for (const t of tree) {
    langDirOffsets.push(
      t.names.map((n) => {
        const at = offset;
        offset += directorySize(n.languages.length);
        return at;
      }),
    );
  }
  const leaves = tree.flatMap((t) => t.names.flatMap((n) => n.languages));
  const dataEntriesAt = offset;
  offset += leaves.length * RESOURCE_DATA_ENTRY_SIZE;

  const strings = new Map<string, number>();
  for (const t of tree) {
    for (const id of [t.id, ...t.names.map((n) => n.id)]) {
      if (typeof id === 'string' && !strings.has(id)) {
        strings.set(id, offset);
        offset += 2 + id.length * 2;
      }
    }
  }
  const dataOffsets = leaves.map((leaf) => {
    offset = alignUp(offset, 8);
    const at = offset;
    offset += leaf.data.length;
    return at;
  });
  const size = alignUp(offset, 8);

  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  const writeDirectory = (at: number, ids: ResourceId[], targets: number[]) => {
    const named = ids.filter((id) => typeof id === 'string').length;
    view.setUint16(at + 12, named, true);
    view.setUint16(at + 14, ids.length - named, true);
    ids.forEach((id, i) => {
      const e = at + RESOURCE_DIRECTORY_SIZE + i * RESOURCE_DIRECTORY_ENTRY_SIZE;
      view.setUint32(e, typeof id === 'string' ? (NAME_IS_STRING_FLAG | strings.get(id)!) >>> 0 : id, true);
      view.setUint32(e + 4, targets[i]! >>> 0, true);
    });
  };
  writeDirectory(
    0,
    tree.map((t) => t.id),
    nameDirOffsets.map((o) => SUBDIRECTORY_FLAG | o),
  );
  let leafIndex = 0;
  tree.forEach((t, ti) => {
    writeDirectory(
      nameDirOffsets[ti]!,
      t.names.map((n) => n.id),
      langDirOffsets[ti]!.map((o) => SUBDIRECTORY_FLAG | o),
    );
    t.names.forEach((n, ni) => {
      const targets = n.languages.map(() => dataEntriesAt + RESOURCE_DATA_ENTRY_SIZE * leafIndex++);
      writeDirectory(
        langDirOffsets[ti]![ni]!,
        n.languages.map((l) => l.languageId),
        targets,
      );
    });
  });
  leaves.forEach((leaf, i) => {
    const e = dataEntriesAt + i * RESOURCE_DATA_ENTRY_SIZE;
    view.setUint32(e, sectionRva + dataOffsets[i]!, true);
    view.setUint32(e + 4, leaf.data.length, true);
    view.setUint32(e + 8, leaf.codepage, true);
    out.set(leaf.data, dataOffsets[i]!);
  });
  for (const [s, at] of strings) {
    view.setUint16(at, s.length, true);
    for (let i = 0; i < s.length; i++) view.setUint16(at + 2 + i * 2, s.charCodeAt(i), true);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Resource-only DLL

export interface WriteDllOptions {
  machine: Machine;
}

/** Writes a resource-only DLL holding the given resources. */
export function writeResourceDll(resources: readonly PeResource[], options: WriteDllOptions): Uint8Array {
  const machine = IMAGE_FILE_MACHINE[options.machine];
  if (machine === undefined) throw new RangeError(`unknown machine '${String(options.machine)}' (x86, x64 or arm64)`);
  const is64 = options.machine !== 'x86';
  const optionalHeaderSize = is64 ? OPTIONAL_HEADER_SIZE.pe32plus : OPTIONAL_HEADER_SIZE.pe32;
  const ntAt = DOS_HEADER_SIZE;
  const fileHeaderAt = ntAt + 4;
  const optionalAt = fileHeaderAt + FILE_HEADER_SIZE;
  const sectionTableAt = optionalAt + optionalHeaderSize;
  const sizeOfHeaders = alignUp(sectionTableAt + SECTION_HEADER_SIZE, FILE_ALIGNMENT);

  const rsrc = writeResourceSection(resources, RSRC_RVA);
  const rawSize = alignUp(rsrc.length, FILE_ALIGNMENT);
  const out = new Uint8Array(sizeOfHeaders + rawSize);
  const view = new DataView(out.buffer);

  // IMAGE_DOS_HEADER: only e_magic and e_lfanew matter to the Windows loader.
  view.setUint16(0, IMAGE_DOS_SIGNATURE, true);
  view.setUint16(0x08, DOS_HEADER_SIZE / 16, true); // e_cparhdr: header size in paragraphs
  view.setUint32(0x3c, ntAt, true);

  view.setUint32(ntAt, IMAGE_NT_SIGNATURE, true);
  // IMAGE_FILE_HEADER. TimeDateStamp stays 0 so the output is reproducible.
  view.setUint16(fileHeaderAt, machine, true);
  view.setUint16(fileHeaderAt + 2, 1, true); // NumberOfSections
  view.setUint16(fileHeaderAt + 16, optionalHeaderSize, true);
  view.setUint16(
    fileHeaderAt + 18,
    IMAGE_FILE_EXECUTABLE_IMAGE | IMAGE_FILE_DLL | (is64 ? IMAGE_FILE_LARGE_ADDRESS_AWARE : IMAGE_FILE_32BIT_MACHINE),
    true,
  );

  // IMAGE_OPTIONAL_HEADER32 / IMAGE_OPTIONAL_HEADER64
  const o = optionalAt;
  view.setUint16(o, is64 ? PE32PLUS_MAGIC : PE32_MAGIC, true);
  view.setUint32(o + 8, rawSize, true); // SizeOfInitializedData
  view.setUint32(o + 20, RSRC_RVA, true); // BaseOfCode (no code; points at the only section as link.exe does)
  if (is64) {
    view.setBigUint64(o + 24, 0x180000000n, true); // ImageBase
  } else {
    view.setUint32(o + 24, RSRC_RVA, true); // BaseOfData
    view.setUint32(o + 28, 0x10000000, true); // ImageBase
  }
  view.setUint32(o + 32, SECTION_ALIGNMENT, true);
  view.setUint32(o + 36, FILE_ALIGNMENT, true);
  const [osMajor, osMinor] = options.machine === 'arm64' ? [6, 2] : [6, 0];
  view.setUint16(o + 40, osMajor, true); // MajorOperatingSystemVersion
  view.setUint16(o + 42, osMinor, true);
  view.setUint16(o + 48, osMajor, true); // MajorSubsystemVersion
  view.setUint16(o + 50, osMinor, true);
  view.setUint32(o + 56, RSRC_RVA + alignUp(rsrc.length, SECTION_ALIGNMENT), true); // SizeOfImage
  view.setUint32(o + 60, sizeOfHeaders, true);
  view.setUint16(o + 68, IMAGE_SUBSYSTEM_WINDOWS_GUI, true);
  view.setUint16(
    o + 70,
    IMAGE_DLLCHARACTERISTICS_DYNAMIC_BASE | IMAGE_DLLCHARACTERISTICS_NX_COMPAT | (is64 ? IMAGE_DLLCHARACTERISTICS_HIGH_ENTROPY_VA : 0),
    true,
  );
  const reserveAndCommit = [0x100000, 0x1000, 0x100000, 0x1000]; // stack reserve/commit, heap reserve/commit
  let at = o + 72;
  for (const v of reserveAndCommit) {
    if (is64) {
      view.setBigUint64(at, BigInt(v), true);
      at += 8;
    } else {
      view.setUint32(at, v, true);
      at += 4;
    }
  }
  at += 4; // LoaderFlags
  view.setUint32(at, NUMBER_OF_DATA_DIRECTORIES, true);
  const dataDirectoriesAt = at + 4;
  view.setUint32(dataDirectoriesAt + 8 * IMAGE_DIRECTORY_ENTRY_RESOURCE, RSRC_RVA, true);
  view.setUint32(dataDirectoriesAt + 8 * IMAGE_DIRECTORY_ENTRY_RESOURCE + 4, rsrc.length, true);

  // IMAGE_SECTION_HEADER
  const s = sectionTableAt;
  out.set(new TextEncoder().encode('.rsrc'), s);
  view.setUint32(s + 8, rsrc.length, true); // VirtualSize
  view.setUint32(s + 12, RSRC_RVA, true);
  view.setUint32(s + 16, rawSize, true);
  view.setUint32(s + 20, sizeOfHeaders, true); // PointerToRawData
  view.setUint32(s + 36, IMAGE_SCN_CNT_INITIALIZED_DATA | IMAGE_SCN_MEM_READ, true);

  out.set(rsrc, sizeOfHeaders);
  view.setUint32(o + 64, peChecksum(out, o + 64), true);
  return out;
}

/** A resource-only DLL with one RT_MESSAGETABLE resource (name 1) per language. */
export function writeMessageDll(resources: readonly MessageTableResource[], options: WriteDllOptions): Uint8Array {
  return writeResourceDll(
    resources.map((r) => ({ type: RT_MESSAGETABLE, name: 1, languageId: r.languageId, codepage: 0, data: r.data })),
    options,
  );
}

/**
 * The image checksum of IMAGEHLP's CheckSumMappedFile: a 16-bit one's-complement style sum of
 * the file with the CheckSum field taken as zero, plus the file length.
 */
export function peChecksum(bytes: Uint8Array, checksumAt: number): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) {
    let word = bytes[i]! | ((bytes[i + 1] ?? 0) << 8);
    if (i >= checksumAt && i < checksumAt + 4) word = 0;
    sum += word;
    sum = (sum & 0xffff) + (sum >>> 16);
  }
  sum = (sum & 0xffff) + (sum >>> 16);
  return (sum + bytes.length) >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Reader

/** A malformed PE file image: a FormatError with format 'PE'. */
export class PeFormatError extends FormatError {
  constructor(message: string, offset: number, structure?: string) {
    super('PE', message, offset, { structure });
    this.name = 'PeFormatError';
  }
}

export interface PeSection {
  name: string;
  virtualSize: number;
  virtualAddress: number;
  sizeOfRawData: number;
  pointerToRawData: number;
  characteristics: number;
}

export interface PeImage {
  machine: number;
  /** PE32+ (64-bit optional header). */
  is64: boolean;
  characteristics: number;
  sections: PeSection[];
  resourceDirectory: { rva: number; size: number };
}

/** True when the bytes start with an MZ header whose e_lfanew points at a PE signature. */
export function looksLikePe(bytes: Uint8Array): boolean {
  if (bytes.length < DOS_HEADER_SIZE || bytes[0] !== 0x4d || bytes[1] !== 0x5a) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ntAt = view.getUint32(0x3c, true);
  return ntAt + 4 <= bytes.length && view.getUint32(ntAt, true) === IMAGE_NT_SIGNATURE;
}

export function machineName(machine: number): string {
  const known = Object.entries(IMAGE_FILE_MACHINE).find(([, v]) => v === machine);
  return known ? known[0] : `0x${machine.toString(16).padStart(4, '0')}`;
}

/** Reads the headers and section table of a PE32 or PE32+ image. */
export function readPeImage(bytes: Uint8Array): PeImage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < DOS_HEADER_SIZE) throw new PeFormatError('file shorter than an IMAGE_DOS_HEADER', 0);
  if (view.getUint16(0, true) !== IMAGE_DOS_SIGNATURE) throw new PeFormatError("no 'MZ' signature in IMAGE_DOS_HEADER.e_magic", 0);
  const ntAt = view.getUint32(0x3c, true);
  if (ntAt > bytes.length - 4 - FILE_HEADER_SIZE) throw new PeFormatError(`e_lfanew 0x${ntAt.toString(16)} points past the end of the file`, 0x3c);
  if (view.getUint32(ntAt, true) !== IMAGE_NT_SIGNATURE) throw new PeFormatError("no 'PE\\0\\0' signature where e_lfanew points", ntAt);
  const fh = ntAt + 4;
  const machine = view.getUint16(fh, true);
  const numberOfSections = view.getUint16(fh + 2, true);
  const optionalSize = view.getUint16(fh + 16, true);
  const characteristics = view.getUint16(fh + 18, true);
  const oh = fh + FILE_HEADER_SIZE;
  if (oh + optionalSize > bytes.length) throw new PeFormatError(`SizeOfOptionalHeader ${optionalSize} runs past the end of the file`, fh + 16);
  if (optionalSize < 2) throw new PeFormatError('no optional header (an object file, not an image)', fh + 16);
  const magic = view.getUint16(oh, true);
  if (magic !== PE32_MAGIC && magic !== PE32PLUS_MAGIC) {
    throw new PeFormatError(`optional header Magic 0x${magic.toString(16)} is neither PE32 (0x10b) nor PE32+ (0x20b)`, oh);
  }
  const is64 = magic === PE32PLUS_MAGIC;
  const countAt = oh + (is64 ? 108 : 92);
  let resourceDirectory = { rva: 0, size: 0 };
  if (countAt + 4 <= oh + optionalSize) {
    const count = view.getUint32(countAt, true);
    const dirAt = countAt + 4 + 8 * IMAGE_DIRECTORY_ENTRY_RESOURCE;
    if (count > IMAGE_DIRECTORY_ENTRY_RESOURCE && dirAt + 8 <= oh + optionalSize) {
      resourceDirectory = { rva: view.getUint32(dirAt, true), size: view.getUint32(dirAt + 4, true) };
    }
  }
  const tableAt = oh + optionalSize;
  if (tableAt + numberOfSections * SECTION_HEADER_SIZE > bytes.length) {
    throw new PeFormatError(`section table of ${numberOfSections} entries runs past the end of the file`, tableAt);
  }
  const sections: PeSection[] = [];
  for (let i = 0; i < numberOfSections; i++) {
    const s = tableAt + i * SECTION_HEADER_SIZE;
    const rawName = bytes.subarray(s, s + 8);
    const nul = rawName.indexOf(0);
    sections.push({
      name: new TextDecoder('latin1').decode(nul < 0 ? rawName : rawName.subarray(0, nul)),
      virtualSize: view.getUint32(s + 8, true),
      virtualAddress: view.getUint32(s + 12, true),
      sizeOfRawData: view.getUint32(s + 16, true),
      pointerToRawData: view.getUint32(s + 20, true),
      characteristics: view.getUint32(s + 36, true),
    });
  }
  return { machine, is64, characteristics, sections, resourceDirectory };
}

/** File offset of `size` bytes at `rva`, or an error when they are not backed by the file. */
function rvaToOffset(image: PeImage, bytes: Uint8Array, rva: number, size: number, what: string): number {
  for (const s of image.sections) {
    const span = Math.max(s.virtualSize, s.sizeOfRawData);
    if (rva >= s.virtualAddress && rva < s.virtualAddress + span) {
      const delta = rva - s.virtualAddress;
      if (delta + size > s.sizeOfRawData || s.pointerToRawData + delta + size > bytes.length) {
        throw new PeFormatError(`${what} at RVA 0x${rva.toString(16)} (${size} bytes) is not stored in the file (section ${s.name})`, s.pointerToRawData + delta);
      }
      return s.pointerToRawData + delta;
    }
  }
  throw new PeFormatError(`${what} at RVA 0x${rva.toString(16)} lies in no section`, 0);
}

/** Every leaf of the image's resource tree (type, name, language), in directory order. */
export function readPeResources(bytes: Uint8Array, image: PeImage = readPeImage(bytes)): PeResource[] {
  const { rva, size } = image.resourceDirectory;
  if (rva === 0 || size === 0) return [];
  const base = rvaToOffset(image, bytes, rva, RESOURCE_DIRECTORY_SIZE, 'resource directory');
  // The directory's Size is often too small in linker output; bound reads by the section instead.
  const section = image.sections.find((s) => rva >= s.virtualAddress && rva < s.virtualAddress + Math.max(s.virtualSize, s.sizeOfRawData))!;
  const limit = Math.min(bytes.length, section.pointerToRawData + section.sizeOfRawData);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const visited = new Set<number>();
  const out: PeResource[] = [];

  const readName = (field: number, entryAt: number): ResourceId => {
    if ((field & NAME_IS_STRING_FLAG) === 0) return field & 0xffff;
    const at = base + (field & ~NAME_IS_STRING_FLAG);
    if (at + 2 > limit) throw new PeFormatError('resource name string lies outside the resource section', entryAt);
    const length = view.getUint16(at, true);
    if (at + 2 + length * 2 > limit) throw new PeFormatError(`resource name string of ${length} characters runs past the resource section`, at);
    let s = '';
    for (let i = 0; i < length; i++) s += String.fromCharCode(view.getUint16(at + 2 + i * 2, true));
    return s;
  };

  const walk = (dirOffset: number, depth: number, path: ResourceId[]) => {
    const at = base + dirOffset;
    if (visited.has(at)) throw new PeFormatError('resource directory reached twice (shared or looping subdirectory)', at);
    visited.add(at);
    if (at + RESOURCE_DIRECTORY_SIZE > limit) throw new PeFormatError('resource directory lies outside the resource section', at);
    const count = view.getUint16(at + 12, true) + view.getUint16(at + 14, true);
    if (at + RESOURCE_DIRECTORY_SIZE + count * RESOURCE_DIRECTORY_ENTRY_SIZE > limit) {
      throw new PeFormatError(`resource directory with ${count} entries runs past the resource section`, at);
    }
    for (let i = 0; i < count; i++) {
      const e = at + RESOURCE_DIRECTORY_SIZE + i * RESOURCE_DIRECTORY_ENTRY_SIZE;
      const id = readName(view.getUint32(e, true), e);
      const target = view.getUint32(e + 4, true);
      const isDirectory = (target & SUBDIRECTORY_FLAG) !== 0;
      if (depth < 2) {
        if (!isDirectory) throw new PeFormatError(`resource ${depth === 0 ? 'type' : 'name'} entry points at data instead of a directory`, e);
        walk(target & ~SUBDIRECTORY_FLAG, depth + 1, [...path, id]);
        continue;
      }
      if (isDirectory) throw new PeFormatError('resource language entry points at a fourth directory level', e);
      if (typeof id === 'string') throw new PeFormatError('resource language entry has a name instead of a LANGID', e);
      const dataEntry = base + target;
      if (dataEntry + RESOURCE_DATA_ENTRY_SIZE > limit) throw new PeFormatError('IMAGE_RESOURCE_DATA_ENTRY lies outside the resource section', e);
      const dataRva = view.getUint32(dataEntry, true);
      const dataSize = view.getUint32(dataEntry + 4, true);
      const dataAt = rvaToOffset(image, bytes, dataRva, dataSize, `resource data of type ${String(path[0])}, name ${String(path[1])}`);
      out.push({
        type: path[0]!,
        name: path[1]!,
        languageId: id,
        codepage: view.getUint32(dataEntry + 8, true),
        data: bytes.slice(dataAt, dataAt + dataSize),
      });
    }
  };
  walk(0, 0, []);
  return out;
}
