// `winmc dump` of event templates: a TEMP.BIN (a bare CRIM blob) or the WEVT_TEMPLATE resources of
// a .res or PE image, listed, as JSON, or (--as man) as an instrumentation manifest that compiles
// back to the same template and message tables (src/manifest/decompile.ts).

import { CrimFormatError, readCrim, type CrimFile } from '../manifest/crim.js';
import { decompileCrim, listCrim, type DecompileResult } from '../manifest/decompile.js';
import { WEVT_TEMPLATE } from '../manifest/resources.js';
import { readPeResources } from '../rc-gen/pe.js';
import { readRes, type ResourceId } from '../rc-gen/res.js';
import type { TableFileFormat } from '../rc-gen/table-file.js';

/** A template found in an input. */
export interface FoundTemplate {
  file: string;
  /** Undefined for a TEMP.BIN. */
  resource?: { name: ResourceId; languageId: number };
  crim: CrimFile;
}

/** Message tables as dump has them. */
export interface TemplateTables {
  file: string;
  languageId: number;
  entries: { id: number; text: string; unicode: boolean }[];
}

/** A TEMP.BIN: the blob starts with its "CRIM" tag (a message table cannot: its block count would be absurd). */
export function isCrimFile(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x43 && bytes[1] === 0x52 && bytes[2] === 0x49 && bytes[3] === 0x4d;
}

/** A malformed template, named by file, resource, block and offset. */
export class TemplateError extends Error {}

function read(data: Uint8Array, file: string, resource?: FoundTemplate['resource']): FoundTemplate {
  try {
    return { file, ...(resource ? { resource } : {}), crim: readCrim(data) };
  } catch (err) {
    if (!(err instanceof CrimFormatError)) throw err;
    const where = resource ? `${resourceText(resource)}: ${err.block}: ${err.detail} (at offset 0x${err.offset.toString(16)} of the resource)` : err.message;
    throw new TemplateError(where);
  }
}

const hex4 = (v: number) => `0x${v.toString(16).toUpperCase().padStart(4, '0')}`;
const resourceText = (r: NonNullable<FoundTemplate['resource']>) => `${WEVT_TEMPLATE} resource ${typeof r.name === 'number' ? r.name : `"${r.name}"`}, language ${hex4(r.languageId)}`;

/** The templates of one input: a TEMP.BIN's blob, or every WEVT_TEMPLATE resource of a .res or PE. Throws TemplateError. */
export function readTemplates(bytes: Uint8Array, file: string, format: TableFileFormat | 'crim'): FoundTemplate[] {
  if (format === 'crim') return [read(bytes, file)];
  if (format === 'bin') return [];
  const resources = format === 'pe' ? readPeResources(bytes) : readRes(bytes);
  return resources.filter((r) => r.type === WEVT_TEMPLATE).map((r) => read(r.data, file, { name: r.name, languageId: r.languageId }));
}

/** The texts a listing shows: the en-US table if there is one, else the first. */
function textsOf(tables: readonly TemplateTables[]): Map<number, string> | undefined {
  const t = tables.find((x) => x.languageId === 0x409) ?? tables[0];
  return t ? new Map(t.entries.map((e) => [e.id >>> 0, e.text])) : undefined;
}

export function renderTemplateText(t: FoundTemplate, tables: readonly TemplateTables[]): string {
  const n = t.crim.providers.length;
  const where = t.resource ? resourceText(t.resource) : 'TEMP.BIN';
  const texts = textsOf(tables);
  const from = texts ? `, texts from language ${hex4((tables.find((x) => x.languageId === 0x409) ?? tables[0])!.languageId)}` : '';
  return `${t.file}: event template (CRIM ${t.crim.major}.${t.crim.minor}, ${where}), ${n} provider${n === 1 ? '' : 's'}${from}\n${listCrim(t.crim, texts)}`;
}

/** The description as JSON values: masks as hex strings. */
export function templateJson(t: FoundTemplate): unknown {
  return JSON.parse(
    JSON.stringify({ ...(t.resource ? { resource: t.resource } : {}), ...t.crim }, (_k, v) => (typeof v === 'bigint' ? `0x${v.toString(16).padStart(16, '0')}` : v)),
  );
}

/** `--as man`: the manifest and what keeps it from being exact. */
export function templateManifest(t: FoundTemplate, tables: readonly TemplateTables[]): DecompileResult {
  // The resource compiler gives WEVT_TEMPLATE the last culture's language: keep that culture last
  // (a PE lists its tables by language, not in the manifest's order).
  const lang = t.resource?.languageId;
  const ordered = lang === undefined ? tables : [...tables.filter((x) => x.languageId !== lang), ...tables.filter((x) => x.languageId === lang)];
  return decompileCrim(t.crim, ordered.length ? ordered.map((x) => ({ languageId: x.languageId, entries: x.entries })) : undefined);
}
