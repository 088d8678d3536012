// compileMc's pipeline: .mc bytes in, output files out. Pure: no clock, no environment, and no
// file system when the caller passes the templates (without them, the default loader reads
// templates/). decode → lex → parse → resolve → write (.h, .rc, .bin per language, .dbg).
//
// The grammar parser that reports a file's syntax errors (parser.ts, chevrotain) is passed in, so
// that this module does not load it: a well-formed file never needs it (direct-parse.ts reads it),
// and chevrotain's start-up was the largest of any library in a compile's. compile.ts (the public
// compileMc) passes it always; the CLI loads it only for a file the direct reading declines.

import { diagnostic, templateDiagnostic, type Diagnostic } from './diagnostics.js';
import { decodeInput } from './decode.js';
import { FLAVORS, type FlavorName } from './flavors.js';
import { Scanner } from './lexer.js';
import type { Statement } from './statements.js';
import type { McModel } from './model.js';
import { parseDirect } from './direct-parse.js';
import { encodeText, renderTemplate, TemplateError, type TextEncoding } from './render.js';
import { Resolver, type ResolveOptions } from './resolve.js';
import { defaultMcTemplates, type McTemplates } from './templates.js';
import { writeMessageTable } from '../rc-gen/message-table.js';

export interface CompileOptions {
  /** Input file name: gives the default base name and is only used for naming. */
  inputName?: string;
  /** -z: base name of the .h/.rc (also switches on the `base_` prefix of .bin names). */
  baseName?: string;
  /** -e: header extension without the dot (default `h`). */
  headerExtension?: string;
  /** -b: prefix .bin names with `base_`. */
  binPrefix?: boolean;
  /** -c: set the Customer bit (0x20000000) in every message value. */
  customerBit?: boolean;
  /** -d: facility/severity/message values in decimal unless OutputBase says otherwise. */
  decimal?: boolean;
  /** -o: HRESULT banner in the header. */
  hresultBanner?: boolean;
  /** -n: no CR LF at the end of each message text. */
  noTrailingNewline?: boolean;
  /** -u: input without a BOM is UTF-16LE (default: the ANSI code page). */
  unicodeInput?: boolean;
  /** -A: write the .bin messages in the ANSI code page (default Unicode, -U). */
  ansiBins?: boolean;
  /** -cp: encoding of the .h, .rc and .dbg. */
  textEncoding?: TextEncoding;
  /** -m: warn about messages longer than this many characters. */
  maxMessageLength?: number;
  /** -x: also produce the .dbg file. */
  debugFile?: boolean;
  /** Output generation of mc.exe to reproduce (`--compat`: `modern`, `middle`, `legacy`; README.md). */
  compat?: FlavorName;
  /** The Windows ANSI code page mc.exe would run under (CP_ACP); default 1252. */
  ansiCodepage?: number;
  /** The handlebars sources of the .h, .rc and .dbg (default: the package's templates/, read by ./templates.js). */
  templates?: McTemplates;
  /** Handlebars source of the header, replacing `templates.header` (`--header-template`). */
  headerTemplate?: string;
  /** The name diagnostics give `headerTemplate`'s errors (`--header-template`'s file; default `header template`). */
  headerTemplateName?: string;
  /** Lower the resource limits (see LIMITS); a limit cannot be raised above its default. */
  limits?: Partial<Limits>;
}

export interface Limits {
  /** Largest input accepted, in bytes. */
  inputBytes: number;
  /** Most messages in one file. */
  messages: number;
  /** Diagnostics stop after this many errors. */
  maxErrors: number;
}

export type OutputKind = 'header' | 'rc' | 'bin' | 'dbg';

export interface CompiledFile {
  name: string;
  kind: OutputKind;
  bytes: Uint8Array;
  /** For .bin files: the LANGID of the table. */
  languageId?: number;
}

export interface CompileResult {
  /** Empty when there is any error: a failed compile produces nothing. */
  files: CompiledFile[];
  diagnostics: Diagnostic[];
  /** The resolved model (also on failure, as far as it got). */
  model?: McModel;
}

/** Limits that keep a hostile input from exhausting the machine; see the README. */
export const LIMITS: Readonly<Limits> = {
  inputBytes: 128 * 1024 * 1024,
  messages: 1_000_000,
  maxErrors: 100,
};

export function baseNameOf(inputName: string): string {
  const file = inputName.split(/[\\/]/).pop() ?? inputName;
  const dot = file.lastIndexOf('.');
  return dot > 0 ? file.slice(0, dot) : file;
}

/** The resolver's model is object literals and arrays only (see renderTemplate). */
const PLAIN = { plainModel: true };

/** The grammar parser with its diagnostics: parser.ts's parseStream. */
export type GrammarParser = (scanner: Scanner, emit: (s: Statement) => void, maxErrors: number) => Diagnostic[];

/**
 * compileMc with the grammar parser given. Without one, a file that only the grammar parser can
 * read (one with a syntax error) gives undefined: the caller loads parser.ts and calls again,
 * with `directDeclined` so that the direct reading, which declined that file, is not run twice.
 */
