// Message tables from whatever a user has at hand: an .mc (compiled here), an MSGnnnnn.bin,
// and (added by the resource readers) a .res or a PE file. Used by `packet decode`, `events`
// and `dump` to render messages.

import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { compileMc, type CompileOptions } from '../mc/compile.js';
import { formatDiagnostic } from '../mc/diagnostics.js';
import { readMessageTable } from './message-table.js';
import { looksLikePe, readPeImage } from './pe.js';
import { looksLikeRes, readRes } from './res.js';
import { readTableFile, readFoundTable } from './table-file.js';

export interface MessageTableSet {
  /** LANGID of the table; 0 when the source does not say (a bare .bin). */
  languageId: number;
  /** Full 32-bit message value (unsigned) → text as stored (with its CR LF). */
  entries: Map<number, string>;
  /** Where the table came from, for messages: `file.mc (English)`, `MSG00409.bin`. */
  origin: string;
}

export interface LoadOptions {
  ansiCodepage?: number;
  /** Extra compile options for an .mc source (e.g. unicodeInput for a BOM-less UTF-16 file). */
  compile?: CompileOptions;
}

export class MessageSourceError extends Error {
  override name = 'MessageSourceError';
}

export async function loadMessageTables(path: string, options: LoadOptions = {}): Promise<MessageTableSet[]> {
  return messageTablesFromBytes(await readFile(path), basename(path), options);
}

export function messageTablesFromBytes(bytes: Uint8Array, fileName: string, options: LoadOptions = {}): MessageTableSet[] {
  const ext = extname(fileName).toLowerCase();
  if (ext === '.mc') return fromMc(bytes, fileName, options);
  if (ext === '.bin') {
    const { entries } = readMessageTable(bytes, options.ansiCodepage ?? 1252);
    return [{ languageId: 0, entries: new Map(entries.map((e) => [e.id >>> 0, e.text])), origin: fileName }];
  }
  if (PE_EXTENSIONS.has(ext) || ext === '.res' || looksLikeResourceContainer(bytes)) return fromResources(bytes, fileName, ext, options);
  throw new MessageSourceError(`${fileName}: not a message table source (expected .mc, .bin, .res or a PE file)`);
}

const PE_EXTENSIONS = new Set(['.dll', '.sys', '.exe', '.mui', '.drv', '.ocx', '.cpl', '.efi']);

function looksLikeResourceContainer(bytes: Uint8Array): boolean {
  return looksLikePe(bytes) || looksLikeRes(bytes);
}

/** The RT_MESSAGETABLE resources of a .res or PE file, one set per language. */
function fromResources(bytes: Uint8Array, fileName: string, ext: string, options: LoadOptions): MessageTableSet[] {
  try {
    const file = readTableFile(bytes);
    if (file.format === 'bin') {
      // Named like a PE file or a .res but not one: let the reader say what is wrong.
      if (ext === '.res') readRes(bytes);
      else readPeImage(bytes);
      throw new MessageSourceError(`${fileName}: neither a .res nor a PE image`);
    }
    return file.tables.map((t) => ({
      languageId: t.languageId ?? 0,
      entries: new Map(readFoundTable(t, options.ansiCodepage ?? 1252).entries.map((e) => [e.id >>> 0, e.text])),
      origin: `${fileName} (language 0x${(t.languageId ?? 0).toString(16).padStart(4, '0')})`,
    }));
  } catch (err) {
    if (err instanceof MessageSourceError) throw err;
    throw new MessageSourceError(`${fileName}: ${(err as Error).message}`);
  }
}

function fromMc(bytes: Uint8Array, fileName: string, options: LoadOptions): MessageTableSet[] {
  const result = compileMc(bytes, { ansiCodepage: options.ansiCodepage, ...options.compile, inputName: fileName });
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || !result.model) {
    throw new MessageSourceError(errors.map((d) => formatDiagnostic(d, fileName)).join('\n'));
  }
  return result.model.languages.map((lang) => ({
    languageId: lang.id,
    entries: new Map(lang.messages.map((m) => [m.value >>> 0, m.text])),
    origin: `${fileName} (${lang.name})`,
  }));
}

/** The text of a message: the first table that has it, preferring the given language. */
export function findMessage(tables: readonly MessageTableSet[], id: number, languageId?: number): string | undefined {
  const key = id >>> 0;
  if (languageId !== undefined) {
    const preferred = tables.find((t) => t.languageId === languageId && t.entries.has(key));
    if (preferred) return preferred.entries.get(key);
  }
  for (const t of tables) {
    const text = t.entries.get(key);
    if (text !== undefined) return text;
  }
  return undefined;
}
