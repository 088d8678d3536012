// Naming and type rules mc.exe's manifest-mode header shares across its generations
// (docs/manifests-header.md): C identifiers for provider items, event descriptor values,
// template mangling (McTemplateU0…), and the parameters and EVENT_DATA_DESCRIPTOR lines of
// the template functions.

import type { Channel, Event, Guid, Provider, SizeSpec, TemplateField } from './model.js';

/** mc.exe's identifier rule: leading digits and every character outside [A-Za-z0-9_] become '_' (per UTF-16 unit). */
export function sanitizeIdentifier(s: string): string {
  let out = '';
  let leading = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const digit = c >= 0x30 && c <= 0x39;
    if (leading && digit) {
      out += '_';
      continue;
    }
    leading = false;
    const alnum = digit || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
    out += alnum ? s[i] : '_';
  }
  return out;
}

export const hex = (n: number | bigint): string => n.toString(16);

/** `d0883fa6-f3fd-43c3-a0e4-000000000001`: the registry form, lower case, no braces. */
export function guidText(g: Guid): string {
  const b = g.bytes;
  const h = (i: number) => b[i]!.toString(16).padStart(2, '0');
  return `${h(3)}${h(2)}${h(1)}${h(0)}-${h(5)}${h(4)}-${h(7)}${h(6)}-${h(8)}${h(9)}-${[10, 11, 12, 13, 14, 15].map(h).join('')}`;
}

/** `{0xd0883fa6, 0xf3fd, 0x43c3, {0xa0, 0xe4, …}}`: a GUID initialiser. */
export function guidInitializer(g: Guid): string {
  const v = new DataView(g.bytes.buffer, g.bytes.byteOffset, 16);
  const d1 = v.getUint32(0, true).toString(16).padStart(8, '0');
  const d2 = v.getUint16(4, true).toString(16).padStart(4, '0');
  const d3 = v.getUint16(6, true).toString(16).padStart(4, '0');
  const d4 = Array.from(g.bytes.subarray(8, 16), (x) => `0x${x.toString(16).padStart(2, '0')}`).join(', ');
  return `{0x${d1}, 0x${d2}, 0x${d3}, {${d4}}}`;
}

// ---- provider items ----

export const providerIdentifier = (p: Provider): string => sanitizeIdentifier(p.name);

export function channelIdentifier(p: Provider, c: Channel): string {
  return c.symbol ?? `${p.symbol}_CHANNEL_${sanitizeIdentifier(c.chid ?? c.name)}`;
}

export const itemIdentifier = (p: Provider, kind: 'LEVEL' | 'TASK' | 'OPCODE' | 'KEYWORD', item: { symbol?: string; name: string }): string =>
  item.symbol ?? `${p.symbol}_${kind}_${sanitizeIdentifier(item.name)}`;

/**
 * The keyword bit a channel adds to its events: bit 63 for the provider's first channel, 62 for
 * the second, … (imported ones included); none for a Windows channel an event names without
 * importing it.
 */
export function channelKeywordBit(c: Channel | undefined): bigint {
  if (!c || c.implicit || c.index > 63) return 0n;
  return 1n << BigInt(63 - c.index);
}

export function eventKeywordMask(e: Event): bigint {
  let mask = channelKeywordBit(e.channel);
  for (const k of e.keywords) mask |= k.mask;
  return mask & 0xffffffffffffffffn;
}

/** The channel byte of the descriptor: the event's channel, else ProviderMetadata (12) when the provider has a control GUID. */
export function eventChannelValue(e: Event, p: Provider): number {
  return e.channel ? e.channel.value : p.controlGuid ? 12 : 0;
}

export interface DescriptorValues {
  value: number;
  version: number;
  channel: number;
  level: number;
  opcode: number;
  task: number;
  keyword: bigint;
}

export function eventDescriptor(e: Event, p: Provider): DescriptorValues {
  return {
    value: e.value,
    version: e.version,
    channel: eventChannelValue(e, p),
    level: e.level?.value ?? 0,
    opcode: e.opcode?.value ?? 0,
    task: e.task?.value ?? 0,
    keyword: eventKeywordMask(e),
  };
}

/** The event's C symbol; without `symbol`, `<provider>_EVENT_0x<value>_<version>_<channel>_<level>_<opcode>_<task>_<keyword>` in hex. */
export function eventIdentifier(e: Event, p: Provider): string {
  if (e.symbol) return e.symbol;
  const d = eventDescriptor(e, p);
  return `${p.symbol}_EVENT_0x${[d.value, d.version, d.channel, d.level, d.opcode, d.task, d.keyword].map(hex).join('_')}`;
}

