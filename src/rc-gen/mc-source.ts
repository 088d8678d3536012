// Message tables back to a message text file (.mc) that compiles to the same tables.
//
// mc.exe stores each text line followed by CR LF (MC-SPEC.md §4.1) and processes no escapes,
// so a stored text is expressible exactly when it splits on CR LF into lines that hold no
// other CR or LF and none of which is a lone "." (the block terminator). A text that does not
// end in CR LF needs -n (then every text is written with one more, empty, line). Full message
// values are rebuilt from Severity, Facility and MessageId; bit 28 cannot be set from an .mc
// and the Customer bit (29) only for all messages at once (-c). An ANSI table needs -A.

import { encodeUtf16le } from '../mc/codepage.js';
import { loadTemplate, renderTemplate } from '../mc/render.js';
import { messageTableDifferences, type MessageTableEntry } from './message-table.js';

export interface McSourceTable {
  languageId: number;
  entries: readonly MessageTableEntry[];
  /**
   * The table's bytes, when the entries were read from them: anything in them the entries do not
   * carry (Flags, padding, unreferenced bytes, layout) is then a problem too, so the .mc is called
   * exact only when it compiles back to these very bytes.
   */
  data?: Uint8Array;
  /** The code page the ANSI entries were read with (default 1252). */
  codepage?: number;
  /** File the table is in, for the problems. */
  file?: string;
  /** File offset of `data` (inside a .res or PE). */
  base?: number;
  /** Where the table is inside its file: `RT_MESSAGETABLE 1, language 0x0409`. */
  where?: string;
}

export interface McSourceProblem {
  id: number;
  languageId?: number;
  message: string;
  /** The file of the table, when given. */
  file?: string;
  /** The file offset of the structure, when known. */
  offset?: number;
}

export interface McSource {
  text: string;
  /** Compiler switches the text needs to give back the same tables (-n, -A, -c). */
  switches: string[];
  /** What the .mc cannot express; empty when the round trip is exact. */
  problems: McSourceProblem[];
}

export interface McSourceOptions {
  /** Named in the .mc's comment. */
  source?: string;
  /**
   * Write what an .mc can express even when that is not byte-exact: lone CR or LF become line
   * breaks, a "." line becomes "%." (FormatMessage prints both as "."), ANSI texts become
   * Unicode, and messages whose value an .mc cannot form are left out.
   */
  lossy?: boolean;
}

const SEVERITY_NAMES = ['Success', 'Informational', 'Warning', 'Error'];
const CUSTOMER_BIT = 0x20000000;
const RESERVED_BIT = 0x10000000;

const hex = (n: number, digits: number) => n.toString(16).toUpperCase().padStart(digits, '0');
const idText = (id: number) => `0x${hex(id >>> 0, 8)}`;

