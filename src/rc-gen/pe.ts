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
import { readerFormatError } from '../binary/errors.js';
import { alignUp, writeUtf16le } from '../binary/codec.js';
import { ByteReader } from '../binary/reader.js';
import {
  IMAGE_DATA_DIRECTORY,
  IMAGE_DIRECTORY_ENTRY_RESOURCE,
  IMAGE_DOS_HEADER,
  IMAGE_DOS_SIGNATURE,
  IMAGE_FILE_HEADER,
  IMAGE_NT_SIGNATURE,
  IMAGE_NUMBEROF_DIRECTORY_ENTRIES,
  IMAGE_RESOURCE_DATA_ENTRY,
  IMAGE_RESOURCE_DIRECTORY,
  IMAGE_RESOURCE_DIRECTORY_ENTRY,
  IMAGE_SECTION_HEADER,
  NAME_IS_STRING_FLAG,
  NT_SIGNATURE_SIZE,
  PE32_MAGIC,
  PE32PLUS_MAGIC,
  SUBDIRECTORY_FLAG,
  optionalHeaderLayout,
} from './pe-layout.js';

export type Machine = 'x86' | 'x64' | 'arm64';

export const IMAGE_FILE_MACHINE: Record<Machine, number> = { x86: 0x014c, x64: 0x8664, arm64: 0xaa64 };

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

const FILE_ALIGNMENT = 0x200;
const SECTION_ALIGNMENT = 0x1000;
const RSRC_RVA = 0x1000;

const RESOURCE_DIRECTORY_SIZE = IMAGE_RESOURCE_DIRECTORY.size;
const RESOURCE_DIRECTORY_ENTRY_SIZE = IMAGE_RESOURCE_DIRECTORY_ENTRY.size;
const RESOURCE_DATA_ENTRY_SIZE = IMAGE_RESOURCE_DATA_ENTRY.size;

