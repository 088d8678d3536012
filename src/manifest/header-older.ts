// The older C header of mc.exe's manifest mode: what the Windows 8/8.1 SDK and the Windows 10 SDKs
// up to 10.0.15063 write (`#include <wmistr.h>` first, `Provider X Event Count N`, Template_<types>
// functions over EventWrite). docs/manifests-header-older.md describes it. The text is
// templates/manifest/header-older.h.hbs; this module computes the names, values and argument
// lists it fills in. Without -um/-km the header holds only the defines (no logging code).

import { encodeText, loadTemplate, renderTemplate, type TextEncoding } from '../mc/render.js';
import {
  channelIdentifier,
  eventDescriptor,
  eventIdentifier,
  guidInitializer,
  hex,
  itemIdentifier,
  providerIdentifier,
  sanitizeIdentifier,
  mangleField,
  SizeNumber,
} from './codegen.js';
import type { ManifestGeneration } from './generation.js';
import type { Manifest, MessageRef, Provider, Resources, Template, TemplateField } from './model.js';

/**
 * The wording of the older header changed twice inside its generations; each revision is named by
 * the SDK it is first seen from (docs/manifests-header-older.md, "Revisions"):
 * - `sdk8.0`: the 8.1 text, but template functions name their parameters after the fields
 *   (php/pecl-caching-wincache, 2015, built with the Visual Studio 2012 toolchain);
 * - `sdk8.1`: `_Arg0`, `_Arg1`… parameters, "Allow Diasabling", no `#pragma warning`;
 * - `sdk10.0.10240`: the 8.1 text plus `#pragma warning(disable:6103)` around McGenEventRegister;
 * - `sdk10.0.15063`: the typos fixed ("Allow disabling", "registers", "Windows Vista and later").
 *   Seen in 2017 (azure-c-shared-utility); the first SDK that writes it lies between 10586 and 15063.
 */
export type OlderHeaderRevision = 'sdk8.0' | 'sdk8.1' | 'sdk10.0.10240' | 'sdk10.0.15063';

export interface OlderHeaderOptions {
  generation: ManifestGeneration;
  /** -um: user-mode logging code (EventRegister/EventWrite). */
  userMode: boolean;
  /** -km: kernel-mode logging code (EtwRegister/EtwWrite). Wins over userMode when both are set. */
  kernelMode: boolean;
  /** The output base name (-z, else the input name without extension). The older header does not print it. */
  baseName: string;
  /** -p: the prefix of the event write macros in place of `EventWrite`. */
  writePrefix?: string;
  /** -P: a prefix (matched ignoring case) taken off event symbols in the write macros' names. */
  stripPrefix?: string;
  /** A handlebars source in place of templates/manifest/header-older.h.hbs. */
  template?: string;
  /** -cp: the header's encoding ('ansi' when absent; UTF-8 and UTF-16 get a BOM). These SDKs' mc.exe has no -cp. */
  encoding?: TextEncoding;
  /** The wording revision; by default the one of the generation (sdk8.1, sdk10.0.10240). */
  revision?: OlderHeaderRevision;
  /** The ANSI code page the header is written in; 1252 when absent. */
  ansiCodepage?: number;
}

const REVISIONS: Record<OlderHeaderRevision, OlderHeaderText & { fieldNames: boolean }> = {
  'sdk8.0': oldText(false, true),
  'sdk8.1': oldText(false, false),
  'sdk10.0.10240': oldText(true, false),
  'sdk10.0.15063': {
    disabling: 'disabling',
    vista: 'Windows Vista and later',
    noteFor: 'for ',
    pragma6103: true,
    registers: 'registers',
    id: 'ID',
    registration: 'registration',
    notRegistered: 'If provider has not been registered, RegHandle == NULL,',
    fieldNames: false,
  },
};

interface OlderHeaderText {
  disabling: string;
  vista: string;
  noteFor: string;
  pragma6103: boolean;
  registers: string;
  id: string;
  registration: string;
  notRegistered: string;
}

function oldText(pragma6103: boolean, fieldNames: boolean): OlderHeaderText & { fieldNames: boolean } {
  return {
    disabling: 'Diasabling',
    vista: 'Vista',
    noteFor: '',
    pragma6103,
    registers: 'register',
    id: 'Id',
    registration: 'Registration',
    notRegistered: 'If Provider has not register RegHandle = NULL,',
    fieldNames,
  };
}

