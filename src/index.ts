// Public API of winmc. The CLI is built on these same functions.

// Every reader's format error is a FormatError (format, structure, offset); each has its own class below.
export { FormatError } from './binary/errors.js';
export { compileMc, LIMITS, baseNameOf } from './mc/compile.js';
export type { CompileOptions, CompileResult, CompiledFile, OutputKind } from './mc/compile.js';
export { defaultMcTemplates } from './mc/templates.js';
export type { McTemplates } from './mc/templates.js';
export { formatDiagnostic, DIAGNOSTICS } from './mc/diagnostics.js';
export type { Diagnostic, DiagnosticSeverity } from './mc/diagnostics.js';
export type { McModel, HeaderItem, HeaderMessage, LanguageOutput, NameDefine, BannerItem } from './mc/model.js';
export { FLAVORS } from './mc/flavors.js';
export type { Flavor, FlavorName } from './mc/flavors.js';
export { readMessageTable, writeMessageTable, MessageTableFormatError } from './rc-gen/message-table.js';
export type { MessageTableEntry } from './rc-gen/message-table.js';
export { loadMessageTables, messageTablesFromBytes, findMessage, MessageSourceError } from './rc-gen/message-source.js';
export type { MessageTableSet } from './rc-gen/message-source.js';

// IO_ERROR_LOG_PACKET: build, size-check, decode, render (docs/packet.md).
export {
  buildPacket,
  completePacket,
  writeEventLogData,
  packetToJson,
  fitReport,
  archLimits,
  checkEntrySize,
  fitsEntrySize,
  entrySizeOf,
  PacketSizeError,
  PacketFieldError,
} from './packet/packet.js';
export type { IoErrorLogPacket, Arch, PacketFields } from './packet/packet.js';
export { decodeDriverPacket, decodeEventLogData, decodeEventLogPacket, decodeEventXml, parseEventXml, parseHex, isEventLogPacket, PacketFormatError } from './packet/decode.js';
export { formatMessage, FormatMessageError } from './packet/format-message.js';
export { describeErrorCode, IO_LOG_CODES } from './packet/ntiologc.js';
export { findEventMessage, renderEventMessage } from './packet/render.js';

// Event logs: .evtx and .evt, record by record (docs/events.md).
export { readEventLogFile, readEventRecords, memoryByteSource, fileByteSource, driverPacketOf, isIoPacketData, messageIdOf, EventLogError } from './eventlog/events.js';
export type { EventRecord, ReadWarning, ByteSource } from './eventlog/events.js';
export { readEvtxRecords, EvtxFormatError } from './eventlog/evtx.js';
export { readEvtRecords, EvtFormatError } from './eventlog/evt.js';
export { BinXmlError } from './eventlog/binxml/reader.js';

// Resources: .res files, message DLLs, reading tables back (docs/resources.md).
export { writeRes, readRes, messageTablesOfRes, ResFormatError } from './rc-gen/res.js';
export { writeMessageDll, readPeImage, readPeResources, PeFormatError } from './rc-gen/pe.js';
export { readTableFile, detectTableFileFormat } from './rc-gen/table-file.js';
export { messageTablesToMc } from './rc-gen/mc-source.js';

// Instrumentation manifests: mc.exe's manifest mode, and reading WEVT_TEMPLATE back (docs/manifests.md).
export { compileManifest, manifestBaseName } from './manifest/compile.js';
export type { ManifestCompileOptions, ManifestCompileResult, ManifestFile, ManifestOutputKind, ManifestTemplates } from './manifest/compile.js';
export { parseManifest, looksLikeManifest } from './manifest/parse.js';
export { MANIFEST_DIAGNOSTICS } from './manifest/diagnostics.js';
export { MANIFEST_GENERATIONS, DEFAULT_GENERATION } from './manifest/generation.js';
export type { ManifestGeneration } from './manifest/generation.js';
export type * from './manifest/model.js';
export { readCrim, writeCrim, CrimFormatError } from './manifest/crim.js';
export type { CrimFile, CrimProvider, CrimTemplate, CrimEvent } from './manifest/crim.js';
export { decompileCrim, crimToManifest, listCrim, crimGeneration } from './manifest/decompile.js';
export type { DecompileResult, DecompileWarning, DecompileMessages, MessageTableInput } from './manifest/decompile.js';

// EventLog source registration: plan, validate and apply to live, .reg, INF or hive targets (docs/registry.md).
export * from './registry/index.js';
