// The C header of mc.exe's manifest mode (docs/manifests-header.md). This file builds the view
// model templates/manifest/header.h.hbs lays out for the newer generations (sdk10.0.16299, the
// "Notes on the ETW event code" header, and sdk-newest, with its "MCGEN Override Macros");
// renderManifestHeader hands the older ones to header-older.ts.
//
// Without -um/-km the header has only the definitions (GUIDs, channels, levels, …, event
// descriptors, MSG_ ids); with either it also has the logging code. -km differs from -um in the
// template functions (McTemplateK0…, an Activity parameter) and the EventWrite macros (an
// Activity argument): that form is mc.exe's as its 10.0 headers show it, not checked against a
// corpus case.

import { encodeText, loadTemplate, renderTemplate, type TextEncoding } from '../mc/render.js';
import {
  channelIdentifier,
  codeParameters,
  eventDescriptor,
  eventIdentifier,
  guidInitializer,
  guidText,
  hex,
  itemIdentifier,
  providerIdentifier,
  sanitizeIdentifier,
  templateSuffix,
  type CodeParameter,
} from './codegen.js';
import { GENERATION_TRAITS, type ManifestGeneration } from './generation.js';
import { renderOlderManifestHeader, type OlderHeaderRevision } from './header-older.js';
import { manifestMessageRefs } from './messages.js';
import type { Event, Manifest, Provider, Template, TemplateField } from './model.js';

export interface ManifestHeaderOptions {
  generation: ManifestGeneration;
  /** -um: user-mode logging code. */
  userMode: boolean;
  /** -km: kernel-mode logging code (wins over userMode when both are set). */
  kernelMode: boolean;
  /** The output base name (`-z`, else the input's name without extension). */
  baseName: string;
  /** -p: the prefix of the event write macros in place of `EventWrite`. */
  writePrefix?: string;
  /** A handlebars template source in place of templates/manifest/header.h.hbs. */
  template?: string;
  /** -cp: the header's encoding ('ansi' when absent; UTF-8 and UTF-16 get a BOM). */
  encoding?: TextEncoding;
  /** The ANSI code page the header is written in; 1252 when absent. */
  ansiCodepage?: number;
  /** Older generations only: the wording revision (header-older.ts). */
  revision?: OlderHeaderRevision;
}

export interface HeaderTemplateFunction {
  name: string;
  /** The `tid` of the first template (in event order) with this name, `(null)` for events without one. */
  tid: string;
  params: string[];
  argCount: number;
  descriptors: string[];
  activity: string;
}

export interface HeaderEvent {
  id: string;
  value: number;
  bit: number;
  template: string;
  packingNote: boolean;
  writeParams: string;
  writeArgs: string;
  assumeParams: string;
  assumeArgs: string;
  forContextWriteParams: string;
  forContextAssumeParams: string;
}

/** One `#define id value` of a provider's channels, levels, opcodes or keywords. */
export interface HeaderDefine {
  id: string;
  value: string;
}

export interface HeaderProvider {
  name: string;
  eventCount: number;
  symbol: string;
  guidText: string;
  guidInit: string;
  controlGuid?: { text: string; id: string; init: string };
  traitsId: string;
  /** The lines of the traits blob macro (without the trailing ` \`), or undefined for NULL traits. */
  traits?: string[];
  channels: HeaderDefine[];
  levels: HeaderDefine[];
  opcodes: HeaderDefine[];
  tasks: { id: string; value: string; guidId?: string; guidInit?: string }[];
  keywords: HeaderDefine[];
  descriptors: { id: string; init: string; value: string }[];
  maps: { id: string; items: { name: string; value: number }[] }[];
  enableBitCount: number;
  enableWordCount: number;
  enableBitsId: string;
  keywordsId: string;
  levelsId: string;
  enableKeywords: string;
  enableLevels: string;
  contextId: string;
  contextInit: string;
  handleId: string;
  registerId: string;
  registerFunction: string;
  registerGuidId: string;
  registerHandleId: string;
  forContextHandle: string;
  events: HeaderEvent[];
}

export interface HeaderModel {
  baseName: string;
  generation: ManifestGeneration;
  code: boolean;
  kernelMode: boolean;
  newest: boolean;
  eventSet: boolean;
  /** The event write macros' prefix (`EventWrite`, or -p's). */
  writePrefix: string;
  providers: HeaderProvider[];
  templates: HeaderTemplateFunction[];
  /** `#define MSG_x   0x...L` lines, sorted by message id. */
  messages: string[];
}

