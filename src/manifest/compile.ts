// compileManifest: instrumentation manifest bytes in, mc.exe's output files out. Pure like
// compileMc: no file system (templates come from the caller, else the package's defaults).
// Pipeline: parse (XML → model) → message ids → header | C#, .rc, TEMP.BIN, MSGnnnnn.bin.

import { templateDiagnostic, type Diagnostic } from '../mc/diagnostics.js';
import { writeCrim } from './crim.js';
import { renderManifestCSharp } from './csharp.js';
import { manifestDiagnostic } from './diagnostics.js';
import { DEFAULT_GENERATION, type ManifestGeneration } from './generation.js';
import { renderManifestHeader } from './header.js';
import type { OlderHeaderRevision } from './header-older.js';
import { TemplateError, type TextEncoding } from '../mc/render.js';
import { assignMessageIds } from './message-ids.js';
import { manifestMessageTables } from './messages.js';
import type { Manifest } from './model.js';
import { parseManifest, type ParseLimits } from './parse.js';
import { renderManifestRc } from './rc.js';

export interface ManifestTemplates {
  /** The C header (templates/manifest/header.h.hbs, or header-older.h.hbs for the older generations). */
  header: string;
  /** The resource script (templates/manifest/rc.hbs). */
  rc: string;
  /** The C# file (templates/manifest/csharp.cs.hbs). */
  csharp: string;
}

export interface ManifestCompileOptions {
  /** Input file name: gives the default base name. */
  inputName?: string;
  /** -z: base name of the outputs (also prefixes the .bin names with `base_`). */
  baseName?: string;
  /** -e: header extension without the dot (default `h`). */
  headerExtension?: string;
  /** -b: prefix .bin names with `base_`. */
  binPrefix?: boolean;
  /** Which mc.exe to reproduce (docs/manifests.md, "Generations"). */
  generation?: ManifestGeneration;
  /** -um: user-mode logging code in the header. */
  userMode?: boolean;
  /** -km: kernel-mode logging code in the header. */
  kernelMode?: boolean;
  /** -p PREFIX: the prefix of the event write macros in place of `EventWrite`. */
  writePrefix?: string;
  /** -cp: encoding of the header ('ansi' by default; UTF-8 and UTF-16 with a BOM). */
  textEncoding?: TextEncoding;
  /** The ANSI code page mc.exe would run under (names outside ASCII); 1252 by default. */
  ansiCodepage?: number;
  /** Older generations: the wording revision of the header inside the generation (docs/manifests-header-older.md). */
  headerRevision?: OlderHeaderRevision;
  /** -cs / -css NAMESPACE: write the C# class instead of the C header. */
  csharp?: { namespace: string; staticClass: boolean };
  /** Handlebars sources replacing the package's templates. */
  templates?: Partial<ManifestTemplates>;
  /** The file names diagnostics give errors in `templates` (a --header-template's path; default `header template`…). */
  templateNames?: Partial<Record<keyof ManifestTemplates, string>>;
  /** Lower the parser's limits. */
  limits?: Partial<ParseLimits>;
}

export type ManifestOutputKind = 'header' | 'rc' | 'bin' | 'template' | 'csharp';

export interface ManifestFile {
  name: string;
  kind: ManifestOutputKind;
  bytes: Uint8Array;
  /** For .bin files: the LANGID of the table. */
  languageId?: number;
}

export interface ManifestCompileResult {
  /** Empty when there is any error. */
  files: ManifestFile[];
  diagnostics: Diagnostic[];
  /** The resolved model (absent when the manifest has errors). */
  manifest?: Manifest;
}

/** mc.exe's base name: the input's file name without its last extension. */
export function manifestBaseName(inputName: string | undefined): string {
  const file = (inputName ?? 'manifest.man').split(/[\\/]/).pop()!;
  const dot = file.lastIndexOf('.');
  return dot > 0 ? file.slice(0, dot) : file;
}

export function compileManifest(bytes: Uint8Array, options: ManifestCompileOptions = {}): ManifestCompileResult {
  const { manifest, diagnostics } = parseManifest(bytes, options.inputName ?? '', options.limits);
  if (!manifest) return { files: [], diagnostics };
  if (options.userMode && options.kernelMode) {
    diagnostics.push(manifestDiagnostic('badValue', '-um and -km cannot be combined: the header holds one kind of logging code'));
    return { files: [], diagnostics };
  }
  assignMessageIds(manifest);
  const generation = options.generation ?? DEFAULT_GENERATION;
  const baseName = options.baseName ?? manifestBaseName(options.inputName);
  const binPrefix = options.binPrefix === true || options.baseName !== undefined;
  const files: ManifestFile[] = [];
  try {
    if (options.csharp) {
      const cs = renderManifestCSharp(manifest, { ...options.csharp, generation, baseName, template: options.templates?.csharp, ansiCodepage: options.ansiCodepage });
      files.push({ name: cs.name, kind: 'csharp', bytes: cs.bytes });
    } else {
      const header = renderManifestHeader(manifest, {
        generation,
        userMode: options.userMode === true,
        kernelMode: options.kernelMode === true,
        baseName,
        template: options.templates?.header,
        writePrefix: options.writePrefix,
        encoding: options.textEncoding,
        ansiCodepage: options.ansiCodepage,
        revision: options.headerRevision,
      });
      files.push({ name: `${baseName}.${options.headerExtension ?? 'h'}`, kind: 'header', bytes: header });
    }
    const tables = manifestMessageTables(manifest, { baseName, binPrefix });
    files.push({ name: `${baseName}.rc`, kind: 'rc', bytes: renderManifestRc({ baseName, tables, template: options.templates?.rc, ansiCodepage: options.ansiCodepage }) });
    files.push({ name: `${baseName}TEMP.BIN`, kind: 'template', bytes: writeCrim(manifest, generation) });
    for (const t of tables) files.push({ name: t.name, kind: 'bin', bytes: t.bytes, languageId: t.languageId });
  } catch (err) {
    // A template the caller gave (--header-template): a located diagnostic (MC1006), nothing written.
    const which = err instanceof TemplateError ? userTemplateOf(options.templates, err.source) : undefined;
    if (which === undefined) throw err;
    diagnostics.push(templateDiagnostic(err as TemplateError, options.templateNames?.[which] ?? `${which} template`));
    return { files: [], diagnostics };
  }
  return { files, diagnostics, manifest };
}

/** Which of the caller's templates has this source. */
function userTemplateOf(templates: Partial<ManifestTemplates> | undefined, source: string): keyof ManifestTemplates | undefined {
  if (!templates) return undefined;
  return (Object.keys(templates) as (keyof ManifestTemplates)[]).find((k) => templates[k] === source);
}