export function defaultOlderRevision(generation: ManifestGeneration): OlderHeaderRevision {
  return generation === 'sdk8.1' ? 'sdk8.1' : 'sdk10.0.10240';
}

// The user-mode names are mc.exe's; the kernel-mode ones follow the DDK (EtwRegister, EtwWrite…)
// in the same places, and the write macros take an activity id first, as SpbCx's driver code calls
// them: no corpus case has -km (docs/manifests-header-older.md, "Kernel mode").
const USER_MODE = {
  mode: 'USER',
  status: 'ULONG __stdcall',
  error: 'ULONG',
  success: 'ERROR_SUCCESS',
  callbackType: 'PENABLECALLBACK',
  register: 'EventRegister',
  unregister: 'EventUnregister',
  write: 'EventWrite',
  activity: '',
  activityParam: '',
  templateStatus: 'ULONG',
};
const KERNEL_MODE = {
  mode: 'KERNEL',
  status: 'NTSTATUS',
  error: 'NTSTATUS',
  success: 'STATUS_SUCCESS',
  callbackType: 'PETWENABLECALLBACK',
  register: 'EtwRegister',
  unregister: 'EtwUnregister',
  write: 'EtwWrite',
  activity: 'Activity, ',
  activityParam: '_In_opt_ LPCGUID Activity',
  templateStatus: 'NTSTATUS',
};

export interface OlderHeaderModel {
  logging: boolean;
  writePrefix: string;
  text: OlderHeaderText;
  km: typeof USER_MODE;
  providers: OlderProviderModel[];
  templates: OlderTemplateModel[];
  messages: { name: string; id: string }[];
}

/** One `#define symbol value` of a provider's channels, levels or opcodes. */
export interface OlderDefine {
  symbol: string;
  value: string;
}

export interface OlderProviderModel {
  name: string;
  eventCount: number;
  ident: string;
  guidSymbol: string;
  guidInit: string;
  contextSymbol: string;
  channels: OlderDefine[];
  levels: OlderDefine[];
  opcodes: OlderDefine[];
  tasks: { symbol: string; value: string; guidSymbol?: string; guidInit?: string }[];
  keywords: { symbol: string; mask: string }[];
  descriptors: { symbol: string; init: string; value: string }[];
  maps: { symbol: string; items: { symbol: string; value: number }[] }[];
  enableBitCount: number;
  enableWords: number;
  keywordsInit: string;
  levelsInit: string;
  events: {
    symbol: string;
    /** The write macro's name after the -p prefix: the symbol without the -P prefix. */
    writeName: string;
    word: number;
    mask: string;
    /** The write macro's parameters (`Activity` first in kernel mode). */
    macroParams: string;
    /** What follows `&<descriptor>` in the template function call. */
    callArgs: string;
    templateName: string;
  }[];
}

export interface OlderTemplateModel {
  /** The manifest template the function was first made for, `(null)` for events without one. */
  comment: string;
  name: string;
  suffix: string;
  count: number;
  params: string[];
  descriptors: string[];
}

