// The NT Kernel Logger's MOF events: which class a kernel header's Group is, what its event
// types are called, and the payload layouts of the Process, Thread and Image classes, CPU
// samples, TcpIp, UdpIp, DiskIo, PageFault, SystemConfig/Services and the EventTrace header group.
//
// Kernel headers (SYSTEM, compact, PERFINFO) carry no GUID: Group (the HookId's high byte) names
// the class. Names are given twice: the MOF class's opcode name (as in the kernel's MOF and as
// dissect.etl prints it: Process/End, Image/UnLoad) and PerfView's (Process/Stop, Image/Unload,
// Thread/Stop), which is the eventName of a record.
//
// Payloads (P = pointer size, from the header type; ETL.md §4, Learn's MOF classes, PerfView's
// KernelTraceEventParser):
//   Process v0 ProcessId P, ParentId P, UserSID, ImageFileName
//   Process v1 PageDirectoryBase P, ProcessId, ParentId, SessionId, ExitStatus, UserSID, ImageFileName
//   Process v2 UniqueProcessKey P, ProcessId, ParentId, SessionId, ExitStatus, UserSID, ImageFileName, CommandLine
//   Process v3 as v2 with DirectoryTableBase P after ExitStatus
//   Process v4 as v3 with Flags after DirectoryTableBase, and PackageFullName, ApplicationId at the end
//   Process v5 (Defunct) v4, then ExitTime (FILETIME)
//   Terminate  ProcessId
//   Thread v1  ProcessId, TThreadId, StackBase, StackLimit, UserStackBase, UserStackLimit, StartAddr, Win32StartAddr (P), WaitMode i8
//   Thread v2  ProcessId, TThreadId, StackBase, StackLimit, UserStackBase, UserStackLimit, StartAddr, Win32StartAddr, TebBase (P), SubProcessTag
//   Thread v3+ as v2 with Affinity for StartAddr, then BasePriority, PagePriority, IoPriority, ThreadFlags (u8); v4 adds ThreadName (UTF-16)
//   Image v0/1 ImageBase P, ImageSize P, (v1: ProcessId), FileName
//   Image v2   ImageBase P, ImageSize P, ProcessId, ImageChecksum, TimeDateStamp, Reserved0, DefaultBase P, Reserved1-4, FileName
//   Image v3   as v2 with SignatureLevel u8, SignatureType u8, Reserved0 u16 for Reserved0
//   SampleProf InstructionPointer P, ThreadId, Count u16, (Win8+) flags u8 (DPC 1, ISR 2, Priority << 3), Rank u8
//   TcpIp v1+  PID, size, daddr, saddr (u32, or 16 bytes for the IPV6 types), dport, sport (u16, network order),
//              then Send: startime, endtime, seqnum, connid P; the Recv group: connid P, seqnum
//   UdpIp v1+  PID, size, daddr, saddr, dport, sport, seqnum, connid P
//   DiskIo v2+ Read/Write: DiskNumber, IrpFlags, TransferSize, Reserved, ByteOffset i64, FileObject P, Irp P,
//              HighResResponseTime u64; Init: Irp P; FlushBuffers: DiskNumber, IrpFlags, HighResResponseTime,
//              Irp P; v3 adds IssuingThreadId
//   PageFault  v2+ faults 10-15: VirtualAddress P, ProgramCounter P; HardFault: InitialTime u64, ReadOffset u64,
//              VirtualAddress P, FileObject P, TThreadId, ByteCount
//   SystemConfig/Services v2+ ProcessId, ServiceState, SubProcessTag, ServiceName, DisplayName, ProcessName
// UserSID: a first u32 of 0 is the whole field; otherwise a TOKEN_USER prefix of two pointers,
// then a SID of 8 + 4 * SubAuthorityCount bytes (PerfView's SkipSID).

import { formatSid } from '../binxml/reader.js';
import { hexValue, int64Value, PayloadCursor, type Fields } from './payload.js';
import { formatFiletime } from '../binxml/reader.js';
import { readTraceLogfileHeader, type TraceLogfileHeader } from './logfile.js';
import { ByteReader } from '../../binary/reader.js';
import { etlError } from './buffer.js';

