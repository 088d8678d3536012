// IO_ERROR_LOG_PACKET: the typed model, its layout per architecture and the builder (the writer
// side; the reader is decode.ts). Layout and limits: PACKET-REGISTRY.md §0, §1.1-§1.3, checked
// against mingw-w64's ddk/wdm.h by test/packet/c-layout.test.ts.
//
//   +0  UCHAR  MajorFunctionCode      +12 NTSTATUS ErrorCode        +28 ULONG IoControlCode
//   +1  UCHAR  RetryCount             +16 ULONG    UniqueErrorValue +32 LARGE_INTEGER DeviceOffset
//   +2  USHORT DumpDataSize           +20 NTSTATUS FinalStatus      +40 ULONG DumpData[]
//   +4  USHORT NumberOfStrings        +24 ULONG    SequenceNumber   +44 (tail padding, sizeof = 48)
//   +6  USHORT StringOffset
//   +8  USHORT EventCategory   (+10 padding)
//
// Insertion strings are UTF-16LE, each NUL-terminated, back to back from StringOffset.

import { writeUtf16le } from '../binary/codec.js';
import { struct } from '../binary/layout.js';

export type Arch = 'x86' | 'x64' | 'arm64';
export const ARCHES: readonly Arch[] = ['x86', 'x64', 'arm64'];

/**
 * The fixed header of IO_ERROR_LOG_PACKET, up to DumpData, with the model's field names (wdm.h's
 * with a lower-case first letter); identical on every architecture (§1.1). The builder writes it
 * and decode.ts reads it through this one table.
 */
export const PACKET_HEADER = struct('IO_ERROR_LOG_PACKET', {
  majorFunctionCode: 'u8',
  retryCount: 'u8',
  dumpDataSize: 'u16',
  numberOfStrings: 'u16',
  stringOffset: 'u16',
  eventCategory: 'u16',
  /** Alignment of the NTSTATUS that follows. */
  padding: 2,
  errorCode: 'u32',
  uniqueErrorValue: 'u32',
  finalStatus: 'u32',
  sequenceNumber: 'u32',
  ioControlCode: 'u32',
  /** LARGE_INTEGER. */
  deviceOffset: 'i64',
});

type PacketField = Exclude<keyof typeof PACKET_HEADER.fields, 'padding'> | 'dumpData';
const { padding: _padding, ...HEADER_OFFSETS } = PACKET_HEADER.offset;

/** Field offsets inside the packet: the header's, and DumpData right after it. */
export const PacketOffset: { readonly [K in PacketField]: number } = { ...HEADER_OFFSETS, dumpData: PACKET_HEADER.size };

/** Every field with its wdm.h name, offset and size (DumpData: the one declared element). */
export const PACKET_LAYOUT: readonly { field: PacketField; cName: string; offset: number; size: number }[] = (Object.keys(PacketOffset) as PacketField[]).map(
  (field) => ({
    field,
    cName: field[0]!.toUpperCase() + field.slice(1),
    offset: PacketOffset[field],
    size: field === 'dumpData' ? 4 : PACKET_HEADER.end(field) - PacketOffset[field],
  }),
);

/** FIELD_OFFSET(IO_ERROR_LOG_PACKET, DumpData): the fixed header, and the part the event log keeps. */
export const PACKET_HEADER_SIZE = PACKET_HEADER.size;
/** sizeof(IO_ERROR_LOG_PACKET): header, the declared DumpData[1] and 4 bytes of tail padding. */
export const PACKET_STRUCT_SIZE = 48;
export const PACKET_ALIGNMENT = 8;
/** sizeof(IO_ERROR_LOG_MESSAGE) and FIELD_OFFSET(IO_ERROR_LOG_MESSAGE, EntryData). */
export const MESSAGE_STRUCT_SIZE = 72;
export const MESSAGE_ENTRY_DATA_OFFSET = 24;
export const ERROR_LOG_LIMIT_SIZE = 256 - 16;
/** Room the I/O manager keeps for the message header and 40 WCHARs of driver/device names. */
export const IO_ERROR_LOG_MESSAGE_HEADER_LENGTH = MESSAGE_STRUCT_SIZE - PACKET_STRUCT_SIZE + 40 * 2;
export const ERROR_LOG_MESSAGE_LIMIT_SIZE = ERROR_LOG_LIMIT_SIZE + IO_ERROR_LOG_MESSAGE_HEADER_LENGTH;
export const IO_TYPE_ERROR_LOG = 0x0b;
export const IO_TYPE_ERROR_MESSAGE = 0x0c;
/** IoAllocateErrorLogEntry takes the size as a UCHAR. */
export const ENTRY_SIZE_FIELD_MAX = 0xff;