export function olderHeaderModel(manifest: Manifest, opts: OlderHeaderOptions): OlderHeaderModel {
  const revision = REVISIONS[opts.revision ?? defaultOlderRevision(opts.generation)];
  const km = opts.kernelMode ? KERNEL_MODE : USER_MODE;
  const templates: OlderTemplateModel[] = [];
  const byName = new Map<string, OlderTemplateModel>();
  const providers = manifest.providers.map((p) => providerModel(p));

  function templateFor(t: Template | undefined): OlderTemplateModel {
    const fields = t?.fields ?? [];
    const suffix = fields.length === 0 ? '' : `_${fields.map(mangleOlder).join('')}`;
    const name = fields.length === 0 ? 'TemplateEventDescriptor' : `Template${suffix}`;
    let model = byName.get(name);
    if (!model) {
      model = { comment: t?.tid ?? '(null)', name, suffix: suffix.slice(1), count: fields.length, ...templateCode(fields, revision.fieldNames, opts.kernelMode) };
      byName.set(name, model);
      templates.push(model);
    }
    return model;
  }

  function providerModel(p: Provider): OlderProviderModel {
    const ident = providerIdentifier(p);
    const own = <T extends { predefined?: boolean }>(items: readonly T[]) => items.filter((x) => !x.predefined);
    // One enable bit per distinct (level, keyword mask), in event order.
    const bits: { level: number; mask: bigint }[] = [];
    const bitOf = new Map<string, number>();
    const events: OlderProviderModel['events'] = [];
    const descriptors: OlderProviderModel['descriptors'] = [];
    for (const e of p.events) {
      if (e.notLogged) continue;
      const d = eventDescriptor(e, p);
      const symbol = eventIdentifier(e, p);
      descriptors.push({
        symbol,
        value: hex(d.value),
        init: `{${[d.value, d.version, d.channel, d.level, d.opcode, d.task, d.keyword].map((v) => `0x${hex(v)}`).join(', ')}}`,
      });
      const key = `${d.level}:${d.keyword}`;
      let bit = bitOf.get(key);
      if (bit === undefined) {
        bit = bits.length;
        bits.push({ level: d.level, mask: d.keyword });
        bitOf.set(key, bit);
      }
      const args = (e.template?.fields ?? []).flatMap((f) => macroArgs(f));
      if (opts.kernelMode) args.unshift('Activity');
      const strip = opts.stripPrefix;
      events.push({
        symbol,
        writeName: strip && symbol.toLowerCase().startsWith(strip.toLowerCase()) ? symbol.slice(strip.length) : symbol,
        word: bit >> 5,
        mask: ((1 << (bit & 31)) >>> 0).toString(16).toUpperCase().padStart(8, '0'),
        macroParams: args.join(', '),
        callArgs: args.map((a) => `, ${a}`).join(''),
        templateName: templateFor(e.template).name,
      });
    }
    return {
      name: p.name,
      eventCount: p.events.length,
      ident,
      guidSymbol: p.symbol,
      guidInit: guidInitializer(p.guid),
      contextSymbol: `${p.symbol}_Context`,
      channels: p.channels.filter((c) => !c.implicit).map((c) => ({ symbol: channelIdentifier(p, c), value: hex(c.value) })),
      levels: own(p.levels).map((l) => ({ symbol: itemIdentifier(p, 'LEVEL', l), value: hex(l.value) })),
      opcodes: own([...p.opcodes, ...p.tasks.flatMap((t) => t.opcodes)]).map((o) => ({ symbol: itemIdentifier(p, 'OPCODE', o), value: hex(o.value) })),
      tasks: own(p.tasks).map((t) => ({
        symbol: itemIdentifier(p, 'TASK', t),
        value: hex(t.value),
        ...(t.eventGuid && t.eventGuid.bytes.some((b) => b !== 0)
          ? { guidSymbol: `${sanitizeIdentifier(t.name)}Id`, guidInit: guidInitializer(t.eventGuid) }
          : {}),
      })),
      keywords: own(p.keywords).map((k) => ({ symbol: itemIdentifier(p, 'KEYWORD', k), mask: k.mask.toString(16).toUpperCase() })),
      descriptors,
      maps: p.maps
        .filter((m) => m.symbol !== undefined && m.items.length > 0)
        .sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'bitMap' ? -1 : 1))
        .map((m) => ({
          symbol: m.symbol!,
          items: m.items.filter((i) => i.symbol !== undefined).map((i) => ({ symbol: `${m.symbol}${i.symbol}`, value: i.value | 0 })),
        })),
      enableBitCount: bits.length,
      enableWords: (bits.length + 31) >> 5,
      keywordsInit: `{${bits.map((b) => `0x${hex(b.mask)}`).join(', ')}}`,
      levelsInit: `{${bits.map((b) => String(b.level)).join(', ')}}`,
      events,
    };
  }

  return {
    logging: opts.userMode || opts.kernelMode,
    writePrefix: opts.writePrefix ?? 'EventWrite',
    text: revision,
    km,
    providers,
    templates,
    messages: messageDefines(manifest),
  };
}

export function renderOlderManifestHeader(manifest: Manifest, opts: OlderHeaderOptions): Uint8Array {
  const source = opts.template ?? loadTemplate('manifest/header-older.h.hbs');
  return encodeText(renderTemplate(source, olderHeaderModel(manifest, opts)), opts.encoding ?? 'ansi', opts.ansiCodepage ?? 1252);
}

// ---- template functions ----