const EMPTY_TEMPLATE: Pick<Template, 'tid' | 'fields'> = { tid: '(null)', fields: [] };

/** A provider registers traits (EventSetInformation) when it has a control GUID or a provider group. */
const registersTraits = (p: Provider): boolean => p.controlGuid !== undefined || p.traits?.groupGuid !== undefined;
const hasTraits = (p: Provider): boolean => registersTraits(p) || p.traits?.includeName === true;

// `\xHH` for every byte, as mc.exe writes the binary parts of the traits blob.
const cBytes = (b: Uint8Array): string => Array.from(b, (x) => `\\x${x.toString(16).toUpperCase().padStart(2, '0')}`).join('');

/** The provider name as a C string literal: printable ASCII as is, everything else as octal UTF-8 bytes. */
function cNameLiteral(name: string): { text: string; bytes: number } {
  let text = '';
  let bytes = 0;
  for (const ch of name) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x20 && cp <= 0x7e) {
      text += ch;
      bytes++;
    } else {
      for (const b of new TextEncoder().encode(ch)) {
        text += `\\${b.toString(8)}`;
        bytes++;
      }
    }
  }
  return { text, bytes };
}

function traitsLines(p: Provider): string[] | undefined {
  if (!hasTraits(p)) return undefined;
  const includeName = p.traits?.includeName === true;
  const name = includeName ? cNameLiteral(p.name) : { text: '', bytes: 0 };
  const group = p.traits?.groupGuid;
  const total = 2 + name.bytes + 1 + (group ? 19 : 0) + (p.controlGuid ? 19 : 0);
  const size = new Uint8Array([total & 0xff, (total >> 8) & 0xff]);
  const lines = [`"${cBytes(size)}" /* Total size of traits = ${total} */`];
  lines.push(includeName ? `"${name.text}\\x00" /* Provider name */` : `"\\x00" /* Provider name omitted */`);
  if (group) lines.push(`"\\x13\\x00\\x01${cBytes(group.bytes)}" /* Group guid */`);
  if (p.controlGuid) lines.push(`"\\x13\\x00\\x02${cBytes(p.guid.bytes)}" /* Decode guid */`);
  return lines;
}

function templateFunctionName(fields: readonly TemplateField[], kernelMode: boolean): string {
  return `McTemplate${kernelMode ? 'K' : 'U'}0${templateSuffix(fields)}`;
}

function messageLines(manifest: Manifest): string[] {
  // One MSG_ define per string of the manifest an item uses (predefined items' Windows texts have
  // none), under the id of its first use.
  const refs = manifestMessageRefs(manifest).filter((r) => r.stringId !== '');
  const byString = new Map<string, number>();
  for (const r of refs) if (!byString.has(r.stringId)) byString.set(r.stringId, r.messageId! >>> 0);
  // By message id, first use first among equal ids (Array.prototype.sort is stable).
  return [...byString]
    .sort((a, b) => a[1] - b[1])
    .map(([id, messageId]) => `#define ${`MSG_${sanitizeIdentifier(id)}`.padEnd(36)} 0x${messageId.toString(16).toUpperCase().padStart(8, '0')}L`);
}

interface BuildState {
  kernelMode: boolean;
  newest: boolean;
  templates: Map<string, HeaderTemplateFunction>;
  /** What an event's write macros take from its template, worked out once per template (events share them). */
  calls: Map<Pick<Template, 'tid' | 'fields'>, TemplateCall>;
}

type TemplateCall = Omit<HeaderEvent, 'id' | 'value' | 'bit'>;

// sdk-newest no longer defines MCGEN_GETLENGTHSID (and its notes no longer mention GetLengthSid):
// the SID's length is computed from its SubAuthorityCount byte. Unverified (no corpus case).
const inlineSidLength = (arg: string) => `(ULONG)(8 + 4 * ((const UCHAR*)(${arg}))[1])`;

function templateFunction(template: Pick<Template, 'tid' | 'fields'>, params: CodeParameter[], name: string, kernelMode: boolean): HeaderTemplateFunction {
  const declared = params.flatMap((p) => p.params);
  return {
    name,
    tid: template.tid,
    params: kernelMode ? ['_In_opt_ const GUID* Activity', ...declared] : declared,
    argCount: params.reduce((n, p) => n + p.descriptorCount, 0),
    descriptors: params.flatMap((p) => p.descriptors),
    activity: kernelMode ? 'Activity' : 'NULL',
  };
}