/** One leaf of a PE resource tree. */
export interface PeResource {
  type: ResourceId;
  name: ResourceId;
  languageId: number;
  codepage: number;
  data: Uint8Array;
  /** File offset of `data`, when read from a file (readPeResources). */
  dataOffset?: number;
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
  const writeDirectory = (at: number, ids: ResourceId[], targets: number[]) => {
    const named = ids.filter((id) => typeof id === 'string').length;
    IMAGE_RESOURCE_DIRECTORY.write(out, at, { NumberOfNamedEntries: named, NumberOfIdEntries: ids.length - named });
    ids.forEach((id, i) => {
      IMAGE_RESOURCE_DIRECTORY_ENTRY.write(out, at + RESOURCE_DIRECTORY_SIZE + i * RESOURCE_DIRECTORY_ENTRY_SIZE, {
        Name: typeof id === 'string' ? (NAME_IS_STRING_FLAG | strings.get(id)!) >>> 0 : id,
        OffsetToData: targets[i]! >>> 0,
      });
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
    IMAGE_RESOURCE_DATA_ENTRY.write(out, dataEntriesAt + i * RESOURCE_DATA_ENTRY_SIZE, {
      OffsetToData: sectionRva + dataOffsets[i]!,
      Size: leaf.data.length,
      CodePage: leaf.codepage,
    });
    out.set(leaf.data, dataOffsets[i]!);
  });
  const view = new DataView(out.buffer);
  for (const [s, at] of strings) {
    view.setUint16(at, s.length, true);
    writeUtf16le(out, at + 2, s);
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
  const optional = optionalHeaderLayout(is64);
  const ntAt = IMAGE_DOS_HEADER.size;
  const fileHeaderAt = ntAt + NT_SIGNATURE_SIZE;
  const optionalAt = fileHeaderAt + IMAGE_FILE_HEADER.size;
  const sectionTableAt = optionalAt + optional.size;
  const sizeOfHeaders = alignUp(sectionTableAt + IMAGE_SECTION_HEADER.size, FILE_ALIGNMENT);

  const rsrc = writeResourceSection(resources, RSRC_RVA);
  const rawSize = alignUp(rsrc.length, FILE_ALIGNMENT);
  const out = new Uint8Array(sizeOfHeaders + rawSize);

  // IMAGE_DOS_HEADER: only e_magic and e_lfanew matter to the Windows loader; no DOS stub.
  IMAGE_DOS_HEADER.write(out, 0, { e_magic: IMAGE_DOS_SIGNATURE, e_cparhdr: IMAGE_DOS_HEADER.size / 16, e_lfanew: ntAt });
  new DataView(out.buffer).setUint32(ntAt, IMAGE_NT_SIGNATURE, true);
  // TimeDateStamp stays 0 so the output is reproducible.
  IMAGE_FILE_HEADER.write(out, fileHeaderAt, {
    Machine: machine,
    NumberOfSections: 1,
    SizeOfOptionalHeader: optional.size,
    Characteristics: IMAGE_FILE_EXECUTABLE_IMAGE | IMAGE_FILE_DLL | (is64 ? IMAGE_FILE_LARGE_ADDRESS_AWARE : IMAGE_FILE_32BIT_MACHINE),
  });

  const [osMajor, osMinor] = options.machine === 'arm64' ? [6, 2] : [6, 0];
  optional.write(out, optionalAt, {
    Magic: is64 ? PE32PLUS_MAGIC : PE32_MAGIC,
    SizeOfInitializedData: rawSize,
    // No code: BaseOfCode (and PE32's BaseOfData) point at the only section, as link.exe does.
    BaseOfCode: RSRC_RVA,
    ...(is64 ? { ImageBase: 0x180000000n } : { BaseOfData: RSRC_RVA, ImageBase: 0x10000000 }),
    SectionAlignment: SECTION_ALIGNMENT,
    FileAlignment: FILE_ALIGNMENT,
    MajorOperatingSystemVersion: osMajor,
    MinorOperatingSystemVersion: osMinor,
    MajorSubsystemVersion: osMajor,
    MinorSubsystemVersion: osMinor,
    SizeOfImage: RSRC_RVA + alignUp(rsrc.length, SECTION_ALIGNMENT),
    SizeOfHeaders: sizeOfHeaders,
    Subsystem: IMAGE_SUBSYSTEM_WINDOWS_GUI,
    DllCharacteristics: IMAGE_DLLCHARACTERISTICS_DYNAMIC_BASE | IMAGE_DLLCHARACTERISTICS_NX_COMPAT | (is64 ? IMAGE_DLLCHARACTERISTICS_HIGH_ENTROPY_VA : 0),
    SizeOfStackReserve: 0x100000,
    SizeOfStackCommit: 0x1000,
    SizeOfHeapReserve: 0x100000,
    SizeOfHeapCommit: 0x1000,
    NumberOfRvaAndSizes: IMAGE_NUMBEROF_DIRECTORY_ENTRIES,
  });
  const resourceDirectoryAt = optionalAt + optional.offset.DataDirectory + IMAGE_DATA_DIRECTORY.size * IMAGE_DIRECTORY_ENTRY_RESOURCE;
  IMAGE_DATA_DIRECTORY.write(out, resourceDirectoryAt, { VirtualAddress: RSRC_RVA, Size: rsrc.length });

  IMAGE_SECTION_HEADER.write(out, sectionTableAt, {
    Name: new TextEncoder().encode('.rsrc'),
    VirtualSize: rsrc.length,
    VirtualAddress: RSRC_RVA,
    SizeOfRawData: rawSize,
    PointerToRawData: sizeOfHeaders,
    Characteristics: IMAGE_SCN_CNT_INITIALIZED_DATA | IMAGE_SCN_MEM_READ,
  });

  out.set(rsrc, sizeOfHeaders);
  const checksumAt = optionalAt + optional.offset.CheckSum;
  optional.write(out, optionalAt, { CheckSum: peChecksum(out, checksumAt) });
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
export class PeFormatError extends readerFormatError('PE', 'PeFormatError') {}

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
  if (bytes.length < IMAGE_DOS_HEADER.size || bytes[0] !== 0x4d || bytes[1] !== 0x5a) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ntAt = view.getUint32(IMAGE_DOS_HEADER.offset.e_lfanew, true);
  return ntAt + NT_SIGNATURE_SIZE <= bytes.length && view.getUint32(ntAt, true) === IMAGE_NT_SIGNATURE;
}

export function machineName(machine: number): string {
  const known = Object.entries(IMAGE_FILE_MACHINE).find(([, v]) => v === machine);
  return known ? known[0] : `0x${machine.toString(16).padStart(4, '0')}`;
}

// WHATWG 'latin1' is windows-1252, as section names have always been decoded here.
const sectionNameDecoder = new TextDecoder('latin1');

function peReader(bytes: Uint8Array): ByteReader {
  return new ByteReader(bytes, { format: 'PE', error: (detail, offset, structure) => new PeFormatError(detail, offset, structure) });
}

/** Reads the headers and section table of a PE32 or PE32+ image. */
export function readPeImage(bytes: Uint8Array): PeImage {
  const r = peReader(bytes);
  if (bytes.length < IMAGE_DOS_HEADER.size) throw new PeFormatError('file shorter than an IMAGE_DOS_HEADER', 0);
  if (IMAGE_DOS_HEADER.get(r, 0, 'e_magic') !== IMAGE_DOS_SIGNATURE) throw new PeFormatError("no 'MZ' signature in IMAGE_DOS_HEADER.e_magic", 0);
  const ntAt = IMAGE_DOS_HEADER.get(r, 0, 'e_lfanew');
  if (ntAt > bytes.length - NT_SIGNATURE_SIZE - IMAGE_FILE_HEADER.size) {
    throw new PeFormatError(`e_lfanew 0x${ntAt.toString(16)} points past the end of the file`, IMAGE_DOS_HEADER.offset.e_lfanew);
  }
  if (r.u32(ntAt, 'PE signature') !== IMAGE_NT_SIGNATURE) throw new PeFormatError("no 'PE\\0\\0' signature where e_lfanew points", ntAt);
  const fh = ntAt + NT_SIGNATURE_SIZE;
  const { Machine: machine, NumberOfSections: numberOfSections, SizeOfOptionalHeader: optionalSize, Characteristics: characteristics } = IMAGE_FILE_HEADER.read(r, fh);
  const oh = fh + IMAGE_FILE_HEADER.size;
  const optionalSizeAt = fh + IMAGE_FILE_HEADER.offset.SizeOfOptionalHeader;
  if (oh + optionalSize > bytes.length) throw new PeFormatError(`SizeOfOptionalHeader ${optionalSize} runs past the end of the file`, optionalSizeAt);
  if (optionalSize < 2) throw new PeFormatError('no optional header (an object file, not an image)', optionalSizeAt);
  const magic = r.u16(oh, 'optional header Magic');
  if (magic !== PE32_MAGIC && magic !== PE32PLUS_MAGIC) {
    throw new PeFormatError(`optional header Magic 0x${magic.toString(16)} is neither PE32 (0x10b) nor PE32+ (0x20b)`, oh);
  }
  const is64 = magic === PE32PLUS_MAGIC;
  // The optional header may be shorter than its full layout: read only the fields it holds.
  const optional = optionalHeaderLayout(is64);
  const optionalEnd = oh + optionalSize;
  let resourceDirectory = { rva: 0, size: 0 };
  if (oh + optional.end('NumberOfRvaAndSizes') <= optionalEnd) {
    const count = r.u32(oh + optional.offset.NumberOfRvaAndSizes, 'NumberOfRvaAndSizes');
    const dirAt = oh + optional.offset.DataDirectory + IMAGE_DATA_DIRECTORY.size * IMAGE_DIRECTORY_ENTRY_RESOURCE;
    if (count > IMAGE_DIRECTORY_ENTRY_RESOURCE && dirAt + IMAGE_DATA_DIRECTORY.size <= optionalEnd) {
      const dir = IMAGE_DATA_DIRECTORY.read(r, dirAt);
      resourceDirectory = { rva: dir.VirtualAddress, size: dir.Size };
    }
  }
  const tableAt = optionalEnd;
  if (tableAt + numberOfSections * IMAGE_SECTION_HEADER.size > bytes.length) {
    throw new PeFormatError(`section table of ${numberOfSections} entries runs past the end of the file`, tableAt);
  }
  const sections: PeSection[] = [];
  for (let i = 0; i < numberOfSections; i++) {
    const h = IMAGE_SECTION_HEADER.read(r, tableAt + i * IMAGE_SECTION_HEADER.size);
    const nul = h.Name.indexOf(0);
    sections.push({
      name: sectionNameDecoder.decode(nul < 0 ? h.Name : h.Name.subarray(0, nul)),
      virtualSize: h.VirtualSize,
      virtualAddress: h.VirtualAddress,
      sizeOfRawData: h.SizeOfRawData,
      pointerToRawData: h.PointerToRawData,
      characteristics: h.Characteristics,
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
  const r = peReader(bytes);
  const visited = new Set<number>();
  const out: PeResource[] = [];

  const readName = (field: number, entryAt: number): ResourceId => {
    if ((field & NAME_IS_STRING_FLAG) === 0) return field & 0xffff;
    const at = base + (field & ~NAME_IS_STRING_FLAG);
    if (at + 2 > limit) throw new PeFormatError('resource name string lies outside the resource section', entryAt);
    const length = r.u16(at, 'resource name length');
    if (at + 2 + length * 2 > limit) throw new PeFormatError(`resource name string of ${length} characters runs past the resource section`, at);
    return r.utf16(at + 2, length, 'resource name');
  };

  const walk = (dirOffset: number, depth: number, path: ResourceId[]) => {
    const at = base + dirOffset;
    if (visited.has(at)) throw new PeFormatError('resource directory reached twice (shared or looping subdirectory)', at);
    visited.add(at);
    if (at + RESOURCE_DIRECTORY_SIZE > limit) throw new PeFormatError('resource directory lies outside the resource section', at);
    const dir = IMAGE_RESOURCE_DIRECTORY.read(r, at);
    const count = dir.NumberOfNamedEntries + dir.NumberOfIdEntries;
    if (at + RESOURCE_DIRECTORY_SIZE + count * RESOURCE_DIRECTORY_ENTRY_SIZE > limit) {
      throw new PeFormatError(`resource directory with ${count} entries runs past the resource section`, at);
    }
    for (let i = 0; i < count; i++) {
      const e = at + RESOURCE_DIRECTORY_SIZE + i * RESOURCE_DIRECTORY_ENTRY_SIZE;
      const entry = IMAGE_RESOURCE_DIRECTORY_ENTRY.read(r, e);
      const id = readName(entry.Name, e);
      const target = entry.OffsetToData;
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
      const data = IMAGE_RESOURCE_DATA_ENTRY.read(r, dataEntry);
      const dataAt = rvaToOffset(image, bytes, data.OffsetToData, data.Size, `resource data of type ${String(path[0])}, name ${String(path[1])}`);
      out.push({
        type: path[0]!,
        name: path[1]!,
        languageId: id,
        codepage: data.CodePage,
        data: bytes.slice(dataAt, dataAt + data.Size),
        dataOffset: dataAt,
      });
    }
  };
  walk(0, 0, []);
  return out;
}