export interface KernelClass {
  group: number;
  guid: string;
  /** The MOF class name (dissect.etl's task name). */
  mof: string;
  /** PerfView's task name. */
  task: string;
  /** type → [MOF opcode name, PerfView opcode name]. */
  types: Record<number, readonly [string, string]>;
  /** Types PerfView's kernel parser does not know: it names them from the MOF, provider MSNT_SystemTrace. */
  mofOnly?: readonly number[];
}

const same = (n: string) => [n, n] as const;
const START_STOP = { 1: ['Start', 'Start'], 2: ['End', 'Stop'], 3: ['DCStart', 'DCStart'], 4: ['DCEnd', 'DCStop'] } as const;

/** Kernel classes by Group (EVENT_TRACE_GROUP_*). */
export const KERNEL_CLASSES: readonly KernelClass[] = [
  {
    group: 0x00,
    guid: '68fdd900-4a3e-11d1-84f4-0000f80464e3',
    mof: 'EventTraceEvent',
    task: 'EventTrace',
    types: { 0: ['Header', ''], 5: same('Extension'), 8: ['RDComplete', 'RundownComplete'], 32: same('EndExtension'), 64: same('DbgIdRSDS'), 66: same('BuildInfo'), 80: same('PartitionInfoExtension') },
  },
  {
    group: 0x01,
    guid: '3d6fa8d4-fe05-11d0-9dda-00c04fd7ba7c',
    mof: 'DiskIo',
    task: 'DiskIO',
    types: { 10: same('Read'), 11: same('Write'), 12: same('ReadInit'), 13: same('WriteInit'), 14: same('FlushBuffers'), 15: same('FlushInit') },
  },
  {
    group: 0x02,
    guid: '3d6fa8d3-fe05-11d0-9dda-00c04fd7ba7c',
    mof: 'PageFault',
    task: 'Memory',
    types: { 10: same('TransitionFault'), 11: same('DemandZeroFault'), 12: same('CopyOnWrite'), 13: same('GuardPageFault'), 14: same('HardPageFault'), 15: same('AccessViolation'), 32: same('HardFault') },
  },
  {
    group: 0x03,
    guid: '3d6fa8d0-fe05-11d0-9dda-00c04fd7ba7c',
    mof: 'Process',
    task: 'Process',
    types: { ...START_STOP, 10: same('Load'), 11: same('Terminate'), 32: same('PerfCtr'), 33: same('PerfCtrRundown'), 35: same('InSwap'), 39: same('Defunct') },
  },
  {
    group: 0x04,
    guid: '90cbdc39-4a3e-11d1-84f4-0000f80464e3',
    mof: 'FileIo',
    task: 'FileIO',
    types: { 0: same('Name'), 32: same('FileCreate'), 35: same('FileDelete'), 36: same('FileRundown'), 64: same('Create'), 65: same('Cleanup'), 66: same('Close'), 67: same('Read'), 68: same('Write'), 69: same('SetInfo'), 70: same('Delete'), 71: same('Rename'), 72: same('DirEnum'), 73: same('Flush'), 74: same('QueryInfo'), 75: same('FSControl'), 76: same('OperationEnd'), 77: same('DirNotify') },
  },
  {
    group: 0x05,
    guid: '3d6fa8d1-fe05-11d0-9dda-00c04fd7ba7c',
    mof: 'Thread',
    task: 'Thread',
    types: { ...START_STOP, 36: same('CSwitch'), 37: same('CompCS'), 50: same('ReadyThread'), 72: same('SetName') },
  },
  {
    group: 0x06,
    guid: '9a280ac0-c8e0-11d1-84e2-00c04fb998a2',
    mof: 'TcpIp',
    task: 'TcpIp',
    types: { 10: same('Send'), 11: same('Recv'), 12: same('Connect'), 13: same('Disconnect'), 14: same('Retransmit'), 15: same('Accept'), 26: same('SendIPV6'), 27: same('RecvIPV6'), 28: same('ConnectIPV6'), 29: same('DisconnectIPV6'), 30: same('RetransmitIPV6'), 31: same('AcceptIPV6') },
  },
  {
    group: 0x08,
    guid: 'bf3a50c5-a9c9-4988-a005-2df0b7c80f80',
    mof: 'UdpIp',
    task: 'UdpIp',
    types: { 10: ['SendIPV4', 'Send'], 11: ['RecvIPV4', 'Recv'], 26: same('SendIPV6'), 27: same('RecvIPV6') },
  },
  {
    group: 0x09,
    guid: 'ae53722e-c863-11d2-8659-00c04fa321a1',
    mof: 'Registry',
    task: 'Registry',
    types: { 10: same('Create'), 11: same('Open'), 12: same('Delete'), 13: same('Query'), 14: same('SetValue'), 15: same('DeleteValue'), 16: same('QueryValue'), 17: same('EnumerateKey'), 18: same('EnumerateValueKey'), 22: same('KCBCreate'), 23: same('KCBDelete'), 24: same('KCBRundownBegin'), 25: same('KCBRundownEnd') },
  },
  {
    group: 0x0b,
    guid: '01853a65-418f-4f36-aefc-dc0f1d2fd235',
    mof: 'SystemConfig',
    task: 'SystemConfig',
    types: { 10: same('CPU'), 11: same('PhyDisk'), 12: same('LogDisk'), 13: same('NIC'), 14: same('Video'), 15: same('Services'), 16: same('Power'), 17: same('Network'), 18: same('VirtualMemory'), 21: same('IRQ'), 22: same('PnP'), 23: same('IDEChannel'), 24: same('NumaNode'), 25: same('Platform'), 26: same('ProcessorGroup'), 27: same('ProcessorNumber'), 28: same('DPI'), 29: same('CodeIntegrity'), 30: same('MachineId') },
    mofOnly: [18, 25, 26, 27, 28, 29, 30],
  },
  {
    group: 0x0f,
    guid: 'ce1dbfb4-137e-4da6-87b0-3f59aa102cbc',
    mof: 'PerfInfo',
    task: 'PerfInfo',
    types: { 46: ['SampleProf', 'Sample'], 66: same('ThreadedDPC'), 67: same('ISR'), 68: same('DPC'), 69: same('TimerDPC'), 73: same('CollectionStart'), 74: same('CollectionEnd'), 51: ['SysClEnter', 'SysCallEnter'], 52: ['SysClExit', 'SysCallExit'] },
  },
  {
    group: 0x14,
    guid: '2cb15d1d-5fc1-11d2-abe1-00a0c911f518',
    mof: 'Image',
    task: 'Image',
    types: { 10: same('Load'), 2: ['UnLoad', 'Unload'], 3: same('DCStart'), 4: ['DCEnd', 'DCStop'], 33: same('KernelBase'), 34: same('HypercallPage') },
    mofOnly: [33, 34],
  },
  {
    group: 0x18,
    guid: 'def2fe46-7bd6-4b80-bd94-f57fe20d0ce3',
    mof: 'StackWalk',
    task: 'StackWalk',
    types: { 32: same('Stack'), 34: same('KeyCreate'), 35: same('KeyDelete'), 36: same('KeyRundown'), 37: same('StackKeyKernel'), 38: same('StackKeyUser') },
  },
  {
    group: 0x1a,
    guid: '45d8cccd-539f-4b72-a8b7-5c683142609a',
    mof: 'ALPC',
    task: 'ALPC',
    types: { 33: same('SendMessage'), 34: same('ReceiveMessage'), 35: same('WaitForReply'), 36: same('WaitForNewMessage'), 37: same('UnWait') },
  },
];