export function messageTablesToMc(tables: readonly McSourceTable[], options: McSourceOptions = {}): McSource {
  const problems: McSourceProblem[] = [];
  const lossy = options.lossy ?? false;

  const seenLanguages = new Set<number>();
  for (const t of tables) {
    const located = { ...(t.file !== undefined ? { file: t.file } : {}), ...(t.base !== undefined ? { offset: t.base } : {}) };
    const inTable = t.where === undefined ? '' : `${t.where}: `;
    if (seenLanguages.has(t.languageId)) {
      problems.push({ id: 0, languageId: t.languageId, ...located, message: `${inTable}two tables for language 0x${hex(t.languageId, 4)}; an .mc holds one text per message and language` });
    }
    seenLanguages.add(t.languageId);
    if (t.data !== undefined) {
      for (const d of messageTableDifferences(t.data, t.codepage ?? 1252, { base: t.base ?? 0 })) {
        problems.push({
          id: 0,
          languageId: t.languageId,
          ...located,
          offset: d.offset,
          message: `${inTable}${d.structure} at file offset 0x${d.offset.toString(16)}: ${d.detail}, which an .mc cannot carry`,
        });
      }
    }
  }

  const all = tables.flatMap((t) => t.entries.map((e) => ({ ...e, languageId: t.languageId, file: t.file })));
  const lineBreak = /\r\n|\r|\n/g;
  // --lossy writes lone CR and LF as line breaks, so they count as CR LF when choosing -n.
  const stored = (text: string) => (lossy ? text.replace(lineBreak, '\r\n') : text);
  const customer = all.length > 0 && all.every((e) => (e.id & CUSTOMER_BIT) !== 0);
  const ansi = !lossy && all.length > 0 && all.every((e) => !e.unicode);
  const needsNoNewline = all.some((e) => !stored(e.text).endsWith('\r\n') && e.text !== '');

  const messages = new Map<number, { id: number; blocks: { languageId: number; lines: string[] }[] }>();
  for (const e of all) {
    const id = e.id >>> 0;
    const where = { id, languageId: e.languageId, ...(e.file !== undefined ? { file: e.file } : {}) };
    let skip = false;
    if (id & RESERVED_BIT) {
      problems.push({ ...where, message: `message ${idText(id)} has bit 28 set, which no .mc statement can set` });
      skip = true;
    }
    if (((id & CUSTOMER_BIT) !== 0) !== customer) {
      problems.push({ ...where, message: `message ${idText(id)}: the Customer bit is set for some messages only; -c sets it for all` });
      skip = true;
    }
    if (!ansi && !e.unicode && !lossy) {
      problems.push({ ...where, message: `message ${idText(id)} is ANSI in a file with Unicode messages; -A applies to all` });
    }
    if (lossy && stored(e.text) !== e.text) {
      problems.push({ ...where, message: `message ${idText(id)}: has a line break other than CR LF, which an .mc cannot store (mc.exe ends every line with CR LF)` });
    }
    const lines = textLines(stored(e.text), needsNoNewline, lossy, (message) => problems.push({ ...where, message: `message ${idText(id)}: ${message}` }));
    if (skip && lossy) continue;
    let m = messages.get(id);
    if (!m) messages.set(id, (m = { id, blocks: [] }));
    m.blocks.push({ languageId: e.languageId, lines });
  }

  const facilities = new Set<number>();
  const sorted = [...messages.values()].sort((a, b) => a.id - b.id);
  for (const m of sorted) facilities.add((m.id >>> 16) & 0xfff);
  const facilityName = (f: number) => `Facility${hex(f, 3)}`;
  const languageName = (l: number) => `Language${hex(l, 4)}`;

  const switches = [...(needsNoNewline ? ['-n'] : []), ...(ansi ? ['-A'] : []), ...(customer ? ['-c'] : [])];
  const model = {
    source: options.source ?? 'a message table',
    switches,
    facilities: [...facilities].sort((a, b) => a - b).map((f) => ({ name: facilityName(f), hex: hex(f, 3) })),
    languages: tables
      .filter((t, i) => tables.findIndex((u) => u.languageId === t.languageId) === i)
      .map((t) => ({ name: languageName(t.languageId), hex: hex(t.languageId, 4), file: `MSG${hex(t.languageId, 5)}` })),
    messages: sorted.map((m) => ({
      code: hex(m.id & 0xffff, 4),
      // A SymbolicName would fill an empty block with its own name, so a message stored with
      // an empty text in some language goes without one (wmc then refuses the file).
      symbolicName: m.blocks.some((b) => b.lines.length === 0) ? undefined : `MSG_${hex(m.id, 8)}`,
      severity: SEVERITY_NAMES[m.id >>> 30],
      facility: facilityName((m.id >>> 16) & 0xfff),
      blocks: m.blocks.map((b) => ({ language: languageName(b.languageId), lines: b.lines })),
    })),
  };
  return { text: renderTemplate(loadTemplate('dump.mc.hbs'), model), switches, problems };
}

/** The .mc lines that store `text`; reports what cannot be stored exactly. */
function textLines(text: string, noNewline: boolean, lossy: boolean, report: (message: string) => void): string[] {
  // Without -n, an empty block (no SymbolicName is written) is how an .mc says "empty text".
  if (text === '') return noNewline ? [''] : [];
  const body = noNewline ? text : text.slice(0, -2);
  let lines = body.split('\r\n');
  if (lines.some((l) => /[\r\n]/.test(l))) {
    report('has a line break other than CR LF, which an .mc cannot store (mc.exe ends every line with CR LF)');
    lines = body.split(/\r\n|\r|\n/);
  }
  if (lines.some((l) => l === '.')) {
    report("has a line that is a single '.', which ends a message in an .mc");
    if (lossy) lines = lines.map((l) => (l === '.' ? '%.' : l));
  }
  return lines;
}

/** The .mc bytes: plain ASCII when that suffices, else UTF-16LE with a BOM (honoured by mc.exe and wmc). */
export function encodeMcSource(text: string): Uint8Array {
  if (/^[\x00-\x7f]*$/.test(text)) return new TextEncoder().encode(text);
  return encodeUtf16le(text, { bom: true });
}
