// The .rc script of mc.exe's manifest mode: a LANGUAGE statement and a MESSAGETABLE (type 11) line
// per message table, then `1 WEVT_TEMPLATE "<base>TEMP.BIN"`, in CR LF (docs/manifests.md).
// The table file names and their order come from the message-table writer (messages.ts).

import { encodeAnsi } from '../mc/codepage.js';
import { loadTemplate, renderTemplate } from '../mc/render.js';

export interface RcTable {
  /** The message table's file name as the .rc refers to it (`MSG00001.bin`, `x_MSG00001.bin`). */
  name: string;
  /** The table's Windows LANGID (0x0409 for en-US). */
  languageId: number;
}

export interface ManifestRcOptions {
  /** The output base name (`-z`, else the input's name without extension): names `<base>TEMP.BIN`. */
  baseName: string;
  /** The message tables in the order mc.exe lists them. */
  tables: RcTable[];
  /** A handlebars template source in place of templates/manifest/rc.hbs. */
  template?: string;
  /** The ANSI code page the script is written in (file names outside ASCII); 1252 when absent. */
  ansiCodepage?: number;
}

export interface ManifestRcModel {
  baseName: string;
  templateFile: string;
  tables: { name: string; languageId: number; primary: string; sub: string }[];
}

// rc.exe wants a backslash in a string literal doubled.
const rcString = (s: string): string => s.replace(/\\/g, '\\\\');

export function manifestRcModel(opts: ManifestRcOptions): ManifestRcModel {
  return {
    baseName: opts.baseName,
    templateFile: rcString(`${opts.baseName}TEMP.BIN`),
    // Lower-case hex as in mc's .mc-mode scripts: the corpus only has 0x9,0x1.
    tables: opts.tables.map((t) => ({
      name: rcString(t.name),
      languageId: t.languageId,
      primary: (t.languageId & 0x3ff).toString(16),
      sub: (t.languageId >> 10).toString(16),
    })),
  };
}

export function renderManifestRc(opts: ManifestRcOptions): Uint8Array {
  const source = opts.template ?? loadTemplate('manifest/rc.hbs');
  return encodeAnsi(renderTemplate(source, manifestRcModel(opts)), opts.ansiCodepage ?? 1252);
}
