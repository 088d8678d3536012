// The diagnostic catalogue. Codes are stable: tools and users match on them.
// Rendered as `path(line[,column]) : error MCnnnn: text`, the form MSBuild's canonical error
// parser and VS Code problem matchers recognise.

export type DiagnosticSeverity = 'error' | 'warning';

export interface Diagnostic {
  severity: DiagnosticSeverity;
  code: string;
  message: string;
  line?: number;
  column?: number;
  /** The file the place is in when it is not the input (a --header-template file). */
  file?: string;
}

export const DIAGNOSTICS = {
  unexpectedToken: { code: 'MC0001', severity: 'error', title: 'unknown keyword or unexpected token' },
  expectedEquals: { code: 'MC0002', severity: 'error', title: "'=' expected" },
  expectedLParen: { code: 'MC0003', severity: 'error', title: "'(' expected" },
  expectedRParen: { code: 'MC0004', severity: 'error', title: "')' expected" },
  expectedColon: { code: 'MC0005', severity: 'error', title: "':' expected" },
  badNumber: { code: 'MC0006', severity: 'error', title: 'number expected or malformed' },
  severityRange: { code: 'MC0007', severity: 'error', title: 'severity value above 3' },
  facilityRange: { code: 'MC0008', severity: 'error', title: 'facility value above 0xFFF' },
  messageIdRange: { code: 'MC0009', severity: 'error', title: 'message id above 0xFFFF' },
  undefinedSeverity: { code: 'MC0010', severity: 'error', title: 'undefined severity name' },
  undefinedFacility: { code: 'MC0011', severity: 'error', title: 'undefined facility name' },
  undefinedLanguage: { code: 'MC0012', severity: 'error', title: 'undefined language name' },
  outputBase: { code: 'MC0013', severity: 'error', title: 'OutputBase other than 10 or 16' },
  unterminatedText: { code: 'MC0014', severity: 'error', title: 'message text not terminated' },
  finalPeriodNoLineEnd: { code: 'MC0015', severity: 'error', title: "final '.' without a line end" },
  duplicateValue: { code: 'MC0016', severity: 'error', title: 'duplicate message value' },
  duplicateLanguage: { code: 'MC0017', severity: 'error', title: 'the same language twice in one message' },
  entryTooLong: { code: 'MC0018', severity: 'error', title: 'message longer than a .bin entry can hold' },
  undecodableInput: { code: 'MC0019', severity: 'error', title: "bytes not valid in the input's encoding" },
  messageTooLong: { code: 'MC0020', severity: 'warning', title: 'message longer than -m allows' },
  tooManyErrors: { code: 'MC0021', severity: 'error', title: 'too many errors' },
  limitExceeded: { code: 'MC0022', severity: 'error', title: 'input exceeds a limit' },
  badFileName: { code: 'MC0023', severity: 'error', title: 'output file name with a path' },
  expectedName: { code: 'MC0024', severity: 'error', title: 'name expected' },
  languageIdRange: { code: 'MC0025', severity: 'error', title: 'language id above 0xFFFF' },
  expectedLineEnd: { code: 'MC0026', severity: 'error', title: 'end of line expected after Language=name' },
  missingLanguage: { code: 'MC0027', severity: 'error', title: 'message without a Language= block' },
  redefinedLanguageFile: { code: 'MC0028', severity: 'error', title: '.bin file name used by two languages' },
  nulCharacter: { code: 'MC0029', severity: 'error', title: 'NUL character in the input' },
  // Command line and file system (no line).
  badSwitch: { code: 'MC1001', severity: 'error', title: 'unknown or malformed switch' },
  manifestSwitch: { code: 'MC1002', severity: 'error', title: 'manifest switch not supported' },
  readFailed: { code: 'MC1003', severity: 'error', title: 'cannot read a file' },
  writeFailed: { code: 'MC1004', severity: 'error', title: 'cannot write the outputs' },
  badCodepage: { code: 'MC1005', severity: 'error', title: 'unknown code page' },
  // A user's template (--header-template, or the templates option): located in the template file.
  templateError: { code: 'MC1006', severity: 'error', title: 'a --header-template that does not compile or render' },
} as const satisfies DiagnosticCatalogue;

/** A catalogue of diagnostics by kind: this one (.mc), the manifest compiler's. */
export type DiagnosticCatalogue = Record<string, { code: string; severity: DiagnosticSeverity; title: string }>;

export type DiagnosticKind = keyof typeof DIAGNOSTICS;

/** The diagnostic `kind` of `catalogue` says, at a place (line, optional column) or none. */
export function catalogueDiagnostic<C extends DiagnosticCatalogue>(catalogue: C, kind: keyof C, message: string, at?: { line: number; column?: number }): Diagnostic {
  const d = catalogue[kind]!;
  return { severity: d.severity, code: d.code, message, line: at?.line, column: at?.column };
}

export function diagnostic(kind: DiagnosticKind, message: string, at?: { line: number; column?: number }): Diagnostic {
  return catalogueDiagnostic(DIAGNOSTICS, kind, message, at);
}

/** `path(line[,column]) : error MCnnnn: text`; `path` is the input's, unless the diagnostic names its own file. */
export function formatDiagnostic(d: Diagnostic, path: string): string {
  const file = d.file ?? path;
  const where = d.line === undefined ? file : `${file}(${d.line}${d.column === undefined ? '' : `,${d.column}`})`;
  return `${where} : ${d.severity} ${d.code}: ${d.message}`;
}

/** A user template's error (TemplateError from render.ts) as a diagnostic located in the template file. */
export function templateDiagnostic(err: { message: string; line?: number; column?: number }, file: string): Diagnostic {
  return { ...diagnostic('templateError', err.message, err.line === undefined ? undefined : { line: err.line, column: err.column }), file };
}
