// Input decoding (MC-SPEC.md §2.1): a BOM wins; otherwise UTF-16LE with -u, else the ANSI code page.

import { diagnostic, type Diagnostic } from './diagnostics.js';
import { decodeAnsi, isKnownCodepage } from './codepage.js';

export interface DecodeOptions {
  /** -u: input without a BOM is UTF-16LE. */
  unicodeInput: boolean;
  /** Code page of input without a BOM when not -u (mc.exe: the machine's CP_ACP). */
  ansiCodepage: number;
}

export interface DecodedInput {
  text: string;
  encoding: string;
}

export function decodeInput(bytes: Uint8Array, o: DecodeOptions): { input?: DecodedInput; diagnostics: Diagnostic[] } {
  const result = decodeText(bytes, o);
  const nul = result.input ? result.input.text.indexOf('\0') : -1;
  if (nul >= 0) {
    // A message table entry ends at its first NUL: text after it would be lost without a word.
    const line = lineAt(result.input!.text, nul);
    return { diagnostics: [diagnostic('nulCharacter', `NUL character at line ${line}: an .mc file is text, and a message would end at the NUL`, { line })] };
  }
  return result;
}

function decodeText(bytes: Uint8Array, o: DecodeOptions): { input?: DecodedInput; diagnostics: Diagnostic[] } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return utf8(bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return utf16(bytes.subarray(2), 'UTF-16LE (BOM)');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    return fail(1, 'the input is UTF-16BE, which mc.exe does not read: save it as UTF-16LE or UTF-8');
  }
  if (o.unicodeInput) return utf16(bytes, 'UTF-16LE (-u)');
  if (!isKnownCodepage(o.ansiCodepage)) return fail(undefined, `code page ${o.ansiCodepage} is not known`);
  const text = decodeAnsi(bytes, o.ansiCodepage);
  const bad = text.indexOf('\ufffd');
  if (bad >= 0) {
    const line = lineAt(text, bad);
    // In a single-byte code page the character index is the byte index, so the byte can be named.
    const what = text.length === bytes.length ? `byte 0x${bytes[bad]!.toString(16).toUpperCase().padStart(2, '0')}` : 'a byte sequence';
    return fail(line, `${what} at line ${line} is not defined in code page ${o.ansiCodepage} (use -u, a BOM or --ansi-codepage)`);
  }
  return { input: { text, encoding: `code page ${o.ansiCodepage}` }, diagnostics: [] };
}

function utf8(bytes: Uint8Array): { input?: DecodedInput; diagnostics: Diagnostic[] } {
  try {
    return { input: { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'UTF-8 (BOM)' }, diagnostics: [] };
  } catch {
    const text = new TextDecoder('utf-8').decode(bytes);
    const line = lineAt(text, text.indexOf('\ufffd'));
    return fail(line, `invalid UTF-8 byte sequence at line ${line}`);
  }
}

function utf16(bytes: Uint8Array, encoding: string): { input?: DecodedInput; diagnostics: Diagnostic[] } {
  const text = new TextDecoder('utf-16le').decode(bytes.length % 2 === 0 ? bytes : bytes.subarray(0, bytes.length - 1));
  if (bytes.length % 2 !== 0) {
    const line = lineAt(text, text.length);
    return fail(line, `the UTF-16LE input has an odd number of bytes: it ends in half a character (line ${line})`);
  }
  return { input: { text, encoding }, diagnostics: [] };
}

function fail(line: number | undefined, message: string) {
  return { diagnostics: [diagnostic(line === undefined ? 'badCodepage' : 'undecodableInput', message, line === undefined ? undefined : { line })] };
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
