// FormatMessage as Event Viewer calls it on a message-table entry: FORMAT_MESSAGE_ARGUMENT_ARRAY
// with the event's strings as the inserts. The rules, each pinned by test/packet/format-message.test.ts:
//
//   text           CR LF, a lone CR and a lone LF each become CR LF (a space with ignoreLineBreaks,
//                  which is FORMAT_MESSAGE_MAX_WIDTH_MASK); all other characters are copied.
//   %1 .. %99      insert n with the default format !s!; at most two digits are read, so %100 is
//                  insert 10 followed by "0".
//   %n!fmt!        insert n through the printf conversion fmt: flags - + 0 space #, width,
//                  .precision, size prefixes h l w ll I32 I64, conversions s S c C d i u x X o.
//                  Floating point (e E f g G a A) is refused, as FormatMessage does not support it;
//                  so is any other conversion (Windows hands those to printf with undefined results).
//                  The size prefixes and S/C pick C types; inserts here are already text, so
//                  !S! and !hs! print the string as !s! does (FormatMessageW would read a char*).
//   * in fmt       width or precision from an insert: the first * takes insert n itself, every
//                  later value (the next *, then the insert to format) takes the insert after
//                  the highest-numbered one used so far in the message (argument-array rule).
//   %0             ends the output here (no trailing line break).
//   %n %r %t       CR LF, CR, tab.
//   %b             a space (documented for mc message texts).
//   %x             any other character x stands for itself: %% %. %! and "% " give % . ! space.
//   %<end>         a lone % at the very end is an error (ERROR_INVALID_PARAMETER).
//
// Inserts may be strings or numbers. Numeric conversions read a number as is and parse a string
// insert as a decimal or 0x-hex integer; they wrap to 32 bits unless the size is ll or I64.
// A character conversion prints the first character of a string insert, or a number's code.
// With ignoreInserts (FORMAT_MESSAGE_IGNORE_INSERTS) %1.. and %x are copied with their percent
// sign, while %0 %n %r %t still apply. An insert number beyond the inserts is an error unless
// missingInsert is 'keep', which copies the sequence as written (what Event Viewer shows).

export type Insert = string | number | bigint;

export interface FormatMessageOptions {
  /** FORMAT_MESSAGE_IGNORE_INSERTS. */
  ignoreInserts?: boolean;
  /** FORMAT_MESSAGE_MAX_WIDTH_MASK: line breaks of the text become spaces; %n still breaks. */
  ignoreLineBreaks?: boolean;
  /** An insert number with no insert: 'error' (FormatMessage fails) or 'keep' the sequence. Default 'error'. */
  missingInsert?: 'error' | 'keep';
}

export class FormatMessageError extends Error {
  constructor(
    /** Character offset in the template. */
    readonly index: number,
    detail: string,
  ) {
    super(`message text, character ${index}: ${detail}`);
    this.name = 'FormatMessageError';
  }
}

/** Thrown inside one insert and turned into an error or a kept sequence by formatMessage. */
class MissingInsert extends Error {
  constructor(readonly insert: number) {
    super(`no insert %${insert}`);
  }
}

const FLOAT_CONVERSIONS = 'eEfgGaA';

export function formatMessage(template: string, inserts: readonly Insert[], options: FormatMessageOptions = {}): string {
  const missing = options.missingInsert ?? 'error';
  let out = '';
  let last = 0; // highest insert number used so far (the argument-array cursor)
  let i = 0;
  while (i < template.length) {
    const c = template[i]!;
    if (c === '\r' || c === '\n') {
      i += c === '\r' && template[i + 1] === '\n' ? 2 : 1;
      out += options.ignoreLineBreaks ? ' ' : '\r\n';
      continue;
    }
    if (c !== '%') {
      out += c;
      i++;
      continue;
    }
    const start = i;
    const next = template[i + 1];
    if (next === undefined) throw new FormatMessageError(i, "'%' at the end of the text is not a complete escape");
    if (next >= '1' && next <= '9') {
      let end = i + 2;
      let insert = next.charCodeAt(0) - 48;
      const second = template[end];
      if (second !== undefined && second >= '0' && second <= '9') {
        insert = insert * 10 + second.charCodeAt(0) - 48;
        end++;
      }
      if (options.ignoreInserts) {
        out += template.slice(i, end);
        i = end;
        continue;
      }
      let spec: InsertSpec;
      if (template[end] === '!') {
        const close = template.indexOf('!', end + 1);
        if (close < 0) throw new FormatMessageError(end, `format of insert %${insert} has no closing '!'`);
        spec = parseSpec(template.slice(end + 1, close), end + 1);
        end = close + 1;
      } else {
        spec = DEFAULT_SPEC;
      }
      try {
        const cursor = { last };
        out += applySpec(spec, insert, inserts, cursor, start);
        last = cursor.last;
      } catch (err) {
        if (!(err instanceof MissingInsert)) throw err;
        if (missing === 'keep') out += template.slice(start, end);
        else throw new FormatMessageError(start, `insert %${err.insert} is used but there ${inserts.length === 1 ? 'is' : 'are'} only ${inserts.length} insert(s)`);
      }
      i = end;
      continue;
    }
    i += 2;
    switch (next) {
      case '0':
        return out;
      case 'n':
        out += '\r\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'b':
        out += options.ignoreInserts ? '%b' : ' ';
        break;
      default:
        out += options.ignoreInserts ? '%' + next : next;
    }
  }
  return out;
}