// ---- template fields: counts, lengths, mangling ----

/** A count or length as the header code sees it (a fixed number, or the index of the field holding it). */
export class SizeNumber {
  readonly fixed?: number;
  readonly ref?: number;
  constructor(
    spec: SizeSpec | undefined,
    private readonly isCount: boolean,
  ) {
    if (spec?.kind === 'fixed') this.fixed = spec.value;
    else if (spec?.kind === 'field' && spec.index >= 0) this.ref = spec.index;
  }
  get isFixed(): boolean {
    return this.fixed !== undefined && this.fixed > 0;
  }
  /** A count of 1 is not an array; any fixed length is. */
  get isFixedMultiple(): boolean {
    return this.isCount ? this.fixed !== undefined && this.fixed > 1 : this.isFixed;
  }
  get isVariable(): boolean {
    return this.ref !== undefined;
  }
  get isSpecified(): boolean {
    return this.isFixed || this.isVariable;
  }
  get isMultiple(): boolean {
    return this.isFixedMultiple || this.isVariable;
  }
  /** `*_Arg3`, `*5` or '' (with another prefix in place of '*'). */
  expr(prefix = '*'): string {
    if (this.isVariable) return `${prefix}_Arg${this.ref}`;
    if (this.isFixedMultiple) return `${prefix}${this.fixed}`;
    return '';
  }
}

const TYPE_CODES: Readonly<Record<string, string>> = {
  UnicodeString: 'z',
  AnsiString: 's',
  Int8: 'c',
  UInt8: 'u',
  Int16: 'l',
  UInt16: 'h',
  Int32: 'd',
  UInt32: 'q',
  Int64: 'i',
  UInt64: 'x',
  Float: 'f',
  Double: 'g',
  Boolean: 't',
  Binary: 'b',
  GUID: 'j',
  Pointer: 'p',
  FILETIME: 'm',
  SYSTEMTIME: 'y',
  SID: 'k',
  HexInt32: 'd',
  HexInt64: 'i',
  CountedUnicodeString: 'w',
  CountedAnsiString: 'a',
  CountedBinary: 'e',
};

/** One field's part of the template function name (McTemplateU0<this for each field>). */
export function mangleField(f: TemplateField): string {
  const count = new SizeNumber(f.count, true);
  if (f.kind === 'struct') {
    if (count.isFixedMultiple) return `N${count.fixed}`;
    if (count.isVariable) return `NR${count.ref}`;
    return 'n';
  }
  let t = TYPE_CODES[f.inType.name] ?? '?';
  const stringy = f.inType.name === 'UnicodeString' || f.inType.name === 'AnsiString' || f.inType.name === 'Binary';
  if (!stringy) {
    if (count.isFixedMultiple) return `${t.toUpperCase()}${count.fixed}`;
    if (count.isVariable) return `${t.toUpperCase()}R${count.ref}`;
    return t;
  }
  const length = new SizeNumber(f.length, false);
  const fixedCount = count.isFixedMultiple;
  const varCount = count.isVariable;
  if (fixedCount || varCount) t = t.toUpperCase();
  let len = '';
  if (fixedCount && length.isFixed) len = String(count.fixed! * length.fixed!);
  else if (varCount && length.isVariable) len = `r${length.ref}R${count.ref}`;
  else if (fixedCount && length.isVariable) len = `${count.fixed}r${length.ref}`;
  else if (length.isFixed && varCount) len = `${length.fixed}r${count.ref}`;
  else if (fixedCount || varCount) len = 'R';
  else if (length.isFixed) len = String(length.fixed);
  else if (length.isVariable) len = `r${length.ref}`;
  return t + len;
}

export const templateSuffix = (fields: readonly TemplateField[]): string => fields.map(mangleField).join('');

// ---- template function parameters ----

/** What one template field contributes to the EventWrite macro and the template function. */
export interface CodeParameter {
  /** Names in the EventWrite macro (the field name, after its `_Len_` companion when it has one). */
  macroArgs: string[];
  /** Declarations in the template function. */
  params: string[];
  /** EVENT_DATA_DESCRIPTOR statements, one string per block (blocks are separated by a blank line). */
  descriptors: string[];
  descriptorCount: number;
  /** The caller packs the values (arrays of strings, SIDs, counted types): the macro gets an MC Note. */
  requiresPacking: boolean;
}