const PRIMITIVES: Readonly<Record<string, string>> = {
  Int8: 'const char',
  UInt8: 'const UCHAR',
  Int16: 'const signed short',
  UInt16: 'const unsigned short',
  Int32: 'const signed int',
  UInt32: 'const unsigned int',
  Int64: 'signed __int64',
  UInt64: 'unsigned __int64',
  Float: 'const float',
  Double: 'const double',
  Boolean: 'const BOOL',
  HexInt32: 'const signed int',
  HexInt64: 'signed __int64',
};

/** The older mc.exe mangles UInt8 like Int8 (`c`: wpf-etw's Template_ic); the other codes are shared. */
function mangleOlder(f: TemplateField): string {
  const code = mangleField(f);
  return f.kind === 'data' && f.inType.name === 'UInt8' ? code.replace(/^u/, 'c').replace(/^U/, 'C') : code;
}

/** The EventWrite macro's arguments for a field: its name, after a `_Len_` companion when it has one. */
function macroArgs(f: TemplateField): string[] {
  const name = sanitizeIdentifier(f.name);
  return hasLengthParam(f) ? [`${name}_Len_`, name] : [name];
}

/** Structures, and arrays of strings without a length, take their size in bytes or characters as an extra `_Len_` argument. */
function hasLengthParam(f: TemplateField): boolean {
  if (f.kind === 'struct') return true;
  return STRING_TYPES.has(f.inType.name) && new SizeNumber(f.count, true).isMultiple && !new SizeNumber(f.length, false).isSpecified;
}

// The counted strings have no form of their own in this header: they are written like the others.
const STRING_TYPES = new Set(['UnicodeString', 'AnsiString', 'CountedUnicodeString', 'CountedAnsiString']);

const NL = '\r\n';
// Continuation lines of a descriptor statement, as mc.exe indents them.
const CONT = `${NL}                        `;

function templateCode(fields: readonly TemplateField[], fieldNames: boolean, kernelMode: boolean): { params: string[]; descriptors: string[] } {
  const argName = (i: number) => (fieldNames ? sanitizeIdentifier(fields[i]!.name) : `_Arg${i}`);
  const sizeExpr = (n: SizeNumber, prefix = '*') => (n.isVariable ? `${prefix}${argName(n.ref!)}` : n.isFixedMultiple ? `${prefix}${n.fixed}` : '');
  const params: string[] = [];
  const descriptors: string[] = [];
  fields.forEach((f, i) => {
    const arg = argName(i);
    const lenArg = `${arg}_Len_`;
    const create = (ptr: string, size: string) => `EventDataDescCreate(&EventData[${i}], ${ptr}, ${size});`;
    const count = new SizeNumber(f.count, true);
    if (f.kind === 'struct') {
      params.push(`_In_ ULONG ${lenArg}`, `_In_ const PVOID  ${arg}`);
      descriptors.push(create(arg, `${count.isMultiple ? `${sizeExpr(count, '')} * ` : ''}${lenArg}`));
      return;
    }
    const type = f.inType.name;
    const length = new SizeNumber(f.length, false);
    const multiple = count.isMultiple;
    const reads = `_In_reads_(${sizeExpr(count, '')})`;
    if (PRIMITIVES[type] !== undefined || type === 'Pointer') {
      const cType = PRIMITIVES[type] ?? 'const void *';
      const sizeType = type === 'Pointer' ? 'PVOID' : cType;
      if (multiple) {
        params.push(`${reads} ${cType} *${arg}`);
        descriptors.push(create(arg, `sizeof(${sizeType})${sizeExpr(count)}`));
      } else {
        params.push(`${type === 'Pointer' ? '_In_opt_' : '_In_'} ${cType}  ${arg}`);
        descriptors.push(create(`&${arg}`, `sizeof(${sizeType})  `));
      }
      return;
    }
    if (type === 'GUID' || type === 'FILETIME' || type === 'SYSTEMTIME') {
      const cType = type === 'GUID' ? 'LPCGUID' : `const ${type}*`;
      params.push(`${multiple ? reads : '_In_'} ${cType}  ${arg}`);
      descriptors.push(create(arg, `sizeof(${type})${multiple ? sizeExpr(count) : '  '}`));
      return;
    }
    if (type === 'SID') {
      params.push(`_In_ const SID *  ${arg}`);
      descriptors.push(create(arg, `${kernelMode ? 'RtlLengthSid' : 'GetLengthSid'}((PSID)${arg})`));
      return;
    }
    if (type === 'Binary' || type === 'CountedBinary') {
      // BYTE is a user-mode type (windef.h); a driver's headers have UCHAR.
      params.push(`_In_reads_(${sizeExpr(length, '')}${sizeExpr(count)}) ${kernelMode ? 'const UCHAR*' : 'const BYTE*'}  ${arg}`);
      descriptors.push(create(arg, `(ULONG)sizeof(char)${sizeExpr(length)}${sizeExpr(count)}`));
      return;
    }
    // UnicodeString, AnsiString and the counted strings.
    const wide = type === 'UnicodeString' || type === 'CountedUnicodeString';
    if (!multiple && !length.isSpecified) {
      const nul = wide ? 'L"NULL"' : '"NULL"';
      params.push(`_In_opt_ ${wide ? 'PCWSTR' : 'LPCSTR'}  ${arg}`);
      descriptors.push(
        `EventDataDescCreate(&EventData[${i}], ${CONT}(${arg} != NULL) ? ${arg} : ${nul},${CONT}(${arg} != NULL) ? (ULONG)((${wide ? 'wcslen' : 'strlen'}(${arg}) + 1) * sizeof(${wide ? 'WCHAR' : 'CHAR'})) : (ULONG)sizeof(${nul}));`,
      );
      return;
    }
    const unit = wide ? 'WCHAR' : 'CHAR';
    if (hasLengthParam(f)) {
      params.push(`_In_ ULONG ${lenArg}`, `${count.isVariable ? reads : `_In_reads_(${lenArg})`} ${wide ? 'PCWCH' : 'LPCCH'}  ${arg}`);
      descriptors.push(create(arg, `(ULONG)(sizeof(${unit})*${lenArg})`));
      return;
    }
    params.push(`_In_reads_(${sizeExpr(length, '')}${sizeExpr(count)}) ${wide ? 'PCWCH' : 'LPCCH'}  ${arg}`);
    descriptors.push(create(arg, `(ULONG)(sizeof(${unit})${sizeExpr(count)}${sizeExpr(length)})`));
  });
  return { params: params.map((p, i) => (i < params.length - 1 ? `${p},` : p)), descriptors };
}

