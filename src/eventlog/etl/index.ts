// The .etl (ETW trace log) reader: see reader.ts and docs/events.md.
export { readEtlEvents, looksLikeEtl, payloadHex, isIdleSample, ThreadTable, type EtlEvent, type EtlReadOptions, type EventDecoder, type EtlFileInfo } from './reader.js';
export { readEtlBuffers, EtlFormatError, WMI_BUFFER_HEADER, BUFFER_FLAG, type EtlBuffer } from './buffer.js';
export { readRecordHeader, TRACE_HEADER_TYPE, type RawRecord, type HeaderKind } from './headers.js';
export { readTraceLogfileHeader, EtlClock, type TraceLogfileHeader } from './logfile.js';
export { KERNEL_CLASSES, kernelEventNames } from './kernel.js';
export { readTlSchema, decodeTlPayload, type TlEventSchema } from './tracelogging.js';
export type { FieldValue, Fields } from './payload.js';
