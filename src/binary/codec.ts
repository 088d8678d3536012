// Text and number codecs shared by every binary reader and writer: UTF-16LE, hex, alignment.

/** UTF-16LE bytes of a string, optionally with a BOM in front and a NUL terminator after it. */
export function encodeUtf16le(text: string, options: { bom?: boolean; nul?: boolean } = {}): Uint8Array {
  const start = options.bom ? 2 : 0;
  const out = new Uint8Array(start + text.length * 2 + (options.nul ? 2 : 0));
  if (options.bom) out.set([0xff, 0xfe]);
  writeUtf16le(out, start, text);
  return out;
}

/** Writes the code units of `text` into `out` at `at`; returns the offset after them. */
export function writeUtf16le(out: Uint8Array, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[at++] = c & 0xff;
    out[at++] = c >>> 8;
  }
  return at;
}

const CHUNK = 4096;

/**
 * The string of the UTF-16LE code units in `bytes[start, end)`, unit for unit: lone surrogates
 * stay as they are, an odd last byte is ignored.
 */
export function decodeUtf16le(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let s = '';
  let units: number[] = [];
  for (let i = start; i + 1 < end; i += 2) {
    units.push(bytes[i]! | (bytes[i + 1]! << 8));
    if (units.length === CHUNK) {
      s += String.fromCharCode(...units);
      units = [];
    }
  }
  return units.length > 0 ? s + String.fromCharCode(...units) : s;
}

/** As decodeUtf16le, up to the first NUL code unit (or `end`). */
export function decodeUtf16leZ(bytes: Uint8Array, start = 0, end = bytes.length): string {
  return decodeUtf16le(bytes, start, utf16NulAt(bytes, start, end));
}

/** Offset of the first NUL code unit in `bytes[start, end)`, or the last even end when there is none. */
export function utf16NulAt(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let i = start;
  for (; i + 1 < end; i += 2) if (bytes[i] === 0 && bytes[i + 1] === 0) return i;
  return i;
}

const wellFormed = new TextDecoder('utf-16le');

/** UTF-16LE decoded as text: lone surrogates and an odd last byte become U+FFFD. */
export function decodeUtf16leText(bytes: Uint8Array): string {
  return wellFormed.decode(bytes);
}

/** Latin-1/ASCII: one character per byte (signatures); `end` past the bytes is clamped. */
export function decodeAscii(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let s = '';
  for (let i = start, stop = Math.min(end, bytes.length); i < stop; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

/** `0xC0020001`: a 32-bit value as the Windows tools print it (eight upper-case hex digits). */
export function hex32(value: number): string {
  return '0x' + (value >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

/** `n` in lower-case hex, zero-padded to `width` digits, no prefix: `hexDigits(0x2a, 8)` is `0000002a`. */
export function hexDigits(n: number | bigint, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** `0x1f`: an offset as the readers' messages give it. */
export function hexOffset(offset: number): string {
  return '0x' + offset.toString(16);
}

/** Two lower-case hex digits a byte, no separator. */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Two upper-case hex digits a byte, no separator. */
export function toHexUpper(bytes: Uint8Array): string {
  return toHex(bytes).toUpperCase();
}

/** `{01234567-89AB-CDEF-0123-456789ABCDEF}`: a GUID in its Windows (mixed-endian) byte order. */
export function formatGuid(b: Uint8Array): string {
  const v = new DataView(b.buffer, b.byteOffset, 16);
  const h = (n: number, w: number) => n.toString(16).padStart(w, '0');
  const tail = toHex(b.subarray(8, 10)) + '-' + toHex(b.subarray(10, 16));
  return `{${h(v.getUint32(0, true), 8)}-${h(v.getUint16(4, true), 4)}-${h(v.getUint16(6, true), 4)}-${tail}}`.toUpperCase();
}

/** The 16 bytes of a GUID written `{...}` or bare, in Windows byte order. */
export function parseGuid(text: string): Uint8Array {
  const m = /^\{?([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\}?$/i.exec(text);
  if (!m) throw new SyntaxError(`not a GUID: ${JSON.stringify(text)}`);
  const out = new Uint8Array(16);
  const v = new DataView(out.buffer);
  v.setUint32(0, parseInt(m[1]!, 16), true);
  v.setUint16(4, parseInt(m[2]!, 16), true);
  v.setUint16(6, parseInt(m[3]!, 16), true);
  const rest = m[4]! + m[5]!;
  for (let i = 0; i < 8; i++) out[8 + i] = parseInt(rest.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** `n` rounded up to a multiple of `to` (a power of two or not). */
export function alignUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

/** `n` rounded up to a multiple of 4. */
export function align4(n: number): number {
  return (n + 3) & ~3;
}

export interface EscapeOptions {
  /** Put the text in double quotes and escape the `"` inside as `\"` (default false). */
  quote?: boolean;
  /** Escape a backslash as `\\` (default false, so registry paths read as typed). */
  backslash?: boolean;
  /** Write CR, LF and tab as `\r`, `\n`, `\t` (default true); false writes them `\x0d` and so on. */
  named?: boolean;
}

const NAMED_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Text that came from an input, made safe to print in a diagnostic: C0 and C1 control
 * characters, DEL and lone surrogates become `\xNN` / `\uNNNN`, so a crafted file cannot put
 * escape sequences (or a NUL) on the terminal. The one escape every reader and command uses.
 */
export function escapeText(text: string, options: EscapeOptions = {}): string {
  const named = options.named ?? true;
  const pattern = options.quote
    ? options.backslash
      ? /[\\"\x00-\x1f\x7f-\x9f\ud800-\udfff]/g
      : /["\x00-\x1f\x7f-\x9f\ud800-\udfff]/g
    : options.backslash
      ? /[\\\x00-\x1f\x7f-\x9f\ud800-\udfff]/g
      : /[\x00-\x1f\x7f-\x9f\ud800-\udfff]/g;
  const escaped = text.replace(pattern, (c, at: number) => {
    if (c === '\\') return '\\\\';
    if (c === '"') return '\\"';
    const code = c.charCodeAt(0);
    if (code >= 0xd800 && code <= 0xdfff) {
      // A surrogate pair is a character and stays; only a lone half is escaped.
      const next = text.charCodeAt(at + 1);
      const prev = text.charCodeAt(at - 1);
      if (code <= 0xdbff ? next >= 0xdc00 && next <= 0xdfff : prev >= 0xd800 && prev <= 0xdbff) return c;
      return `\\u${code.toString(16).padStart(4, '0')}`;
    }
    return (named ? NAMED_ESCAPES[c] : undefined) ?? `\\x${code.toString(16).padStart(2, '0')}`;
  });
  return options.quote ? `"${escaped}"` : escaped;
}