// ---- message ids ----

/**
 * `#define MSG_<string id> 0x…L` for every string of the first <resources> an item uses, by id.
 * A Windows item (win:Error, the Application channel…) gets a line when the manifest's string
 * table redefines its string (`level.Error`, `channel.Application`…).
 */
function messageDefines(manifest: Manifest): { name: string; id: string }[] {
  const res = manifest.resources[0];
  if (!res) return [];
  const seen = new Set<number>();
  const out: { id: number; name: string }[] = [];
  const add = (ref: MessageRef | undefined, predefinedId?: string) => {
    if (!ref || ref.messageId === undefined) return;
    const id = ref.messageId >>> 0;
    if (seen.has(id)) return;
    const s = ref.stringId !== '' ? res.strings.get(ref.stringId) : predefinedId !== undefined ? findString(res, predefinedId) : undefined;
    if (!s) return;
    seen.add(id);
    out.push({ id, name: `MSG_${sanitizeIdentifier(s.id)}` });
  };
  const local = (name: string) => name.replace(/^win:/, '');
  for (const p of manifest.providers) {
    add(p.message);
    for (const c of p.channels) add(c.message, c.predefined ? `channel.${c.name}` : undefined);
    for (const l of p.levels) add(l.message, l.predefined ? `level.${local(l.name)}` : undefined);
    for (const t of p.tasks) add(t.message, t.predefined ? `task.${local(t.name)}` : undefined);
    for (const o of [...p.opcodes, ...p.tasks.flatMap((t) => t.opcodes)]) add(o.message, o.predefined ? `opcode.${local(o.name)}` : undefined);
    for (const k of p.keywords) add(k.message, k.predefined ? `keyword.${local(k.name)}` : undefined);
    for (const e of p.events) add(e.message);
    for (const m of p.maps) for (const i of m.items) add(i.message);
    for (const f of p.filters) add(f.message);
  }
  // A stable sort by id, as mc.exe lists them.
  out.sort((a, b) => a.id - b.id);
  return out.map((m) => ({ name: m.name.padEnd(36), id: m.id.toString(16).toUpperCase().padStart(8, '0') }));
}

function findString(res: Resources, id: string) {
  const exact = res.strings.get(id);
  if (exact) return exact;
  const lower = id.toLowerCase();
  return res.stringList.find((s) => s.id.toLowerCase() === lower);
}