function templateCall(template: Pick<Template, 'tid' | 'fields'>, state: BuildState): TemplateCall {
  let call = state.calls.get(template);
  if (call) return call;
  const params = codeParameters(template.fields, state.newest ? { sidLength: inlineSidLength } : {});
  const name = templateFunctionName(template.fields, state.kernelMode);
  if (!state.templates.has(name)) state.templates.set(name, templateFunction(template, params, name, state.kernelMode));
  const args = params.flatMap((x) => x.macroArgs);
  const list = args.join(', ');
  const km = state.kernelMode;
  const withActivity = km ? ['Activity', ...args] : args;
  const callArgs = (first: string, rest: string[]) => [first, ...rest].filter(Boolean).map((s) => `, ${s}`).join('');
  call = {
    template: name,
    packingNote: params.some((x) => x.requiresPacking),
    writeParams: withActivity.join(', '),
    writeArgs: callArgs(km ? 'Activity' : '', args),
    assumeParams: list,
    assumeArgs: callArgs(km ? 'NULL' : '', args),
    forContextWriteParams: ['pContext', ...withActivity].join(', '),
    forContextAssumeParams: ['pContext', ...args].join(', '),
  };
  state.calls.set(template, call);
  return call;
}

function headerEvent(e: Event, id: string, bit: number, state: BuildState): HeaderEvent {
  const c = templateCall(e.template ?? EMPTY_TEMPLATE, state);
  return {
    id,
    value: e.value,
    bit,
    template: c.template,
    packingNote: c.packingNote,
    writeParams: c.writeParams,
    writeArgs: c.writeArgs,
    assumeParams: c.assumeParams,
    assumeArgs: c.assumeArgs,
    forContextWriteParams: c.forContextWriteParams,
    forContextAssumeParams: c.forContextAssumeParams,
  };
}