export interface ArchLimits {
  arch: Arch;
  /** PORT_MAXIMUM_MESSAGE_LENGTH: 512 when _WIN64 is defined (x64, ARM64), else 256. */
  portMaximumMessageLength: number;
  /** min(PORT_MAXIMUM_MESSAGE_LENGTH, ERROR_LOG_MESSAGE_LIMIT_SIZE). */
  ioErrorLogMessageLength: number;
  /** ERROR_LOG_MAXIMUM_SIZE: the largest EntrySize IoAllocateErrorLogEntry accepts. */
  errorLogMaximumSize: number;
  /** Bytes left for DumpData and strings after sizeof(IO_ERROR_LOG_PACKET). */
  roomAfterStruct: number;
  /** Bytes left for DumpData and strings after the 40-byte header. */
  roomAfterHeader: number;
}

/** The wdm.h arithmetic of §1.3, evaluated for one architecture. */
export function archLimits(arch: Arch): ArchLimits {
  const portMaximumMessageLength = arch === 'x86' ? 256 : 512;
  const ioErrorLogMessageLength = Math.min(portMaximumMessageLength, ERROR_LOG_MESSAGE_LIMIT_SIZE);
  const errorLogMaximumSize = ioErrorLogMessageLength - IO_ERROR_LOG_MESSAGE_HEADER_LENGTH;
  return {
    arch,
    portMaximumMessageLength,
    ioErrorLogMessageLength,
    errorLogMaximumSize,
    roomAfterStruct: errorLogMaximumSize - PACKET_STRUCT_SIZE,
    roomAfterHeader: errorLogMaximumSize - PACKET_HEADER_SIZE,
  };
}

export function isArch(name: string): name is Arch {
  return (ARCHES as readonly string[]).includes(name);
}

/** A decoded or to-be-built packet. NTSTATUS values are unsigned 32-bit numbers. */
export interface IoErrorLogPacket {
  majorFunctionCode: number;
  retryCount: number;
  /** Byte count of DumpData (a multiple of 4). */
  dumpDataSize: number;
  numberOfStrings: number;
  stringOffset: number;
  eventCategory: number;
  errorCode: number;
  uniqueErrorValue: number;
  finalStatus: number;
  sequenceNumber: number;
  ioControlCode: number;
  /** LARGE_INTEGER, signed. */
  deviceOffset: bigint;
  /** DumpData as unsigned 32-bit words. */
  dumpData: number[];
  /** Insertion strings without their NULs. Empty for the event-log form (§1.6). */
  strings: string[];
}

/** What a caller gives the builder: everything optional except what it wants to set. */
export interface PacketFields {
  majorFunctionCode?: number;
  retryCount?: number;
  eventCategory?: number;
  errorCode?: number;
  uniqueErrorValue?: number;
  finalStatus?: number;
  sequenceNumber?: number;
  ioControlCode?: number;
  deviceOffset?: bigint;
  dumpData?: readonly number[];
  strings?: readonly string[];
  /** An explicit StringOffset instead of the convention's (even, past DumpData; 0 only without strings). */
  stringOffset?: number;
}