const PRIMITIVE_TYPES: Readonly<Record<string, string>> = {
  Int8: 'const signed char',
  UInt8: 'const unsigned char',
  Int16: 'const signed short',
  UInt16: 'const unsigned short',
  Int32: 'const signed int',
  UInt32: 'const unsigned int',
  Int64: 'const signed __int64',
  UInt64: 'const unsigned __int64',
  Float: 'const float',
  Double: 'const double',
  Boolean: 'const signed int',
  HexInt32: 'const signed int',
  HexInt64: 'const signed __int64',
};

const RECORD_TYPES: Readonly<Record<string, string>> = { GUID: 'GUID', FILETIME: 'FILETIME', SYSTEMTIME: 'SYSTEMTIME' };

/**
 * The parameter of the template field at top-level position `index`. `firstDescriptor` is the
 * EventData slot of its first descriptor (slot 0 holds the provider traits).
 */
export interface CodeParameterOptions {
  newline?: string;
  /** The length of a SID argument (`MCGEN_GETLENGTHSID(_Arg0)` unless given). */
  sidLength?: (arg: string) => string;
}

export function codeParameter(f: TemplateField, index: number, firstDescriptor: number, opts: CodeParameterOptions = {}): CodeParameter {
  const newline = opts.newline ?? '\r\n';
  const sidLength = opts.sidLength ?? ((a: string) => `MCGEN_GETLENGTHSID(${a})`);
  const name = sanitizeIdentifier(f.name);
  const arg = `_Arg${index}`;
  const lenArg = `${arg}_Len_`;
  const count = new SizeNumber(f.count, true);
  const length = new SizeNumber(f.length, false);
  const slot = firstDescriptor;
  const create = (ptr: string, size: string, comment = '') => `EventDataDescCreate(&EventData[${slot}],${ptr}, ${size});${comment}`;

  if (f.kind === 'struct') {
    const size = `${count.isMultiple ? `${count.expr('')} * ` : ''}${lenArg}`;
    return {
      macroArgs: [`${name}_Len_`, name],
      params: [`_In_ ULONG ${lenArg}`, `_In_ const void*  ${arg}`],
      descriptors: [create(arg, size)],
      descriptorCount: 1,
      requiresPacking: false,
    };
  }

  const type = f.inType.name;
  const single = (sal: string, argType: string, qualifier: string, descriptor: string, packing = false): CodeParameter => ({
    macroArgs: [name],
    params: [`${sal} ${argType} ${qualifier}${arg}`],
    descriptors: [descriptor],
    descriptorCount: 1,
    requiresPacking: packing,
  });

  if (PRIMITIVE_TYPES[type] !== undefined || type === 'Pointer') {
    const argType = PRIMITIVE_TYPES[type] ?? 'const void*';
    const multiple = count.isMultiple;
    const sal = multiple ? `_In_reads_(${count.expr('')})` : type === 'Pointer' ? '_In_opt_' : '_In_';
    const size = multiple ? `sizeof(${argType})${count.expr()}` : `sizeof(${argType})  `;
    return single(sal, argType, multiple ? '*' : ' ', create(multiple ? ` ${arg}` : `&${arg}`, size));
  }

  if (RECORD_TYPES[type] !== undefined) {
    const struct = RECORD_TYPES[type]!;
    const multiple = count.isMultiple;
    const sal = multiple ? `_In_reads_(${count.expr('')})` : '_In_';
    const size = multiple ? `sizeof(${struct})${count.expr()}` : `sizeof(${struct})  `;
    return single(sal, `const ${struct}*`, ' ', create(arg, size));
  }

  if (type === 'SID') {
    if (count.isMultiple) {
      return {
        macroArgs: [`${name}_Len_`, name],
        params: [`_In_ ULONG ${lenArg}`, `_In_reads_(${lenArg}) const unsigned char*  ${arg}`],
        descriptors: [create(` ${arg}`, lenArg)],
        descriptorCount: 1,
        requiresPacking: true,
      };
    }
    return single(
      '_In_',
      'const SID*',
      ' ',
      `EventDataDescCreate(&EventData[${slot}],(${arg} != NULL) ? ${arg} : (const void*)"\\0\\0\\0\\0\\0\\0\\0", (${arg} != NULL) ? ${sidLength(arg)} : 8);`,
    );
  }

  if (type === 'Binary') {
    const comment = count.isMultiple
      ? `  // Blob containing ${count.expr('')} concatenated strings; each string has the same length (${length.expr('')})`
      : '';
    return single(
      `_In_reads_(${length.expr('')}${count.expr()})`,
      'const unsigned char*',
      ' ',
      create(arg, `(ULONG)sizeof(char)${length.expr()}${count.expr()}`, comment),
    );
  }

  if (type === 'CountedUnicodeString' || type === 'CountedAnsiString' || type === 'CountedBinary') {
    const packing = count.isMultiple;
    const params = [`_In_ ULONG ${lenArg}`, `_In_reads_(${lenArg}) ${type === 'CountedUnicodeString' ? 'const WCHAR*' : type === 'CountedAnsiString' ? 'const char*' : 'const unsigned char*'}  ${arg}`];
    let size: string;
    if (type === 'CountedBinary') size = count.isSpecified ? `(USHORT)(sizeof(char)*${lenArg})` : `(USHORT)(sizeof(char)*${lenArg}${count.expr()})`;
    else size = `(USHORT)(sizeof(${type === 'CountedUnicodeString' ? 'WCHAR' : 'char'})${count.isSpecified && length.isSpecified ? count.expr() : ''}*${lenArg})`;
    const descriptors = packing
      ? [create(arg, size, ` // Blob contains data for ${count.expr('')} chunks; each chunk is a 16-bit ByteCount followed by ByteCount bytes of data.`)]
      : [`EventDataDescCreate(&EventData[${slot}],&EventData[${slot + 1}].Size, sizeof(USHORT));`, `EventDataDescCreate(&EventData[${slot + 1}], ${arg}, ${size});`];
    return { macroArgs: [`${name}_Len_`, name], params, descriptors, descriptorCount: packing ? 1 : 2, requiresPacking: packing };
  }

  // UnicodeString, AnsiString.
  const wide = type === 'UnicodeString';
  const packing = count.isMultiple;
  const extraLength = packing && !length.isSpecified;
  const argType = wide ? (length.isSpecified ? 'const WCHAR*' : 'PCWSTR') : length.isSpecified ? 'const char*' : 'PCSTR';
  let sal: string;
  if (!count.isMultiple && !length.isSpecified) sal = '_In_opt_';
  else if (!count.isSpecified || length.isSpecified) sal = `_In_reads_(${length.expr('')}${count.expr()})`;
  else if (count.isVariable) sal = `_In_reads_(${count.expr('')})`;
  else sal = `_In_reads_(${lenArg})`;
  const unit = wide ? 'WCHAR' : 'char';
  const sizeExpr = !count.isSpecified ? length.expr() : length.isSpecified ? `${count.expr()}${length.expr()}` : `*${lenArg}`;
  const size = `(ULONG)(sizeof(${unit})${sizeExpr})`;
  let descriptor: string;
  if (packing) {
    const comment = length.isSpecified
      ? ` // Blob containing ${count.expr('')} concatenated strings; each string has the same length (${length.expr('')})`
      : ` // Blob containing ${count.expr('')} concatenated nul-terminated strings`;
    descriptor = create(arg, size, comment);
  } else if (!length.isSpecified) {
    const nul = wide ? 'L"NULL"' : '"NULL"';
    const strlen = wide ? 'wcslen' : 'strlen';
    descriptor = [
      `EventDataDescCreate(&EventData[${slot}],`,
      `                    (${arg} != NULL) ? ${arg} : ${nul},`,
      `                    (${arg} != NULL) ? (ULONG)((${strlen}(${arg}) + 1) * sizeof(${unit})) : (ULONG)sizeof(${nul}));`,
    ].join(`${newline}    `);
  } else {
    descriptor = create(arg, size);
  }
  return {
    macroArgs: extraLength ? [`${name}_Len_`, name] : [name],
    params: extraLength ? [`_In_ ULONG ${lenArg}`, `${sal} ${argType}  ${arg}`] : [`${sal} ${argType}  ${arg}`],
    descriptors: [descriptor],
    descriptorCount: 1,
    requiresPacking: packing,
  };
}

/** The parameters of a template's fields in order, EventData slots numbered from 1. */
export function codeParameters(fields: readonly TemplateField[], opts: CodeParameterOptions = {}): CodeParameter[] {
  const out: CodeParameter[] = [];
  let slot = 1;
  fields.forEach((f, i) => {
    const p = codeParameter(f, i, slot, opts);
    slot += p.descriptorCount;
    out.push(p);
  });
  return out;
}
