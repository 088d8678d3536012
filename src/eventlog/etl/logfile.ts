// TRACE_LOGFILE_HEADER: the payload of the file's first record (a SYSTEM header with Group 0,
// Type 0: EventTrace/Header), and the clock that turns raw record timestamps into UTC.
//
// Layout (ETL.md §3; Chappell's TRACE_LOGFILE_HEADER study), P = the record's pointer size:
//   0x00 BufferSize, Version (4 bytes), ProviderVersion (the OS build), NumberOfProcessors,
//   0x10 EndTime (FILETIME), TimerResolution, MaximumFileSize, LogFileMode, BuffersWritten,
//   0x28 StartBuffers, PointerSize, EventsLost, CpuSpeedInMHz,
//   0x38 LoggerName (P), LogFileName (P) — producer pointers, meaningless on disk,
//   TIME_ZONE_INFORMATION (0xAC bytes; 4 bytes of padding after it when P is 8),
//   BootTime, PerfFreq, StartTime (FILETIME), ReservedFlags (clock type), BuffersLost,
//   then the logger name and the log file name as NUL-terminated UTF-16.
// Clock (dissect.etl's method, checked: every record of the samples falls in [StartTime, EndTime]):
//   FILETIME = StartTime + (ts - ts of the header record) * scale, with scale 10^7 / PerfFreq
//   for QPC (ReservedFlags 1), 1 for system time (2), 10 / CpuSpeedInMHz for CPU cycles (3).

import { struct } from '../../binary/layout.js';
import { ByteReader } from '../../binary/reader.js';
import { decodeUtf16le } from '../../binary/codec.js';

const LOGFILE_HEAD = struct('TRACE_LOGFILE_HEADER', {
  BufferSize: 'u32',
  Version: 'u32',
  ProviderVersion: 'u32',
  NumberOfProcessors: 'u32',
  EndTime: 'u64',
  TimerResolution: 'u32',
  MaximumFileSize: 'u32',
  LogFileMode: 'u32',
  BuffersWritten: 'u32',
  StartBuffers: 'u32',
  PointerSize: 'u32',
  EventsLost: 'u32',
  CpuSpeedInMHz: 'u32',
});
export const TIME_ZONE_INFORMATION = struct('TIME_ZONE_INFORMATION', {
  Bias: 'i32',
  StandardName: 64,
  StandardDate: 16,
  StandardBias: 'i32',
  DaylightName: 64,
  DaylightDate: 16,
  DaylightBias: 'i32',
});
const LOGFILE_TAIL = struct('TRACE_LOGFILE_HEADER (tail)', {
  BootTime: 'u64',
  PerfFreq: 'u64',
  StartTime: 'u64',
  ReservedFlags: 'u32',
  BuffersLost: 'u32',
});

export interface TraceLogfileHeader {
  bufferSize: number;
  version: number;
  providerVersion: number;
  numberOfProcessors: number;
  endTime: bigint;
  timerResolution: number;
  maximumFileSize: number;
  logFileMode: number;
  buffersWritten: number;
  startBuffers: number;
  pointerSize: number;
  eventsLost: number;
  cpuSpeedInMHz: number;
  /** Minutes west of UTC (TIME_ZONE_INFORMATION.Bias). */
  timeZoneBias: number;
  timeZoneName: string;
  bootTime: bigint;
  perfFreq: bigint;
  startTime: bigint;
  /** Clock type: 1 QPC, 2 system time, 3 CPU cycles. */
  reservedFlags: number;
  buffersLost: number;
  loggerName: string;
  logFileName: string;
}

/** Size of the fixed part for a pointer size (0x118 for 8, 0x110 for 4). */
export function logfileHeaderSize(pointerSize: 4 | 8): number {
  const zone = LOGFILE_HEAD.size + 2 * pointerSize + TIME_ZONE_INFORMATION.size;
  return (pointerSize === 8 ? (zone + 7) & ~7 : zone) + LOGFILE_TAIL.size;
}

export function readTraceLogfileHeader(r: ByteReader, pointerSize: 4 | 8): TraceLogfileHeader {
  const h = LOGFILE_HEAD.read(r, 0);
  const zoneAt = LOGFILE_HEAD.size + 2 * pointerSize;
  const zone = TIME_ZONE_INFORMATION.read(r, zoneAt);
  const tailAt = logfileHeaderSize(pointerSize) - LOGFILE_TAIL.size;
  const t = LOGFILE_TAIL.read(r, tailAt);
  let at = tailAt + LOGFILE_TAIL.size;
  const names: string[] = [];
  for (let i = 0; i < 2; i++) {
    if (at + 2 > r.length) break;
    try {
      const s = r.utf16z(at, i === 0 ? 'LoggerName' : 'LogFileName');
      names.push(s.text);
      at = s.next;
    } catch {
      break;
    }
  }
  const standardName = zone.StandardName;
  return {
    bufferSize: h.BufferSize,
    version: h.Version,
    providerVersion: h.ProviderVersion,
    numberOfProcessors: h.NumberOfProcessors,
    endTime: h.EndTime,
    timerResolution: h.TimerResolution,
    maximumFileSize: h.MaximumFileSize,
    logFileMode: h.LogFileMode,
    buffersWritten: h.BuffersWritten,
    startBuffers: h.StartBuffers,
    pointerSize: h.PointerSize,
    eventsLost: h.EventsLost,
    cpuSpeedInMHz: h.CpuSpeedInMHz,
    timeZoneBias: zone.Bias,
    timeZoneName: decodeUtf16le(standardName, 0, standardName.length).replace(/\0.*$/s, ''),
    bootTime: t.BootTime,
    perfFreq: t.PerfFreq,
    startTime: t.StartTime,
    reservedFlags: t.ReservedFlags,
    buffersLost: t.BuffersLost,
    loggerName: names[0] ?? '',
    logFileName: names[1] ?? '',
  };
}

/** Raw timestamps to FILETIME (100 ns since 1601, UTC). */
export class EtlClock {
  private readonly num: bigint;
  private readonly den: bigint;
  constructor(
    private readonly startTime: bigint,
    private readonly headerTimeStamp: bigint,
    clockType: number,
    perfFreq: bigint,
    cpuSpeedInMHz: number,
  ) {
    if (clockType === 2) {
      this.num = 1n;
      this.den = 1n;
    } else if (clockType === 3 && cpuSpeedInMHz > 0) {
      this.num = 10n;
      this.den = BigInt(cpuSpeedInMHz);
    } else {
      this.num = 10000000n;
      this.den = perfFreq > 0n ? perfFreq : 10000000n;
    }
  }

  static of(header: TraceLogfileHeader, headerTimeStamp: bigint): EtlClock {
    return new EtlClock(header.startTime, headerTimeStamp, header.reservedFlags, header.perfFreq, header.cpuSpeedInMHz);
  }

  /** The FILETIME of a raw timestamp. */
  filetime(ts: bigint): bigint {
    const d = ts - this.headerTimeStamp;
    return this.startTime + (d * this.num) / this.den;
  }
}