/**
 * Where the strings start. 'struct' is the documented sizeof(IO_ERROR_LOG_PACKET) + DumpDataSize;
 * 'header' is FIELD_OFFSET(DumpData) + DumpDataSize, which many real drivers use (§1.2).
 */
export type StringOffsetConvention = 'struct' | 'header';

export interface BuildOptions {
  arch: Arch;
  stringOffset?: StringOffsetConvention;
}

/** A field value outside its C type, or a malformed DumpData/string. */
export class PacketFieldError extends RangeError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'PacketFieldError';
  }
}

/** The entry would be refused by IoAllocateErrorLogEntry on this architecture. */
export class PacketSizeError extends RangeError {
  constructor(
    readonly entrySize: number,
    readonly arch: Arch,
    readonly limit: number,
    detail: string,
  ) {
    super(`packet of ${entrySize} bytes exceeds ERROR_LOG_MAXIMUM_SIZE ${limit} on ${arch}${detail ? ` (${detail})` : ''}`);
    this.name = 'PacketSizeError';
  }
}

interface FieldRange {
  field: keyof PacketFields;
  bits: 8 | 16 | 32;
}

const INTEGER_FIELDS: readonly FieldRange[] = [
  { field: 'majorFunctionCode', bits: 8 },
  { field: 'retryCount', bits: 8 },
  { field: 'eventCategory', bits: 16 },
  { field: 'errorCode', bits: 32 },
  { field: 'uniqueErrorValue', bits: 32 },
  { field: 'finalStatus', bits: 32 },
  { field: 'sequenceNumber', bits: 32 },
  { field: 'ioControlCode', bits: 32 },
];

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** Bytes one insertion string takes: UTF-16 code units plus the NUL. */
export function stringBytes(text: string): number {
  return text.length * 2 + 2;
}

export function stringsBytes(strings: readonly string[]): number {
  return strings.reduce((sum, s) => sum + stringBytes(s), 0);
}

/** Offset of the first string for a DumpData of dumpDataSize bytes. */
export function stringOffsetFor(dumpDataSize: number, convention: StringOffsetConvention = 'struct'): number {
  return (convention === 'struct' ? PACKET_STRUCT_SIZE : PACKET_HEADER_SIZE) + dumpDataSize;
}

/**
 * EntrySize a driver passes to IoAllocateErrorLogEntry for this packet: the end of its strings
 * (StringOffset itself when there are none, so the convention's room is kept), but never less
 * than sizeof(IO_ERROR_LOG_PACKET), which the I/O manager requires (§1.2).
 */
export function entrySizeOf(packet: Pick<IoErrorLogPacket, 'dumpDataSize' | 'stringOffset' | 'strings'>): number {
  const end = packet.stringOffset === 0 ? PACKET_HEADER_SIZE + packet.dumpDataSize : packet.stringOffset + stringsBytes(packet.strings);
  return Math.max(PACKET_STRUCT_SIZE, end);
}

/** entrySizeOf for content placed by a convention. */
export function entrySizeFor(dumpWords: number, strings: readonly string[], convention: StringOffsetConvention = 'struct'): number {
  return Math.max(PACKET_STRUCT_SIZE, stringOffsetFor(dumpWords * 4, convention) + stringsBytes(strings));
}

/** Throws PacketSizeError when IoAllocateErrorLogEntry would return NULL for this EntrySize (§1.5). */
export function checkEntrySize(entrySize: number, arch: Arch, detail = ''): void {
  const { errorLogMaximumSize } = archLimits(arch);
  if (!Number.isInteger(entrySize) || entrySize < 0) throw new RangeError(`entry size ${entrySize} is not a byte count`);
  if (entrySize > errorLogMaximumSize) throw new PacketSizeError(entrySize, arch, errorLogMaximumSize, detail);
}

/**
 * Whether IoAllocateErrorLogEntry would allocate an entry of this size: it takes the size as a
 * UCHAR (at most ENTRY_SIZE_FIELD_MAX) and refuses more than ERROR_LOG_MAXIMUM_SIZE.
 */