function headerProvider(p: Provider, state: BuildState, code: boolean): HeaderProvider {
  const ident = providerIdentifier(p);
  const hexValue = (n: number) => `0x${hex(n)}`;
  const eventDescriptors = p.events.map((e) => eventDescriptor(e, p));
  const eventIds = p.events.map((e) => eventIdentifier(e, p));
  // Few distinct keyword masks: each one's hex once (BigInt to text is slow).
  const keywordHex = new Map<bigint, string>();
  const hexKeyword = (k: bigint): string => {
    let h = keywordHex.get(k);
    if (h === undefined) keywordHex.set(k, (h = hex(k)));
    return h;
  };
  const descriptors: HeaderProvider['descriptors'] = [];
  p.events.forEach((e, i) => {
    if (e.notLogged) return;
    const d = eventDescriptors[i]!;
    descriptors.push({
      id: eventIds[i]!,
      init: `{0x${hex(d.value)}, 0x${hex(d.version)}, 0x${hex(d.channel)}, 0x${hex(d.level)}, 0x${hex(d.opcode)}, 0x${hex(d.task)}, 0x${hexKeyword(d.keyword)}}`,
      value: hexValue(e.value),
    });
  });

  // One enable bit per distinct (level, keyword mask), in event order; not-logged events count.
  const bits: { level: number; keyword: bigint }[] = [];
  const bitOf = new Map<bigint, Map<number, number>>();
  const eventBits = eventDescriptors.map((d) => {
    let byLevel = bitOf.get(d.keyword);
    if (byLevel === undefined) bitOf.set(d.keyword, (byLevel = new Map()));
    let bit = byLevel.get(d.level);
    if (bit === undefined) {
      bit = bits.length;
      byLevel.set(d.level, bit);
      bits.push({ level: d.level, keyword: d.keyword });
    }
    return bit;
  });

  const controlGuidId = `${p.symbol}_ControlGuid`;
  const traits = traitsLines(p);
  const traitsId = `${p.symbol}_Traits`;
  const contextId = `${p.symbol}_Context`;
  const handleId = p.controlGuid ? `${p.symbol}_Handle` : `${ident}Handle`;
  const enableBitsId = `${ident}EnableBits`;
  const keywordsId = `${ident}Keywords`;
  const levelsId = `${ident}Levels`;
  const withTraits = registersTraits(p);
  const events: HeaderEvent[] = [];
  if (code) p.events.forEach((e, i) => !e.notLogged && events.push(headerEvent(e, eventIds[i]!, eventBits[i]!, state)));

  return {
    name: p.name,
    eventCount: p.events.length,
    symbol: p.symbol,
    guidText: guidText(p.guid),
    guidInit: guidInitializer(p.guid),
    controlGuid: p.controlGuid && { text: guidText(p.controlGuid), id: controlGuidId, init: guidInitializer(p.controlGuid) },
    traitsId,
    traits,
    channels: p.channels.map((c) => ({ id: channelIdentifier(p, c), value: hexValue(c.value) })),
    levels: p.levels.filter((l) => !l.predefined).map((l) => ({ id: itemIdentifier(p, 'LEVEL', l), value: hexValue(l.value) })),
    opcodes: [...p.opcodes, ...p.tasks.flatMap((t) => t.opcodes)]
      .filter((o) => !o.predefined)
      .map((o) => ({ id: itemIdentifier(p, 'OPCODE', o), value: hexValue(o.value) })),
    tasks: p.tasks
      .filter((t) => !t.predefined)
      .map((t) => ({
        id: itemIdentifier(p, 'TASK', t),
        value: hexValue(t.value),
        guidId: t.eventGuid && `${sanitizeIdentifier(t.name)}Id`,
        guidInit: t.eventGuid && guidInitializer(t.eventGuid),
      })),
    keywords: p.keywords.filter((k) => !k.predefined).map((k) => ({ id: itemIdentifier(p, 'KEYWORD', k), value: `0x${k.mask.toString(16).toUpperCase()}` })),
    descriptors,
    // Bit maps first, then value maps; only symbols become enum members.
    maps: [...p.maps.filter((m) => m.kind === 'bitMap'), ...p.maps.filter((m) => m.kind === 'valueMap')]
      .filter((m) => m.symbol !== undefined && m.items.length > 0)
      .map((m) => ({
        id: m.symbol!,
        items: m.items.filter((i) => i.symbol !== undefined).map((i) => ({ name: `${m.symbol}${i.symbol}`, value: i.value | 0 })),
      })),
    enableBitCount: bits.length,
    enableWordCount: Math.ceil(bits.length / 32),
    enableBitsId,
    keywordsId,
    levelsId,
    enableKeywords: `{${bits.map((b) => `0x${hex(b.keyword)}`).join(', ')}}`,
    enableLevels: `{${bits.map((b) => String(b.level)).join(', ')}}`,
    contextId,
    contextInit: bits.length
      ? `{0, (ULONG_PTR)${traitsId}, 0, 0, 0, 0, 0, 0, ${bits.length}, ${enableBitsId}, ${keywordsId}, ${levelsId}}`
      : `{0, (ULONG_PTR)${traitsId}}`,
    handleId,
    registerId: p.controlGuid ? `_${p.symbol}` : ident,
    registerFunction: withTraits ? 'McGenEventRegisterContext' : 'McGenEventRegister',
    registerGuidId: p.controlGuid ? controlGuidId : p.symbol,
    registerHandleId: withTraits ? contextId : handleId,
    forContextHandle: withTraits ? '&pContext->Context' : '&pContext->Context.RegistrationHandle',
    events,
  };
}

export function manifestHeaderModel(manifest: Manifest, opts: ManifestHeaderOptions): HeaderModel {
  const code = opts.userMode || opts.kernelMode;
  const newest = GENERATION_TRAITS[opts.generation].header === 'newest';
  const state: BuildState = { kernelMode: opts.kernelMode, newest, templates: new Map(), calls: new Map() };
  const providers = manifest.providers.map((p) => headerProvider(p, state, code));
  const ordinal = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    baseName: opts.baseName,
    generation: opts.generation,
    code,
    kernelMode: opts.kernelMode,
    newest,
    eventSet: manifest.providers.some(registersTraits),
    writePrefix: opts.writePrefix ?? 'EventWrite',
    providers,
    templates: [...state.templates.values()].sort((a, b) => ordinal(a.name, b.name)),
    messages: messageLines(manifest),
  };
}

export function renderManifestHeader(manifest: Manifest, opts: ManifestHeaderOptions): Uint8Array {
  if (GENERATION_TRAITS[opts.generation].header === 'older') return renderOlderManifestHeader(manifest, opts);
  const source = opts.template ?? loadTemplate('manifest/header.h.hbs');
  return encodeText(renderTemplate(source, manifestHeaderModel(manifest, opts)), opts.encoding ?? 'ansi', opts.ansiCodepage ?? 1252);
}