interface InsertSpec {
  flags: string;
  /** A number, '*' (from an insert) or undefined. */
  width: number | '*' | undefined;
  precision: number | '*' | undefined;
  size: '' | 'h' | 'l' | 'w' | 'll' | 'I32' | 'I64';
  conversion: string;
}

const DEFAULT_SPEC: InsertSpec = { flags: '', width: undefined, precision: undefined, size: '', conversion: 's' };

function parseSpec(fmt: string, at: number): InsertSpec {
  let i = 0;
  let flags = '';
  let width: InsertSpec['width'];
  let precision: InsertSpec['precision'];
  while (i < fmt.length && '-+0 #'.includes(fmt[i]!)) flags += fmt[i++];
  if (fmt[i] === '*') {
    width = '*';
    i++;
  } else {
    const digits = /^[0-9]*/.exec(fmt.slice(i))![0];
    if (digits) width = Number(digits);
    i += digits.length;
  }
  if (fmt[i] === '.') {
    i++;
    if (fmt[i] === '*') {
      precision = '*';
      i++;
    } else {
      const digits = /^[0-9]*/.exec(fmt.slice(i))![0];
      precision = digits ? Number(digits) : 0;
      i += digits.length;
    }
  }
  const sizeMatch = /^(I64|I32|ll|h|l|w)?/.exec(fmt.slice(i))!;
  const size = (sizeMatch[1] ?? '') as InsertSpec['size'];
  i += sizeMatch[0].length;
  const conversion = fmt.slice(i);
  if (conversion.length === 1 && FLOAT_CONVERSIONS.includes(conversion)) {
    throw new FormatMessageError(at + i, `floating-point format '!${fmt}!' is not supported by FormatMessage`);
  }
  if (conversion.length !== 1 || !'sScCdiuxXo'.includes(conversion)) {
    throw new FormatMessageError(at + i, `'!${fmt}!' is not a format FormatMessage understands`);
  }
  if (typeof width === 'number' && width > 0xffff) throw new FormatMessageError(at, `width ${width} is too large`);
  if (typeof precision === 'number' && precision > 0xffff) throw new FormatMessageError(at, `precision ${precision} is too large`);
  return { flags, width, precision, size, conversion };
}

function take(inserts: readonly Insert[], insert: number, cursor: { last: number }): Insert {
  if (insert > cursor.last) cursor.last = insert;
  if (insert > inserts.length) throw new MissingInsert(insert);
  return inserts[insert - 1]!;
}

function applySpec(spec: InsertSpec, insert: number, inserts: readonly Insert[], cursor: { last: number }, at: number): string {
  // The first value read is insert n itself; every later one is the insert after the cursor.
  let nextInsert = insert;
  const read = (): Insert => {
    const value = take(inserts, nextInsert, cursor);
    nextInsert = cursor.last + 1;
    return value;
  };
  let width = spec.width === '*' ? toInt32(read(), at) : spec.width;
  const precision = spec.precision === '*' ? toInt32(read(), at) : spec.precision;
  let flags = spec.flags;
  if (width !== undefined && width < 0) {
    flags += '-'; // printf: a negative * width left-justifies
    width = -width;
  }
  if (width !== undefined && width > 0xffff) throw new FormatMessageError(at, `width ${width} from an insert is too large`);
  const value = read();
  // printf: a negative precision counts as none.
  const effectivePrecision = precision !== undefined && precision >= 0 ? precision : undefined;
  return pad(convert(spec, value, effectivePrecision, flags, at), width, flags, effectivePrecision);
}