export function fitsEntrySize(entrySize: number, arch: Arch): boolean {
  return entrySize <= ENTRY_SIZE_FIELD_MAX && entrySize <= archLimits(arch).errorLogMaximumSize;
}

function checkFields(fields: PacketFields): void {
  for (const { field, bits } of INTEGER_FIELDS) {
    const value = fields[field];
    if (value === undefined) continue;
    const max = 2 ** bits - 1;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
      throw new PacketFieldError(field, `${String(value)} is not an unsigned ${bits}-bit value (0..0x${max.toString(16)})`);
    }
  }
  const offset = fields.deviceOffset;
  if (offset !== undefined && (typeof offset !== 'bigint' || offset < INT64_MIN || offset > INT64_MAX)) {
    throw new PacketFieldError('deviceOffset', `${String(offset)} is not a signed 64-bit value`);
  }
  (fields.dumpData ?? []).forEach((word, i) => {
    if (!Number.isInteger(word) || word < 0 || word > 0xffffffff) {
      throw new PacketFieldError(`dumpData[${i}]`, `${String(word)} is not an unsigned 32-bit word`);
    }
  });
  (fields.strings ?? []).forEach((text, i) => {
    if (text.includes('\0')) throw new PacketFieldError(`strings[${i}]`, 'contains a NUL character, which would end the string early');
  });
  const dumpDataSize = (fields.dumpData?.length ?? 0) * 4;
  if (dumpDataSize > 0xffff) throw new PacketFieldError('dumpData', `${dumpDataSize} bytes do not fit the USHORT DumpDataSize`);
  if ((fields.strings?.length ?? 0) > 0xffff) throw new PacketFieldError('strings', 'more strings than the USHORT NumberOfStrings holds');
  const offset16 = fields.stringOffset;
  if (offset16 !== undefined) {
    const dumpEnd = PACKET_HEADER_SIZE + dumpDataSize;
    if (!Number.isInteger(offset16) || offset16 < 0 || offset16 > 0xffff) {
      throw new PacketFieldError('stringOffset', `${String(offset16)} is not an unsigned 16-bit value`);
    }
    if (offset16 === 0 && (fields.strings?.length ?? 0) > 0) throw new PacketFieldError('stringOffset', '0 with strings to place');
    if (offset16 !== 0 && offset16 < dumpEnd) {
      throw new PacketFieldError('stringOffset', `${offset16} lies inside the header or DumpData, which end at ${dumpEnd}`);
    }
    if (offset16 % 2 !== 0) throw new PacketFieldError('stringOffset', `${offset16} is odd; strings must be WCHAR aligned`);
  }
}

/** Fills in every field of the model from the builder's input, computing the derived counts. */
export function completePacket(fields: PacketFields, convention: StringOffsetConvention = 'struct'): IoErrorLogPacket {
  checkFields(fields);
  const dumpData = [...(fields.dumpData ?? [])];
  const strings = [...(fields.strings ?? [])];
  return {
    majorFunctionCode: fields.majorFunctionCode ?? 0,
    retryCount: fields.retryCount ?? 0,
    dumpDataSize: dumpData.length * 4,
    numberOfStrings: strings.length,
    // Set even without strings: it then marks the end of the entry, which the decoder checks.
    stringOffset: fields.stringOffset ?? stringOffsetFor(dumpData.length * 4, convention),
    eventCategory: fields.eventCategory ?? 0,
    errorCode: fields.errorCode ?? 0,
    uniqueErrorValue: fields.uniqueErrorValue ?? 0,
    finalStatus: fields.finalStatus ?? 0,
    sequenceNumber: fields.sequenceNumber ?? 0,
    ioControlCode: fields.ioControlCode ?? 0,
    deviceOffset: fields.deviceOffset ?? 0n,
    dumpData,
    strings,
  };
}