const BY_GROUP = new Map(KERNEL_CLASSES.map((c) => [c.group, c]));
const BY_GUID = new Map(KERNEL_CLASSES.map((c) => [c.guid, c]));

export function kernelClassOfGroup(group: number): KernelClass | undefined {
  return BY_GROUP.get(group);
}
export function kernelClassOfGuid(guid: string): KernelClass | undefined {
  return BY_GUID.get(guid);
}

/** The GUID kernel records are given when their Group is not in the table: a stable made-up one. */
export function unknownGroupGuid(group: number): string {
  return `00000000-0000-0000-0000-0000000000${group.toString(16).padStart(2, '0')}`;
}

/** `Process/DCStart` (PerfView) and `Process/DCEnd`-style MOF name of a kernel event. */
export function kernelEventNames(group: number, type: number): { mof: string; perfview: string; provider: string } {
  const c = BY_GROUP.get(group);
  if (!c) return { mof: `Group(${group})/Opcode(${type})`, perfview: `Group(${group})/Opcode(${type})`, provider: KERNEL_PROVIDER };
  return namesIn(c, type);
}

export function namesIn(c: KernelClass, type: number): { mof: string; perfview: string; provider: string } {
  const t = c.types[type];
  if (!t) return { mof: `${c.mof}/Opcode(${type})`, perfview: `${c.task}/Opcode(${type})`, provider: KERNEL_PROVIDER };
  if (c.mofOnly?.includes(type)) return { mof: `${c.mof}/${t[0]}`, perfview: `${c.mof}/${t[0]}`, provider: MOF_PROVIDER };
  return { mof: `${c.mof}/${t[0]}`, perfview: t[1] === '' ? c.task : `${c.task}/${t[1]}`, provider: KERNEL_PROVIDER };
}

