// Public API of winmc. The CLI is built on these same functions.
export { compileMc, LIMITS, baseNameOf } from './mc/compile.js';
export type { CompileOptions, CompileResult, CompiledFile, OutputKind } from './mc/compile.js';
export { formatDiagnostic, DIAGNOSTICS } from './mc/diagnostics.js';
export type { Diagnostic, DiagnosticSeverity } from './mc/diagnostics.js';
export type { McModel, HeaderItem, HeaderMessage, LanguageOutput, NameDefine, BannerItem } from './mc/model.js';
export { FLAVORS } from './mc/flavors.js';
export type { Flavor, FlavorName } from './mc/flavors.js';
export { readMessageTable, writeMessageTable } from './rc-gen/message-table.js';
export type { MessageTableEntry } from './rc-gen/message-table.js';