/**
 * Builds the bytes a driver writes into the entry IoAllocateErrorLogEntry returned: header,
 * DumpData, strings at StringOffset, zero fill up to EntrySize. Refuses values outside their C
 * types and entries larger than the architecture's ERROR_LOG_MAXIMUM_SIZE.
 */
export function buildPacket(fields: PacketFields, options: BuildOptions): Uint8Array {
  const convention = options.stringOffset ?? 'struct';
  const packet = completePacket(fields, convention);
  const entrySize = entrySizeOf(packet);
  checkEntrySize(
    entrySize,
    options.arch,
    `${packet.dumpDataSize} bytes of DumpData, ${stringsBytes(packet.strings)} bytes of strings at StringOffset ${packet.stringOffset}`,
  );
  return writePacket(packet);
}

/** Serialises a complete model, EntrySize bytes, at its own StringOffset; no size policy (buildPacket applies it). */
export function writePacket(packet: IoErrorLogPacket): Uint8Array {
  const dumpEnd = PACKET_HEADER_SIZE + packet.dumpData.length * 4;
  const stringsEnd = packet.strings.length === 0 ? 0 : packet.stringOffset + stringsBytes(packet.strings);
  if (packet.strings.length > 0 && packet.stringOffset < dumpEnd) {
    throw new PacketFieldError('stringOffset', `${packet.stringOffset} lies inside the header or DumpData (which end at ${dumpEnd})`);
  }
  if (packet.stringOffset % 2 !== 0) throw new PacketFieldError('stringOffset', `${packet.stringOffset} is not WCHAR aligned`);
  const out = new Uint8Array(Math.max(entrySizeOf(packet), stringsEnd));
  const view = new DataView(out.buffer);
  writeHeaderAndDump(view, packet);
  let at = packet.stringOffset;
  for (const text of packet.strings) at = writeUtf16le(out, at, text) + 2; // NUL, already zero
  return out;
}

/** The event-log form of a packet (§1.6): its first 40 bytes followed by DumpData, no strings. */
export function writeEventLogData(packet: IoErrorLogPacket): Uint8Array {
  const out = new Uint8Array(PACKET_HEADER_SIZE + packet.dumpData.length * 4);
  writeHeaderAndDump(new DataView(out.buffer), packet);
  return out;
}

function writeHeaderAndDump(view: DataView, packet: IoErrorLogPacket): void {
  PACKET_HEADER.writeFrom(new Uint8Array(view.buffer, view.byteOffset, view.byteLength), 0, packet);
  packet.dumpData.forEach((word, i) => view.setUint32(PacketOffset.dumpData + i * 4, word, true));
}

export interface FitReport {
  arch: Arch;
  convention: StringOffsetConvention;
  errorLogMaximumSize: number;
  entrySize: number;
  fits: boolean;
  /** Bytes between the end of the content and ERROR_LOG_MAXIMUM_SIZE (negative when over). */
  spare: number;
  /** Most DumpData words that still fit with the given strings (0 when even none fit). */
  maxDumpWords: number;
  /** Most UTF-16 code units one more string may have, with the given DumpData and strings (-1: no room for even an empty one). */
  maxExtraStringChars: number;
  /** Most code units the last given string could grow to, others unchanged (undefined without strings). */
  maxLastStringChars?: number;
}