/** The provider name of kernel events (PerfView's), and of those PerfView names from the MOF only. */
export const KERNEL_PROVIDER = 'Windows Kernel';
export const MOF_PROVIDER = 'MSNT_SystemTrace';

export const PROCESS_GROUP = 0x03;
export const THREAD_GROUP = 0x05;
export const IMAGE_GROUP = 0x14;
export const HEADER_GROUP = 0x00;
export const PERFINFO_GROUP = 0x0f;
export const DISKIO_GROUP = 0x01;
export const PAGEFAULT_GROUP = 0x02;
export const TCPIP_GROUP = 0x06;
export const UDPIP_GROUP = 0x08;
export const SYSTEMCONFIG_GROUP = 0x0b;

const PROCESS_FLAGS: readonly [number, string][] = [
  [1, 'PackageFullName'],
  [2, 'Wow64'],
  [4, 'Protected'],
  [8, 'Packaged'],
];

/** The UserSID field: `S-1-5-18`, or '' for the 4-byte empty form. */
function readSid(c: PayloadCursor): string {
  const first = c.r.u32(c.at, 'UserSID');
  if (first === 0) {
    c.at += 4;
    return '';
  }
  c.bytes(2 * c.pointerSize, 'UserSID TOKEN_USER');
  const count = c.r.u8(c.at + 1, 'SID SubAuthorityCount');
  return formatSid(c.bytes(8 + 4 * count, 'SID'));
}

function flagsText(flags: number): string {
  const names = PROCESS_FLAGS.filter(([bit]) => flags & bit).map(([, n]) => n);
  const rest = flags & ~0xf;
  if (rest) names.push(hexValue(rest, 1));
  return names.length ? names.join(', ') : 'None';
}

/** Process class payloads (types 1-4, 39 by version; 11 Terminate; 32/33 PerfCtr). */
export function decodeProcess(type: number, version: number, c: PayloadCursor): Fields {
  if (type === 11) return { ProcessID: c.u32('ProcessId') };
  if (type === 32 || type === 33) {
    const f: Fields = { ProcessID: c.u32('ProcessId'), PageFaultCount: c.u32(), HandleCount: c.u32() };
    c.u32('Reserved');
    for (const n of ['PeakVirtualSize', 'PeakWorkingSetSize', 'PeakPagefileUsage', 'QuotaPeakPagedPoolUsage', 'QuotaPeakNonPagedPoolUsage', 'VirtualSize', 'WorkingSetSize', 'PagefileUsage', 'QuotaPagedPoolUsage', 'QuotaNonPagedPoolUsage', 'PrivatePageCount']) {
      f[n] = int64Value(c.ptr(n));
    }
    return f;
  }
  const f: Fields = {};
  if (version === 0) {
    f.ProcessID = int64Value(c.ptr('ProcessId'));
    f.ParentID = int64Value(c.ptr('ParentId'));
    f.UserSID = readSid(c);
    f.ImageFileName = c.ansiz('ImageFileName');
    return f;
  }
  const key = c.ptrHex(version === 1 ? 'PageDirectoryBase' : 'UniqueProcessKey');
  if (version === 1) f.PageDirectoryBase = key;
  else f.UniqueProcessKey = key;
  f.ProcessID = c.u32('ProcessId');
  f.ParentID = c.u32('ParentId');
  f.SessionID = c.i32('SessionId');
  f.ExitStatus = c.i32('ExitStatus');
  if (version >= 3) f.PageDirectoryBase = c.ptrHex('DirectoryTableBase'); // PerfView's name for DirectoryTableBase
  if (version >= 4) f.Flags = flagsText(c.u32('Flags'));
  f.UserSID = readSid(c);
  f.ImageFileName = c.ansiz('ImageFileName');
  if (version >= 2) f.CommandLine = c.utf16z('CommandLine');
  if (version >= 4) {
    f.PackageFullName = c.utf16z('PackageFullName');
    f.ApplicationID = c.utf16z('ApplicationId');
  }
  if (version >= 5 && c.remaining >= 8) f.ExitTime = formatFiletime(c.u64('ExitTime'));
  return f;
}

