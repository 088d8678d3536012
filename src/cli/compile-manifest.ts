// `winmc compile FILE.man`: the manifest half of mc.exe's command line, loaded only when the
// input is an instrumentation manifest. Outputs go where mc.exe puts them: the header and the
// C# file (-cs/-css) into the -h directory, the .rc, the MSGnnnnn.bin tables and BASETEMP.BIN
// into the -r directory; all of them or none (src/io/atomic-write.ts, written by compile.ts, which
// also lists them for --list-outputs and --depfile).

import { join } from 'node:path';
import { compileManifest, type ManifestCompileOptions } from '../manifest/compile.js';
import { DEFAULT_GENERATION } from '../manifest/generation.js';
import { diagnostic, formatDiagnostic } from '../mc/diagnostics.js';
import { readInputFile } from './kit.js';
import type { OutputFile } from '../io/atomic-write.js';
import type { CompileCommand } from './compile.js';

/** The options compileManifest gets for a parsed command line. */
export function manifestOptions(inputPath: string, cmd: CompileCommand, headerTemplate?: string): ManifestCompileOptions {
  const o = cmd.options;
  const templateName = cmd.headerTemplateFile ?? 'header template';
  return {
    inputName: inputPath,
    // -z also prefixes the .bin names with `NAME_` (compileManifest does that when baseName is given).
    ...(o.baseName !== undefined ? { baseName: o.baseName } : {}),
    headerExtension: o.headerExtension ?? 'h',
    binPrefix: o.binPrefix ?? false,
    generation: cmd.manifest.generation ?? DEFAULT_GENERATION,
    userMode: cmd.manifest.userMode,
    kernelMode: cmd.manifest.kernelMode,
    ...(cmd.manifest.csharp ? { csharp: cmd.manifest.csharp } : {}),
    ...(cmd.manifest.writePrefix !== undefined ? { writePrefix: cmd.manifest.writePrefix } : {}),
    ...(o.textEncoding !== undefined ? { textEncoding: o.textEncoding } : {}),
    ...(o.ansiCodepage !== undefined ? { ansiCodepage: o.ansiCodepage } : {}),
    // --header-template replaces the template of the header, or with -cs/-css of the C# file.
    ...(headerTemplate !== undefined
      ? { templates: cmd.manifest.csharp ? { csharp: headerTemplate } : { header: headerTemplate }, templateNames: { header: templateName, csharp: templateName } }
      : {}),
  };
}

/** The --header-template's text; an Error (reported as MC1003) when it cannot be read. */
function readHeaderTemplate(cmd: CompileCommand): string | undefined | Error {
  if (cmd.headerTemplateFile === undefined) return undefined;
  try {
    return readInputFile(cmd.headerTemplateFile, 'utf8');
  } catch (err) {
    process.stderr.write(formatDiagnostic(diagnostic('readFailed', (err as Error).message), 'winmc') + '\n');
    return err as Error;
  }
}

/** The directory each kind of manifest output goes to. */
export function manifestOutputDir(kind: string, cmd: CompileCommand): string {
  return kind === 'header' || kind === 'csharp' ? cmd.headerDir : cmd.rcDir;
}

/** Compiles a manifest and prints its diagnostics: the files to write, or undefined when it failed. */
export async function compileManifestInput(input: Uint8Array, inputPath: string, cmd: CompileCommand): Promise<OutputFile[] | undefined> {
  const template = readHeaderTemplate(cmd);
  if (template instanceof Error) return undefined;
  const result = compileManifest(input, manifestOptions(inputPath, cmd, template));
  for (const d of result.diagnostics) process.stderr.write(formatDiagnostic(d, inputPath) + '\n');
  const errors = result.diagnostics.filter((d) => d.severity === 'error' || cmd.warningsAsErrors).length;
  if (errors > 0 || result.files.length === 0) return undefined;

  const outputs = result.files.map((f) => ({ path: join(manifestOutputDir(f.kind, cmd), f.name), bytes: f.bytes }));
  if (cmd.resFile || cmd.dllFile) {
    const tables = result.files.filter((f) => f.kind === 'bin').map((f) => ({ languageId: f.languageId ?? 0, bytes: f.bytes }));
    const template = result.files.find((f) => f.kind === 'template');
    const { manifestResourceEntries } = await import('../manifest/resources.js');
    const entries = template ? manifestResourceEntries({ tables, template: template.bytes }) : [];
    if (cmd.resFile) {
      const { writeResEntries } = await import('../rc-gen/res.js');
      outputs.push({ path: cmd.resFile, bytes: writeResEntries(entries) });
    }
    if (cmd.dllFile) {
      const { writeResourceDll } = await import('../rc-gen/pe.js');
      const resources = entries.map((e) => ({ type: e.type, name: e.name, languageId: e.languageId, codepage: 0, data: e.data }));
      outputs.push({ path: cmd.dllFile, bytes: writeResourceDll(resources, { machine: cmd.machine }) });
    }
  }
  return outputs;
}
