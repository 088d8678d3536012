// Message tables from whatever a user has at hand: an .mc (compiled here), an MSGnnnnn.bin,
// and (added by the resource readers) a .res or a PE file. Used by `packet decode`, `events`
// and `dump` to render messages.

import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { compileMc, type CompileOptions } from '../mc/compile.js';
import { formatDiagnostic } from '../mc/diagnostics.js';
import { readMessageTable } from './message-table.js';

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
  throw new MessageSourceError(`${fileName}: not a message table source (expected .mc, .bin, .res or a PE file)`);
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