/** Thread class payloads (types 1-4). */
export function decodeThread(type: number, version: number, c: PayloadCursor): Fields | null {
  if (type < 1 || type > 4) return null;
  const f: Fields = { ProcessID: c.u32('ProcessId'), ThreadID: c.u32('TThreadId') };
  if (version <= 1 && type === 2 && c.remaining === 0) return f;
  f.StackBase = c.ptrHex();
  f.StackLimit = c.ptrHex();
  f.UserStackBase = c.ptrHex();
  f.UserStackLimit = c.ptrHex();
  if (version >= 3) f.Affinity = c.ptrHex();
  else f.StartAddr = c.ptrHex();
  f.Win32StartAddr = c.ptrHex();
  if (version <= 1) {
    if (c.remaining >= 1) f.WaitMode = c.i8('WaitMode');
    return f;
  }
  f.TebBase = c.ptrHex();
  f.SubProcessTag = c.u32('SubProcessTag');
  if (version >= 3) {
    f.BasePriority = c.u8();
    f.PagePriority = c.u8();
    f.IoPriority = c.u8();
    f.ThreadFlags = c.u8();
  }
  if (version >= 4 && c.remaining >= 2) f.ThreadName = c.utf16z('ThreadName');
  return f;
}

/** Image class payloads (10 Load, 2 UnLoad, 3 DCStart, 4 DCEnd; 33 KernelBase; 34 HypercallPage). */
export function decodeImage(type: number, version: number, c: PayloadCursor): Fields | null {
  if (type === 33) return { ImageBase: c.ptrHex('ImageBase') };
  if (type === 34) return { HypercallPageVa: c.ptrHex('HypercallPageVa') };
  if (type !== 10 && (type < 2 || type > 4)) return null;
  const f: Fields = { ImageBase: c.ptrHex('ImageBase'), ImageSize: int64Value(c.ptr('ImageSize')) };
  if (version <= 1) {
    if (version === 1) f.ProcessID = c.u32('ProcessId');
    f.FileName = c.utf16z('FileName');
    return f;
  }
  f.ProcessID = c.u32('ProcessId');
  f.ImageChecksum = c.u32('ImageChecksum');
  f.TimeDateStamp = c.u32('TimeDateStamp');
  if (version >= 3) {
    f.SignatureLevel = c.u8();
    f.SignatureType = c.u8();
    c.u16('Reserved0');
  } else {
    c.u32('Reserved0');
  }
  f.DefaultBase = c.ptrHex('DefaultBase');
  for (let i = 0; i < 4; i++) c.u32('Reserved');
  f.FileName = c.utf16z('FileName');
  return f;
}

/** The EventTrace/Header record: the TRACE_LOGFILE_HEADER as fields. */
export function logfileFields(h: TraceLogfileHeader): Fields {
  return {
    BufferSize: h.bufferSize,
    Version: h.version,
    ProviderVersion: h.providerVersion,
    NumberOfProcessors: h.numberOfProcessors,
    EndTime: formatFiletime(h.endTime),
    TimerResolution: h.timerResolution,
    MaxFileSize: h.maximumFileSize,
    LogFileMode: h.logFileMode,
    BuffersWritten: h.buffersWritten,
    StartBuffers: h.startBuffers,
    PointerSize: h.pointerSize,
    EventsLost: h.eventsLost,
    CPUSpeed: h.cpuSpeedInMHz,
    BootTime: formatFiletime(h.bootTime),
    PerfFreq: int64Value(h.perfFreq),
    StartTime: formatFiletime(h.startTime),
    ReservedFlags: h.reservedFlags,
    BuffersLost: h.buffersLost,
    SessionName: h.loggerName,
    LogFileName: h.logFileName,
    // PerfView's name for TIME_ZONE_INFORMATION.Bias: UTC = local time + Bias minutes
    UtcOffsetMinutes: h.timeZoneBias,
  };
}

