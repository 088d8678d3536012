// The PE/COFF structures winmc reads and writes (winnt.h names), as one layout table each: the
// DLL writer and the image reader in pe.ts both take their offsets from here.

import { struct } from '../binary/layout.js';

export const IMAGE_DOS_SIGNATURE = 0x5a4d; // "MZ"
export const IMAGE_NT_SIGNATURE = 0x00004550; // "PE\0\0"
export const PE32_MAGIC = 0x10b;
export const PE32PLUS_MAGIC = 0x20b;
export const IMAGE_NUMBEROF_DIRECTORY_ENTRIES = 16;
export const IMAGE_DIRECTORY_ENTRY_RESOURCE = 2;

export const IMAGE_DOS_HEADER = struct('IMAGE_DOS_HEADER', {
  e_magic: 'u16',
  e_cblp: 'u16',
  e_cp: 'u16',
  e_crlc: 'u16',
  /** Size of the header in 16-byte paragraphs. */
  e_cparhdr: 'u16',
  e_minalloc: 'u16',
  e_maxalloc: 'u16',
  e_ss: 'u16',
  e_sp: 'u16',
  e_csum: 'u16',
  e_ip: 'u16',
  e_cs: 'u16',
  e_lfarlc: 'u16',
  e_ovno: 'u16',
  e_res: 8,
  e_oemid: 'u16',
  e_oeminfo: 'u16',
  e_res2: 20,
  /** File offset of the "PE\0\0" signature. */
  e_lfanew: 'u32',
});

/** The "PE\0\0" signature; the IMAGE_FILE_HEADER follows it. */
export const NT_SIGNATURE_SIZE = 4;

export const IMAGE_FILE_HEADER = struct('IMAGE_FILE_HEADER', {
  Machine: 'u16',
  NumberOfSections: 'u16',
  TimeDateStamp: 'u32',
  PointerToSymbolTable: 'u32',
  NumberOfSymbols: 'u32',
  SizeOfOptionalHeader: 'u16',
  Characteristics: 'u16',
});

export const IMAGE_DATA_DIRECTORY = struct('IMAGE_DATA_DIRECTORY', { VirtualAddress: 'u32', Size: 'u32' });
const DATA_DIRECTORIES = IMAGE_NUMBEROF_DIRECTORY_ENTRIES * IMAGE_DATA_DIRECTORY.size;

// The optional header's two forms differ in BaseOfData (PE32 only) and in the width of ImageBase
// and the stack and heap sizes (ULONGLONG in PE32+); the rest is shared.
const OPTIONAL_START = {
  Magic: 'u16',
  MajorLinkerVersion: 'u8',
  MinorLinkerVersion: 'u8',
  SizeOfCode: 'u32',
  SizeOfInitializedData: 'u32',
  SizeOfUninitializedData: 'u32',
  AddressOfEntryPoint: 'u32',
  BaseOfCode: 'u32',
} as const;
const OPTIONAL_MIDDLE = {
  SectionAlignment: 'u32',
  FileAlignment: 'u32',
  MajorOperatingSystemVersion: 'u16',
  MinorOperatingSystemVersion: 'u16',
  MajorImageVersion: 'u16',
  MinorImageVersion: 'u16',
  MajorSubsystemVersion: 'u16',
  MinorSubsystemVersion: 'u16',
  Win32VersionValue: 'u32',
  SizeOfImage: 'u32',
  SizeOfHeaders: 'u32',
  CheckSum: 'u32',
  Subsystem: 'u16',
  DllCharacteristics: 'u16',
} as const;

export const IMAGE_OPTIONAL_HEADER32 = struct('IMAGE_OPTIONAL_HEADER32', {
  ...OPTIONAL_START,
  BaseOfData: 'u32',
  ImageBase: 'u32',
  ...OPTIONAL_MIDDLE,
  SizeOfStackReserve: 'u32',
  SizeOfStackCommit: 'u32',
  SizeOfHeapReserve: 'u32',
  SizeOfHeapCommit: 'u32',
  LoaderFlags: 'u32',
  NumberOfRvaAndSizes: 'u32',
  DataDirectory: DATA_DIRECTORIES,
});

export const IMAGE_OPTIONAL_HEADER64 = struct('IMAGE_OPTIONAL_HEADER64', {
  ...OPTIONAL_START,
  ImageBase: 'u64',
  ...OPTIONAL_MIDDLE,
  SizeOfStackReserve: 'u64',
  SizeOfStackCommit: 'u64',
  SizeOfHeapReserve: 'u64',
  SizeOfHeapCommit: 'u64',
  LoaderFlags: 'u32',
  NumberOfRvaAndSizes: 'u32',
  DataDirectory: DATA_DIRECTORIES,
});

/** The optional header of a PE32+ (64-bit) or PE32 image. */
export function optionalHeaderLayout(is64: boolean): typeof IMAGE_OPTIONAL_HEADER32 | typeof IMAGE_OPTIONAL_HEADER64 {
  return is64 ? IMAGE_OPTIONAL_HEADER64 : IMAGE_OPTIONAL_HEADER32;
}

export const IMAGE_SECTION_HEADER = struct('IMAGE_SECTION_HEADER', {
  Name: 8,
  VirtualSize: 'u32',
  VirtualAddress: 'u32',
  SizeOfRawData: 'u32',
  PointerToRawData: 'u32',
  PointerToRelocations: 'u32',
  PointerToLinenumbers: 'u32',
  NumberOfRelocations: 'u16',
  NumberOfLinenumbers: 'u16',
  Characteristics: 'u32',
});

export const IMAGE_RESOURCE_DIRECTORY = struct('IMAGE_RESOURCE_DIRECTORY', {
  Characteristics: 'u32',
  TimeDateStamp: 'u32',
  MajorVersion: 'u16',
  MinorVersion: 'u16',
  NumberOfNamedEntries: 'u16',
  NumberOfIdEntries: 'u16',
});

export const IMAGE_RESOURCE_DIRECTORY_ENTRY = struct('IMAGE_RESOURCE_DIRECTORY_ENTRY', {
  /** An ordinal, or NAME_IS_STRING_FLAG | offset of a counted UTF-16 string. */
  Name: 'u32',
  /** Offset of a data entry, or SUBDIRECTORY_FLAG | offset of a directory. */
  OffsetToData: 'u32',
});

export const IMAGE_RESOURCE_DATA_ENTRY = struct('IMAGE_RESOURCE_DATA_ENTRY', {
  /** An RVA, not a section offset. */
  OffsetToData: 'u32',
  Size: 'u32',
  CodePage: 'u32',
  Reserved: 'u32',
});

export const SUBDIRECTORY_FLAG = 0x80000000;
export const NAME_IS_STRING_FLAG = 0x80000000;
