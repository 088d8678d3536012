// Finds the message tables in a file of any of the three forms they travel in: a bare
// MESSAGE_RESOURCE_DATA (mc.exe's MSGnnnnn.bin), a Win32 .res, or a PE image (.dll/.sys/.exe).
// The form is told by content, not by the file name.

import { looksLikePe, machineName, readPeImage, readPeResources } from './pe.js';
import { RT_MESSAGETABLE, looksLikeRes, readRes, type ResourceId } from './res.js';
import { readMessageTable } from './message-table.js';
import { escapeText } from '../binary/codec.js';

export type TableFileFormat = 'bin' | 'res' | 'pe';

export interface FoundMessageTable {
  /** LANGID of the resource; undefined for a .bin, which does not record it. */
  languageId: number | undefined;
  /** Resource name (mc.exe always uses 1); undefined for a .bin. */
  resourceName: ResourceId | undefined;
  data: Uint8Array;
  /** File offset of `data` (0 for a .bin). */
  fileOffset: number;
  /** The resource inside its file, for diagnostics: `RT_MESSAGETABLE 1, language 0x0409`; undefined for a .bin. */
  where: string | undefined;
}

/** `RT_MESSAGETABLE 1, language 0x0409`: a message-table resource as diagnostics name it. */
export function resourcePlace(name: ResourceId, languageId: number): string {
  const shown = typeof name === 'number' ? String(name) : `"${escapeText(name, { quote: false })}"`;
  return `RT_MESSAGETABLE ${shown}, language 0x${languageId.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** readMessageTable of a found table: errors name the file offset and the resource. */
export function readFoundTable(t: FoundMessageTable, codepage = 1252): ReturnType<typeof readMessageTable> {
  return readMessageTable(t.data, codepage, { base: t.fileOffset, ...(t.where !== undefined ? { where: t.where } : {}) });
}

export interface TableFile {
  format: TableFileFormat;
  /** PE only: x86, x64, arm64 or the IMAGE_FILE_MACHINE value in hex. */
  machine?: string;
  /** PE only: PE32+ image. */
  is64?: boolean;
  tables: FoundMessageTable[];
}

export function detectTableFileFormat(bytes: Uint8Array): TableFileFormat {
  if (looksLikePe(bytes)) return 'pe';
  if (looksLikeRes(bytes)) return 'res';
  return 'bin';
}

/**
 * The RT_MESSAGETABLE resources of a .res or PE file, or the one table of a .bin, in file order.
 * Malformed containers raise ResFormatError / PeFormatError; the tables themselves are not
 * parsed here (readMessageTable does that).
 */
export function readTableFile(bytes: Uint8Array): TableFile {
  const format = detectTableFileFormat(bytes);
  switch (format) {
    case 'pe': {
      const image = readPeImage(bytes);
      const tables = readPeResources(bytes, image)
        .filter((r) => r.type === RT_MESSAGETABLE)
        .map((r) => ({ languageId: r.languageId, resourceName: r.name, data: r.data, fileOffset: r.dataOffset ?? 0, where: resourcePlace(r.name, r.languageId) }));
      return { format, machine: machineName(image.machine), is64: image.is64, tables };
    }
    case 'res': {
      const tables = readRes(bytes)
        .filter((e) => e.type === RT_MESSAGETABLE)
        .map((e) => ({ languageId: e.languageId, resourceName: e.name, data: e.data, fileOffset: e.dataOffset ?? 0, where: resourcePlace(e.name, e.languageId) }));
      return { format, tables };
    }
    case 'bin':
      return { format, tables: [{ languageId: undefined, resourceName: undefined, data: bytes, fileOffset: 0, where: undefined }] };
  }
}

/**
 * The LANGID an mc.exe .bin name implies: MSG0040C.bin → 0x40C; MSG00001.bin is the built-in
 * English, 0x409. Undefined when the name does not follow mc.exe's pattern.
 */
export function languageFromBinName(fileName: string): number | undefined {
  const m = /MSG([0-9a-f]{4,5})\.bin$/i.exec(fileName);
  if (!m) return undefined;
  const id = parseInt(m[1]!, 16);
  if (id > 0xffff) return undefined;
  return id === 1 ? 0x409 : id;
}