/** How the given content sits against the limit, and the largest DumpData/strings that still fit. */
export function fitReport(fields: Pick<PacketFields, 'dumpData' | 'strings'>, options: BuildOptions): FitReport {
  const convention = options.stringOffset ?? 'struct';
  const { errorLogMaximumSize } = archLimits(options.arch);
  const dumpWords = fields.dumpData?.length ?? 0;
  const strings = fields.strings ?? [];
  const entrySize = entrySizeFor(dumpWords, strings, convention);
  const fixed = convention === 'struct' ? PACKET_STRUCT_SIZE : PACKET_HEADER_SIZE;

  const afterStrings = errorLogMaximumSize - fixed - stringsBytes(strings);
  const maxDumpWords = Math.max(0, Math.floor(afterStrings / 4));
  const spare = errorLogMaximumSize - entrySize;
  const roomForContent = errorLogMaximumSize - fixed - dumpWords * 4 - stringsBytes(strings);
  const maxExtraStringChars = roomForContent < 2 ? -1 : Math.floor((roomForContent - 2) / 2);
  const report: FitReport = {
    arch: options.arch,
    convention,
    errorLogMaximumSize,
    entrySize,
    fits: spare >= 0,
    spare,
    maxDumpWords,
    maxExtraStringChars,
  };
  if (strings.length > 0) {
    const last = strings[strings.length - 1]!;
    const roomForLast = roomForContent + stringBytes(last);
    report.maxLastStringChars = roomForLast < 2 ? -1 : Math.floor((roomForLast - 2) / 2);
  }
  return report;
}

/** IRP_MJ_* names of wdm.h by value (0x0F is also IRP_MJ_SCSI, 0x1B IRP_MJ_PNP_POWER). */
export const IRP_MJ_NAMES: readonly string[] = [
  'IRP_MJ_CREATE', 'IRP_MJ_CREATE_NAMED_PIPE', 'IRP_MJ_CLOSE', 'IRP_MJ_READ', 'IRP_MJ_WRITE',
  'IRP_MJ_QUERY_INFORMATION', 'IRP_MJ_SET_INFORMATION', 'IRP_MJ_QUERY_EA', 'IRP_MJ_SET_EA',
  'IRP_MJ_FLUSH_BUFFERS', 'IRP_MJ_QUERY_VOLUME_INFORMATION', 'IRP_MJ_SET_VOLUME_INFORMATION',
  'IRP_MJ_DIRECTORY_CONTROL', 'IRP_MJ_FILE_SYSTEM_CONTROL', 'IRP_MJ_DEVICE_CONTROL',
  'IRP_MJ_INTERNAL_DEVICE_CONTROL', 'IRP_MJ_SHUTDOWN', 'IRP_MJ_LOCK_CONTROL', 'IRP_MJ_CLEANUP',
  'IRP_MJ_CREATE_MAILSLOT', 'IRP_MJ_QUERY_SECURITY', 'IRP_MJ_SET_SECURITY', 'IRP_MJ_POWER',
  'IRP_MJ_SYSTEM_CONTROL', 'IRP_MJ_DEVICE_CHANGE', 'IRP_MJ_QUERY_QUOTA', 'IRP_MJ_SET_QUOTA', 'IRP_MJ_PNP',
];

/**
 * The IRP_MJ_* name of a MajorFunctionCode. 0 gives undefined: the field is optional and most
 * drivers leave it 0, so naming it IRP_MJ_CREATE would mislead.
 */
export function majorFunctionName(code: number): string | undefined {
  return code === 0 ? undefined : IRP_MJ_NAMES[code];
}

/**
 * The packet as JSON, fields named as in the C struct in camelCase: NTSTATUS and ULONG fields as
 * unsigned numbers, DeviceOffset as a decimal string (a LARGE_INTEGER does not fit a double).
 */
export function packetToJson(p: IoErrorLogPacket) {
  return {
    majorFunctionCode: p.majorFunctionCode,
    retryCount: p.retryCount,
    dumpDataSize: p.dumpDataSize,
    numberOfStrings: p.numberOfStrings,
    stringOffset: p.stringOffset,
    eventCategory: p.eventCategory,
    errorCode: p.errorCode >>> 0,
    uniqueErrorValue: p.uniqueErrorValue >>> 0,
    finalStatus: p.finalStatus >>> 0,
    sequenceNumber: p.sequenceNumber >>> 0,
    ioControlCode: p.ioControlCode >>> 0,
    deviceOffset: p.deviceOffset.toString(),
    dumpData: p.dumpData.map((w) => w >>> 0),
  };
}
