// What a file is, for a command that was given the wrong kind (`winmc dump app.mc`): named from
// its first bytes, so the error can say "a message text file (.mc)" rather than report the text
// as a message table with a nonsense block count. Only files that cannot be what the command
// reads are named; anything else is left to the command's own reader and its located errors.

import { looksLikeManifest } from '../manifest/parse.js';

/** Keywords that start the lines of a message text file. */
const MC_KEYWORD = /^[ \t]*(MessageIdTypedef|SeverityNames|FacilityNames|LanguageNames|OutputBase|MessageId|Severity|Facility|SymbolicName|Language)[ \t]*=/im;

function textOf(bytes: Uint8Array): string | undefined {
  const head = bytes.subarray(0, 4096);
  let text: string;
  if (head[0] === 0xff && head[1] === 0xfe) text = Buffer.from(head.subarray(2)).toString('utf16le');
  else if (head.length >= 4 && head[0] !== 0 && head[1] === 0 && head[2] !== 0 && head[3] === 0) text = Buffer.from(head).toString('utf16le');
  else if (head.includes(0)) return undefined;
  else text = new TextDecoder().decode(head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? head.subarray(3) : head);
  // Text: no control characters other than white space (a torn UTF-16 unit at the cut is fine).
  return /[\x00-\x08\x0e-\x1f]/.test(text.slice(0, -1)) ? undefined : text;
}

/**
 * A description of the file when it is a kind winmc knows, or any text or a common binary
 * format: `a message text file (.mc)`, `an .evtx event log`… Undefined when it may be anything.
 */
export function describeFileKind(bytes: Uint8Array): string | undefined {
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (ascii(0, 8) === 'ElfFile\0') return 'an .evtx event log (winmc events reads it)';
  if (ascii(4, 8) === 'LfLe') return 'an .evt event log (winmc events reads it)';
  if (ascii(0, 4) === '\x7fELF') return 'an ELF executable';
  if (ascii(0, 4) === 'PK\x03\x04') return 'a ZIP archive';
  if (ascii(0, 5) === '%PDF-') return 'a PDF document';
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return 'a gzip file';
  if (looksLikeManifest(bytes)) return 'an instrumentation manifest (winmc compile compiles it; dump reads the BASETEMP.BIN, .res or DLL it compiles to)';
  const text = textOf(bytes);
  if (text === undefined) return undefined;
  if (MC_KEYWORD.test(text)) return 'a message text file (.mc): winmc compile compiles it; dump reads the .bin, .res or DLL it compiles to';
  if (/^\s*</.test(text)) return 'an XML or HTML document';
  return bytes.length === 0 ? 'an empty file' : 'a text file';
}