/** A converted value: sign or 0x prefix, and the text zero padding goes in front of. */
interface Converted {
  prefix: string;
  body: string;
  numeric: boolean;
}

function convert(spec: InsertSpec, value: Insert, precision: number | undefined, flags: string, at: number): Converted {
  switch (spec.conversion) {
    case 's':
    case 'S': {
      const text = String(value);
      return { prefix: '', body: precision === undefined ? text : text.slice(0, precision), numeric: false };
    }
    case 'c':
    case 'C': {
      const ch = typeof value === 'string' ? value.slice(0, 1) : String.fromCharCode(Number(BigInt.asUintN(16, toBigInt(value, at))));
      return { prefix: '', body: ch, numeric: false };
    }
  }
  const wide = spec.size === 'll' || spec.size === 'I64';
  const bits = wide ? 64 : spec.size === 'h' ? 16 : 32;
  const raw = toBigInt(value, at);
  const signed = spec.conversion === 'd' || spec.conversion === 'i';
  const n = signed ? BigInt.asIntN(bits, raw) : BigInt.asUintN(bits, raw);
  const negative = n < 0n;
  const magnitude = negative ? -n : n;
  const radix = spec.conversion === 'x' || spec.conversion === 'X' ? 16 : spec.conversion === 'o' ? 8 : 10;
  let digits = magnitude.toString(radix);
  if (spec.conversion === 'X') digits = digits.toUpperCase();
  if (precision !== undefined) digits = precision === 0 && magnitude === 0n ? '' : digits.padStart(precision, '0');
  let prefix = '';
  if (signed) prefix = negative ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
  if (flags.includes('#') && magnitude !== 0n) {
    if (spec.conversion === 'x') prefix = '0x';
    else if (spec.conversion === 'X') prefix = '0X';
    else if (spec.conversion === 'o' && !digits.startsWith('0')) digits = '0' + digits;
  }
  return { prefix, body: digits, numeric: true };
}

function pad({ prefix, body, numeric }: Converted, width: number | undefined, flags: string, precision: number | undefined): string {
  const length = prefix.length + body.length;
  if (width === undefined || length >= width) return prefix + body;
  const fill = width - length;
  if (flags.includes('-')) return prefix + body + ' '.repeat(fill);
  // printf ignores the 0 flag for integers with a precision.
  if (flags.includes('0') && (!numeric || precision === undefined)) return prefix + '0'.repeat(fill) + body;
  return ' '.repeat(fill) + prefix + body;
}

function toBigInt(value: Insert, at: number): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new FormatMessageError(at, `insert value ${value} is not an integer`);
    return BigInt(value);
  }
  const t = value.trim();
  const m = /^([+-]?)(0x[0-9a-f]+|[0-9]+)$/i.exec(t);
  if (!m) throw new FormatMessageError(at, `insert '${value}' is not a number for a numeric format`);
  const n = BigInt(m[2]!);
  return m[1] === '-' ? -n : n;
}

function toInt32(value: Insert, at: number): number {
  return Number(BigInt.asIntN(32, toBigInt(value, at)));
}

/**
 * An event's message as the event log renders it (Event Viewer, wevtutil /f:text): FormatMessage
 * with the event's values as the inserts, an insert beyond them shown as written (as %16, without
 * its !fmt!: a forwarded Sysmon event with fewer values, MicrosoftDocs/sysinternals#126), trailing
 * line breaks dropped, and a message FormatMessage refuses (a floating-point conversion, a lone %
 * at the end) shown as its text. Used for manifest events of .evtx and .etl alike.
 */
export function formatEventMessage(template: string, inserts: readonly Insert[]): string {
  const kept = template.replace(/%(%|(\d{1,2})(![^!]*!)?)/g, (all, _rest: string, n: string | undefined, spec: string | undefined) =>
    n !== undefined && spec !== undefined && Number(n) > inserts.length ? `%${n}` : all,
  );
  try {
    return formatMessage(kept, inserts, { missingInsert: 'keep' }).replace(/(\r\n)+$/, '');
  } catch (err) {
    if (err instanceof FormatMessageError) return template;
    throw err;
  }
}