export function readLogfileHeaderPayload(payload: Uint8Array, pointerSize: 4 | 8, base: number): TraceLogfileHeader {
  return readTraceLogfileHeader(new ByteReader(payload, { format: 'ETL', base, error: etlError }), pointerSize);
}

/** Fields of a kernel event whose layout is known, or null (the payload is kept as hex). */
export function decodeKernel(group: number, type: number, version: number, c: PayloadCursor): Fields | null {
  switch (group) {
    case PROCESS_GROUP:
      if (type === 10) return decodeImage(type, version, c);
      return [1, 2, 3, 4, 39, 11, 32, 33].includes(type) ? decodeProcess(type, version, c) : null;
    case THREAD_GROUP:
      return decodeThread(type, version, c);
    case IMAGE_GROUP:
      return decodeImage(type, version, c);
    case PERFINFO_GROUP:
      return type === 46 ? decodeSample(c) : null;
    case TCPIP_GROUP:
      return decodeTcpIp(type, version, c);
    case UDPIP_GROUP:
      return decodeUdpIp(type, version, c);
    case DISKIO_GROUP:
      return decodeDiskIo(type, version, c);
    case PAGEFAULT_GROUP:
      return decodePageFault(type, version, c);
    case SYSTEMCONFIG_GROUP:
      return type === 15 && version >= 2 ? decodeService(c) : null;
    default:
      return null;
  }
}

/**
 * PerfInfo/SampleProf: InstructionPointer P, ThreadId, Count u16, then (Windows 8+, PerfView's
 * reading) a byte of ExecutingDPC (bit 0), ExecutingISR (bit 1) and Priority (bits 3-7), and Rank.
 */
function decodeSample(c: PayloadCursor): Fields {
  const f: Fields = { InstructionPointer: c.ptrHex('InstructionPointer'), ThreadID: c.u32('ThreadId'), Count: c.u16('Count') };
  if (c.remaining >= 2) {
    const b = c.u8('flags');
    f.Priority = b >>> 3;
    f.ExecutingDPC = (b & 1) !== 0;
    f.ExecutingISR = (b & 2) !== 0;
    f.Rank = c.u8('Rank');
  }
  return f;
}

/** An IPv6 address as .NET's IPAddress writes it (RFC 5952: lower case, the longest run of two or more zero groups as `::`). */
export function ipv6Text(b: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i]! << 8) | b[i + 1]!);
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number) => groups.slice(from, to).map((g) => g.toString(16)).join(':');
  return best < 0 ? hex(0, 8) : `${hex(0, best)}::${hex(best + bestLen, 8)}`;
}

function ipv4(c: PayloadCursor, what: string): string {
  const v = c.u32(what);
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24].join('.');
}

/** A port in network byte order. */
function port(c: PayloadCursor, what: string): number {
  const v = c.u16(what);
  return ((v & 0xff) << 8) | (v >>> 8);
}

/** PID, size, the addresses (IPv4 or IPv6) and ports the TcpIp and UdpIp events start with. */
function endpoints(c: PayloadCursor, v6: boolean): Fields {
  const addr = (what: string) => (v6 ? ipv6Text(c.bytes(16, what)) : ipv4(c, what));
  return { PID: c.u32('PID'), size: c.u32('size'), daddr: addr('daddr'), saddr: addr('saddr'), dport: port(c, 'dport'), sport: port(c, 'sport') };
}