export function compileMcWith(input: Uint8Array, options: CompileOptions, grammarParser: GrammarParser, directDeclined?: boolean): CompileResult;
export function compileMcWith(input: Uint8Array, options: CompileOptions, grammarParser?: GrammarParser): CompileResult | undefined;
export function compileMcWith(input: Uint8Array, options: CompileOptions, grammarParser?: GrammarParser, directDeclined = false): CompileResult | undefined {
  const limits = {
    inputBytes: Math.min(options.limits?.inputBytes ?? Infinity, LIMITS.inputBytes),
    messages: Math.min(options.limits?.messages ?? Infinity, LIMITS.messages),
    maxErrors: Math.min(options.limits?.maxErrors ?? Infinity, LIMITS.maxErrors),
  };
  const maxErrors = limits.maxErrors;
  if (input.length > limits.inputBytes) {
    return { files: [], diagnostics: [diagnostic('limitExceeded', `the input is ${input.length} bytes; the limit is ${limits.inputBytes}`)] };
  }
  const ansiCodepage = options.ansiCodepage ?? 1252;
  const decoded = decodeInput(input, { unicodeInput: options.unicodeInput ?? false, ansiCodepage });
  if (!decoded.input) return { files: [], diagnostics: decoded.diagnostics };
  const source = decoded.input.text;

  const baseName = options.baseName ?? baseNameOf(options.inputName ?? 'input.mc');
  const diagnostics: Diagnostic[] = [];
  const flavor = FLAVORS[options.compat ?? 'modern'];
  // One pass: the scanner's tokens are parsed a statement at a time and each statement is
  // resolved as soon as it is parsed; comments reach the resolver through the scanner.
  const resolveOptions: ResolveOptions = {
    flavor,
    baseName,
    binPrefix: (options.binPrefix ?? false) || options.baseName !== undefined,
    customerBit: options.customerBit ?? false,
    decimal: options.decimal ?? false,
    hresultBanner: options.hresultBanner ?? false,
    noTrailingNewline: options.noTrailingNewline ?? false,
    maxMessageLength: options.maxMessageLength,
    ansiBins: options.ansiBins ?? false,
    ansiCodepage,
    maxErrors,
    maxMessages: limits.messages,
  };
  // A well-formed file straight from the scanner (direct-parse.ts); a file with any error again
  // through parseStream, with a fresh scanner and resolver, for its diagnostics.
  let scanner = new Scanner(source);
  let resolver = new Resolver(scanner.comments, source, resolveOptions);
  let parseErrors: Diagnostic[] = [];
  if (directDeclined || !parseDirect(scanner, resolver.add)) {
    if (grammarParser === undefined) return undefined;
    scanner = new Scanner(source);
    resolver = new Resolver(scanner.comments, source, resolveOptions);
    parseErrors = grammarParser(scanner, resolver.add, maxErrors);
  }
  for (const e of scanner.errors) diagnostics.push(diagnostic('unexpectedToken', e.message, e));
  diagnostics.push(...parseErrors);
  const resolved = resolver.finish();
  diagnostics.push(...resolved.diagnostics);
  diagnostics.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  if (errors > maxErrors) diagnostics.splice(maxErrors);
  if (errors >= maxErrors) diagnostics.push(diagnostic('tooManyErrors', `stopped after ${maxErrors} errors`));
  const model = resolved.model;
  if (errors > 0) return { files: [], diagnostics, model };

  const textEncoding = options.textEncoding ?? 'ansi';
  const text = (s: string) => encodeText(s, textEncoding, ansiCodepage);
  const files: CompiledFile[] = [];
  const templates = options.templates ?? defaultMcTemplates();
  const headerSource = options.headerTemplate ?? templates.header;
  let headerText: string;
  try {
    headerText = renderTemplate(headerSource, model, PLAIN);
  } catch (err) {
    // The user's template: a located diagnostic (MC1006), nothing written. The package's own: a bug.
    if (options.headerTemplate === undefined || !(err instanceof TemplateError)) throw err;
    diagnostics.push(templateDiagnostic(err, options.headerTemplateName ?? 'header template'));
    return { files: [], diagnostics, model };
  }
  files.push({ name: `${baseName}.${options.headerExtension ?? 'h'}`, kind: 'header', bytes: text(headerText) });
  files.push({ name: `${baseName}.rc`, kind: 'rc', bytes: text(renderTemplate(templates.rc, model, PLAIN)) });
  for (const lang of model.languages) {
    const entries = lang.messages.map((m) => ({ id: m.value, text: m.text, unicode: !options.ansiBins }));
    files.push({ name: lang.binName, kind: 'bin', bytes: writeMessageTable(entries, ansiCodepage), languageId: lang.id });
  }
  if (options.debugFile) files.push({ name: `${baseName}.dbg`, kind: 'dbg', bytes: text(renderTemplate(templates.dbg, model, PLAIN)) });
  return { files, diagnostics, model };
}