/**
 * TcpIp v1+ (Learn's TcpIp_SendIPV4/TypeGroup1 and their IPv6 forms; connid before seqnum in the
 * receive group, as Windows writes it and PerfView reads it): Send 10/26, and Recv, Disconnect,
 * Retransmit, Reconnect, TCPCopy (11, 13, 14, 16, 18 and 27, 29, 30, 32, 34). Connect and
 * Accept (their TCP options) are not decoded.
 */
function decodeTcpIp(type: number, version: number, c: PayloadCursor): Fields | null {
  if (version < 1) return null;
  const v6 = type >= 26;
  const t = v6 ? type - 16 : type;
  if (t === 10) {
    const f = endpoints(c, v6);
    f.startime = c.u32('startime');
    f.endtime = c.u32('endtime');
    f.seqnum = c.u32('seqnum');
    f.connid = c.ptrHex('connid');
    return f;
  }
  if ([11, 13, 14, 16, 18].includes(t)) {
    const f = endpoints(c, v6);
    f.connid = c.ptrHex('connid');
    f.seqnum = c.u32('seqnum');
    return f;
  }
  return null;
}

/** UdpIp v1+ (UdpIp_TypeGroup1 and its IPv6 form): Send and Recv, 10, 11, 26, 27. */
function decodeUdpIp(type: number, version: number, c: PayloadCursor): Fields | null {
  if (version < 1 || ![10, 11, 26, 27].includes(type)) return null;
  const f = endpoints(c, type >= 26);
  f.seqnum = c.u32('seqnum');
  f.connid = c.ptrHex('connid');
  return f;
}

/**
 * DiskIo v2+: Read and Write (10, 11; DiskIo_TypeGroup1), the Init events (12, 13, 15:
 * Irp), FlushBuffers (14); IssuingThreadId at the end from version 3. FileObject is named
 * FileKey, as PerfView names it.
 */
function decodeDiskIo(type: number, version: number, c: PayloadCursor): Fields | null {
  if (version < 2) return null;
  let f: Fields;
  if (type === 10 || type === 11) {
    f = { DiskNumber: c.u32('DiskNumber'), IrpFlags: hexValue(c.u32('IrpFlags'), 8), TransferSize: c.u32('TransferSize') };
    c.u32('Reserved');
    f.ByteOffset = int64Value(c.i64('ByteOffset'));
    f.FileKey = c.ptrHex('FileObject');
    f.Irp = c.ptrHex('Irp');
    f.HighResResponseTime = int64Value(c.u64('HighResResponseTime'));
  } else if (type === 12 || type === 13 || type === 15) {
    f = { Irp: c.ptrHex('Irp') };
  } else if (type === 14) {
    f = { DiskNumber: c.u32('DiskNumber'), IrpFlags: hexValue(c.u32('IrpFlags'), 8), HighResResponseTime: int64Value(c.u64('HighResResponseTime')), Irp: c.ptrHex('Irp') };
  } else {
    return null;
  }
  if (version >= 3 && c.remaining >= 4) f.IssuingThreadId = c.u32('IssuingThreadId');
  return f;
}

/** PageFault v2+: the fault types 10-15 (VirtualAddress, ProgramCounter) and HardFault (32). */
function decodePageFault(type: number, version: number, c: PayloadCursor): Fields | null {
  if (version < 2) return null;
  if (type >= 10 && type <= 15) return { VirtualAddress: c.ptrHex('VirtualAddress'), ProgramCounter: c.ptrHex('ProgramCounter') };
  if (type !== 32) return null;
  return {
    InitialTime: int64Value(c.u64('InitialTime')),
    ReadOffset: int64Value(c.u64('ReadOffset')),
    VirtualAddress: c.ptrHex('VirtualAddress'),
    FileKey: c.ptrHex('FileObject'),
    TThreadId: c.u32('TThreadId'),
    ByteCount: c.u32('ByteCount'),
  };
}

/** SystemConfig/Services v2+: ProcessId, ServiceState, SubProcessTag, then the three names. */
function decodeService(c: PayloadCursor): Fields {
  return {
    ProcessID: c.u32('ProcessId'),
    ServiceState: c.u32('ServiceState'),
    SubProcessTag: c.u32('SubProcessTag'),
    ServiceName: c.utf16z('ServiceName'),
    DisplayName: c.utf16z('DisplayName'),
    ProcessName: c.utf16z('ProcessName'),
  };
}
