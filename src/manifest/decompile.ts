// Reading a template back: decompileCrim writes an instrumentation manifest for a CRIM description
// (readCrim of a TEMP.BIN or WEVT_TEMPLATE) and the message tables of the same build, such that
// winmc / mc.exe of the same generation compiles it back to the same TEMP.BIN and tables. A CRIM
// does not keep symbols, channel types, file names or (v3) provider names: stable ones are
// invented. The manifest's free order (events, levels, opcodes, keywords, map items) is chosen so
// that mc's automatic message numbering gives the stored ids; what no order can give is reported.
// Then the manifest written is compiled and compared with the input, and every difference is a
// located warning: the result claims exactness only when there is none (docs/resources.md,
// "winmc dump --as man"). listCrim is what `winmc dump` prints for a template.

import type { XmlElement, XmlNode } from '../eventlog/binxml/reader.js';
import type { MessageTableEntry } from '../rc-gen/message-table.js';
import { readMessageTable } from '../rc-gen/message-table.js';
import { md5TemplateId, sha256TemplateId } from './crim-hash.js';
import { EVTA_NAME, LIST_TAGS, PRVA_CONTROL_GUID, PRVA_GROUP_GUID, PRVA_NAME, type CrimListKind } from './crim-layout.js';
import { NO_MESSAGE, describeManifest, guidFromText, type CrimFile, type CrimProperty, type CrimProvider, type CrimTemplate } from './crim.js';
import { cultureLanguageId, languageIdCulture } from './cultures.js';
import { type ManifestGeneration } from './generation.js';
import { assignMessageIds } from './message-ids.js';
import { manifestMessageTables } from './messages.js';
import { parseManifest } from './parse.js';
import { IN_TYPES, OUT_TYPES, OUT_TYPES_OF, winChannel, winKeyword, winLevel, winOpcode, winTask } from './winmeta.js';

/** One message table: its LANGID and its entries (texts as stored, with mc's trailing CR LF). */
export interface MessageTableInput {
  languageId: number;
  entries: ReadonlyMap<number, string> | readonly MessageTableEntry[];
}

/** The texts of one table (taken as en-US), or every table of the build in MSGnnnnn order. */
export type DecompileMessages = ReadonlyMap<number, string> | readonly MessageTableInput[];

export interface DecompileOptions {
  /** The generation the blob was compiled with; told from the blob when absent (CRIM 5: sdk10.0.16299; 3: by its template GUIDs). */
  generation?: ManifestGeneration;
  /** Compile the manifest written and report each difference (default true). */
  verify?: boolean;
}

export interface DecompileWarning {
  /** The CRIM block (`EVNT of {GUID}`, as readCrim names them) or `message table 0x0409`. */
  block: string;
  /** The item in it (`event 12 version 1`, `message 0xB0000001`); empty for the block itself. */
  item: string;
  message: string;
  /** Line of the manifest written where the item is. */
  line?: number;
}

export interface DecompileResult {
  text: string;
  generation: ManifestGeneration;
  warnings: DecompileWarning[];
  /** The manifest was compiled back and gave the same template and tables. */
  exact: boolean;
}

/** The manifest text only (see decompileCrim for the warnings). */
export function crimToManifest(crim: CrimFile, messages?: DecompileMessages, opts: DecompileOptions = {}): string {
  return decompileCrim(crim, messages, opts).text;
}

// ---------------------------------------------------------------------------------------------

const hex8 = (v: number) => `0x${(v >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
const hex4 = (v: number) => `0x${(v >>> 0).toString(16).toUpperCase().padStart(4, '0')}`;
const mask16 = (m: bigint) => `0x${m.toString(16).toUpperCase().padStart(16, '0')}`;
const ZERO_GUID = '{00000000-0000-0000-0000-000000000000}';
const IN_TYPE_NAMES = new Map(Object.entries(IN_TYPES).map(([k, v]) => [v, k]));
const OUT_TYPE_NAMES = new Map(Object.entries(OUT_TYPES).map(([k, v]) => [v, k]));
const PROP = { struct: 0x1, fixedLength: 0x2, varLength: 0x4, fixedCount: 0x8, varCount: 0x10 };

// Characters XML 1.0 cannot hold at all, even as character references.
const NOT_XML = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** An attribute value: markup characters and the white space attribute normalisation would change, as references. */
const attrText = (s: string) =>
  s
    .replace(NOT_XML, '')
    .replace(/[&<>"\t\n\r]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\t': '&#x9;', '\n': '&#xA;', '\r': '&#xD;' })[c]!);
const contentText = (s: string) => s.replace(NOT_XML, '').replace(/[&<>\r]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' })[c]!);

function bitLength(mask: bigint): number {
  let n = 0;
  for (let m = mask; m !== 0n; m >>= 1n) n++;
  return n;
}

const isWinLevel = (name: string) => name.startsWith('win:') && winLevel(name) !== undefined;
const isWinOpcode = (name: string, task: number) => task === 0 && name.startsWith('win:') && winOpcode(name) !== undefined;
const isWinTask = (name: string) => name.startsWith('win:') && winTask(name) !== undefined;
const isWinKeyword = (name: string) => name.startsWith('win:') && winKeyword(name) !== undefined;

/** Labels of the items of each list, the same at writing and at comparing (and in the warnings). */
const LABEL = {
  channel: (c: { name: string }) => `channel "${c.name}"`,
  level: (l: { name: string; value: number }) => `level ${l.name} (${l.value})`,
  opcode: (o: { name: string; value: number; task: number }) => `opcode ${o.name} (${o.value}${o.task ? `, task ${o.task}` : ''})`,
  task: (t: { name: string; value: number }) => `task ${t.name} (${t.value})`,
  keyword: (k: { name: string; mask: bigint }) => `keyword ${k.name} (${mask16(k.mask)})`,
  maps: (m: { kind: string; name: string }) => `${m.kind} ${m.name}`,
  namedQueries: (q: { name: string }) => `patternMap ${q.name}`,
  template: (_t: unknown, i: number) => `template ${i}`,
  event: (e: { id: number; version: number }) => `event ${e.id} version ${e.version}`,
  filter: (f: { name: string; value: number; version: number }) => `filter ${f.name} (${f.value} version ${f.version})`,
  providerAttributes: (a: { flags: number }) => `attribute ${hex8(a.flags)}`,
  eventAttributes: (a: { id: number; version: number; flags: number }) => `event ${a.id} version ${a.version} ${a.flags === EVTA_NAME ? 'name' : 'attribute'}`,
};
const blockOf = (p: { guid: string }, kind: CrimListKind) => `${LIST_TAGS[kind]} of ${p.guid}`;

interface Table {
  languageId: number;
  texts: Map<number, string>;
  ansi: number[];
}

function normalizeTables(messages: DecompileMessages | undefined): Table[] {
  if (messages === undefined) return [];
  const one = (languageId: number, entries: MessageTableInput['entries']): Table => {
    const texts = new Map<number, string>();
    const ansi: number[] = [];
    if (entries instanceof Map) for (const [id, text] of entries) texts.set(id >>> 0, text);
    else
      for (const e of entries as readonly MessageTableEntry[]) {
        texts.set(e.id >>> 0, e.text);
        if (!e.unicode) ansi.push(e.id >>> 0);
      }
    return { languageId, texts, ansi };
  };
  if (messages instanceof Map) return [one(0x409, messages)];
  return (messages as readonly MessageTableInput[]).map((t) => one(t.languageId, t.entries));
}

/** The substitution types a template's GUID hashes: in-type (Binary for a struct), | 0x80 with a count. */
function substitutionTypes(t: CrimTemplate): number[] {
  return t.properties.slice(0, t.paramCount).map((p) => {
    const base = p.flags & PROP.struct ? 14 : (p.inType ?? 0);
    return p.flags & (PROP.fixedCount | PROP.varCount) ? base | 0x80 : base;
  });
}

function templateName(t: CrimTemplate): string | undefined {
  if (t.xml.name !== 'EventData') return undefined;
  const a = t.xml.attributes.find((x) => x.name === 'Name');
  return a ? a.value.map((v) => (v.kind === 'value' ? String(v.value ?? '') : '')).join('') : undefined;
}

/** The text mc hashes for an EventData template. */
function eventDataText(t: CrimTemplate): string {
  const name = templateName(t);
  let text = `<EventData${name !== undefined ? ` Name="${attrText(name)}"` : ''}`;
  if (t.paramCount === 0) return `${text}/>`;
  text += '>';
  t.properties.slice(0, t.paramCount).forEach((p, i) => {
    const el = p.flags & PROP.struct ? 'ComplexData' : 'Data';
    text += `<${el} Name="${attrText(p.name)}">%${i + 1}</${el}>`;
  });
  return `${text}</EventData>`;
}

const guidBytes = (g: Uint8Array) => Array.from(g).join(',');
function hashMatches(text: string, types: number[], guid: string, kinds: readonly ('md5' | 'sha')[]): 'md5' | 'sha' | undefined {
  let want: string;
  try {
    want = guidBytes(guidFromText(guid));
  } catch {
    return undefined;
  }
  for (const k of kinds) if (guidBytes(k === 'md5' ? md5TemplateId(text, types) : sha256TemplateId(text, types)) === want) return k;
  return undefined;
}

/** CRIM 5: sdk10.0.16299 (sdk-newest writes the same); CRIM 3: sdk8.1 when its template GUIDs are MD5 ones. */
export function crimGeneration(crim: CrimFile): ManifestGeneration {
  return guessGeneration(crim) ?? 'sdk10.0.10240';
}

/** Undefined for a CRIM 3 without an EventData template (UserData ones tell it once their text is found). */
function guessGeneration(crim: CrimFile): ManifestGeneration | undefined {
  if (crim.major >= 5) return 'sdk10.0.16299';
  for (const p of crim.providers)
    for (const t of p.templates) {
      if (t.flags !== 1) continue;
      const k = hashMatches(eventDataText(t), substitutionTypes(t), t.guid, ['md5', 'sha']);
      if (k) return k === 'md5' ? 'sdk8.1' : 'sdk10.0.10240';
    }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Ordering

/**
 * Orders groups (items that must keep their relative order) so that every item whose message id
 * is not its own number comes after the item that owns that id; `ready` adds other conditions.
 * Default order: as given. Returns the order and whether some constraint could not be met.
 */
function orderGroups<T>(
  groups: T[][],
  msg: (t: T) => number,
  natural: (t: T) => number,
  known: (id: number) => boolean,
  ready: (g: T[], commit: boolean) => boolean = () => true,
): T[] {
  const owner = new Map<number, number>();
  groups.forEach((g, gi) => {
    for (const t of g) if (msg(t) !== NO_MESSAGE && msg(t) === natural(t) && !owner.has(msg(t))) owner.set(msg(t), gi);
  });
  const deps = groups.map(() => new Set<number>());
  groups.forEach((g, gi) => {
    for (const t of g) {
      const m = msg(t);
      if (m === NO_MESSAGE || m === natural(t) || known(m)) continue;
      const o = owner.get(m);
      if (o !== undefined && o !== gi) deps[gi]!.add(o);
    }
  });
  const done = new Set<number>();
  const out: T[] = [];
  while (done.size < groups.length) {
    let pick = -1;
    for (let gi = 0; gi < groups.length && pick < 0; gi++) {
      if (done.has(gi)) continue;
      if ([...deps[gi]!].every((d) => done.has(d)) && ready(groups[gi]!, false)) pick = gi;
    }
    if (pick < 0) pick = groups.findIndex((_, gi) => !done.has(gi)); // unreachable order: the check reports it
    ready(groups[pick]!, true);
    done.add(pick);
    out.push(...groups[pick]!);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Writing

class Lines {
  readonly lines: string[] = [];
  readonly at = new Map<string, number>();
  push(line: string, key?: string): void {
    this.lines.push(line);
    if (key !== undefined && !this.at.has(key)) this.at.set(key, this.lines.length);
  }
}

/** Where a warning's block and item are written: the same key for the writer and the warnings. */
const itemKey = (block: string, item: string) => `${block}\u0000${item}`;
const lineKey = (p: { guid: string }, kind: CrimListKind | 'provider', label: string) => (kind === 'provider' ? itemKey(`WEVT ${p.guid}`, 'provider') : itemKey(blockOf(p, kind), label));

interface Ctx {
  crim: CrimFile;
  out: Lines;
  warnings: DecompileWarning[];
  /** Message id → string key. */
  keys: Map<number, string>;
  keyNames: Set<string>;
  /** Key → first message id (the table text to write). */
  keyIds: Map<string, number>;
  /** Windows channel name → its message id, once per manifest. */
  winChannelIds: Map<string, number>;
  warned: Set<string>;
  /** The hash a UserData template's GUID was found with. */
  hashKind?: 'md5' | 'sha';
}

function warn(ctx: Ctx, block: string, item: string, message: string, line?: number): void {
  ctx.warned.add(`${block}\u0000${item}`);
  ctx.warnings.push({ block, item, message, ...(line !== undefined ? { line } : {}) });
}

/**
 * The string key for an item's message id: shared when an earlier item has the id (mc numbers a
 * string once), else a new one, which mc numbers `natural`; a warning when that is not the id.
 * `fresh` tells whether mc makes an id for it (its counters advance).
 */
function messageKey(ctx: Ctx, id: number, natural: number, base: string, where: { block: string; item: string }): { key?: string; fresh: boolean } {
  if (id === NO_MESSAGE) return { fresh: false };
  const shared = ctx.keys.get(id >>> 0);
  if (shared !== undefined) return { key: shared, fresh: false };
  if (natural >>> 0 !== id >>> 0)
    warn(ctx, where.block, where.item, `message id ${hex8(id)} cannot be produced: mc numbers this item's string ${hex8(natural)}, and no earlier item has ${hex8(id)}`);
  let key = base.replace(/[^A-Za-z0-9_.-]/g, '_');
  for (let n = 2; ctx.keyNames.has(key); n++) key = `${base.replace(/[^A-Za-z0-9_.-]/g, '_')}_${n}`;
  ctx.keyNames.add(key);
  ctx.keys.set(id >>> 0, key);
  ctx.keyIds.set(key, id >>> 0);
  return { key, fresh: true };
}

const msgAttr = (key: string | undefined) => (key !== undefined ? ` message="$(string.${key})"` : '');

function providerName(p: CrimProvider, pi: number): string {
  return p.providerAttributes.find((a) => a.flags === PRVA_NAME)?.value ?? `Provider${pi}-${p.guid.replace(/[{}]/g, '')}`;
}

function symbolOf(s: string): string {
  const sym = s.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=[0-9])/, '_');
  return sym || '_';
}

export function decompileCrim(crim: CrimFile, messages?: DecompileMessages, opts: DecompileOptions = {}): DecompileResult {
  const guessed = opts.generation ?? guessGeneration(crim);
  const tables = normalizeTables(messages);
  const ctx: Ctx = { crim, out: new Lines(), warnings: [], keys: new Map(), keyNames: new Set(), keyIds: new Map(), winChannelIds: new Map(), warned: new Set() };
  const { out } = ctx;
  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push(
    '<instrumentationManifest xmlns="http://schemas.microsoft.com/win/2004/08/events" xmlns:win="http://manifests.microsoft.com/win/2004/08/windows/events" xmlns:xs="http://www.w3.org/2001/XMLSchema">',
  );
  out.push('  <instrumentation>');
  out.push('    <events>');
  const names = crim.providers.map(providerName);
  names.forEach((n, pi) => {
    if (names.indexOf(n) === pi) return;
    let other = `${n}-${pi}`;
    for (let k = 2; names.includes(other); k++) other = `${n}-${pi}-${k}`;
    names[pi] = other;
    warn(ctx, `PRVA of ${crim.providers[pi]!.guid}`, 'provider name', `a second provider named "${n}": written as "${other}"`);
  });
  const symbols = new Set<string>();
  const channelPlan = planChannels(ctx);
  crim.providers.forEach((p, pi) => {
    let sym = symbolOf(names[pi]!);
    for (let n = 2; symbols.has(sym); n++) sym = `${symbolOf(names[pi]!)}_${n}`;
    symbols.add(sym);
    writeProvider(ctx, p, pi, names[pi]!, sym, channelPlan[pi]!);
  });
  out.push('    </events>');
  out.push('  </instrumentation>');
  writeStrings(ctx, tables);
  out.push('</instrumentationManifest>');
  const text = `${out.lines.join('\r\n')}\r\n`;
  const generation = guessed ?? (ctx.hashKind === 'md5' ? 'sdk8.1' : 'sdk10.0.10240');
  if (opts.verify !== false) verify(ctx, text, generation, tables);
  for (const w of ctx.warnings) {
    const line = w.line === undefined ? out.at.get(itemKey(w.block, w.item)) : undefined;
    if (line !== undefined) w.line = line;
  }
  return { text, generation, warnings: ctx.warnings, exact: ctx.warnings.length === 0 && opts.verify !== false };
}

// ---- channels ----

interface ChannelPlan {
  /** How each channel is written: defined, an import of a Windows channel or of another provider's, or named by events only. */
  how: ('defined' | 'windows' | 'provider' | 'implicit')[];
  /** The token events name each channel by (chid or name). */
  token: string[];
  /** chid attribute of each channel element. */
  chid: (string | undefined)[];
}

function planChannels(ctx: Ctx): ChannelPlan[] {
  const { crim } = ctx;
  const definedNames = new Set<string>();
  const definedTokens: { pi: number; token: string }[] = [];
  const plans: ChannelPlan[] = crim.providers.map((p, pi) => {
    const plan: ChannelPlan = { how: [], token: [], chid: [] };
    // A trailing run of Windows channels that no event takes the keyword bit of: named by events only.
    let implicitFrom = p.channels.length;
    for (let i = p.channels.length - 1; i >= 0; i--) {
      const c = p.channels[i]!;
      const w = winChannel(c.name);
      const users = p.events.filter((e) => e.channelRef === i);
      const bit = i <= 63 ? 1n << BigInt(63 - i) : 0n;
      if (c.flags & 1 && w && users.length > 0 && bit !== 0n && users.every((e) => (e.keywords & bit) === 0n)) implicitFrom = i;
      else break;
    }
    const used = new Set<string>();
    const namesHere = new Set(p.channels.map((c) => c.name));
    p.channels.forEach((c, i) => {
      const w = winChannel(c.name);
      if (c.flags & 1 && w) {
        plan.how.push(i >= implicitFrom ? 'implicit' : 'windows');
        plan.token.push(c.name);
        plan.chid.push(c.name);
        used.add(c.name);
      } else if (c.flags & 1) {
        plan.how.push('provider');
        plan.token.push('');
        plan.chid.push(undefined);
      } else {
        plan.how.push('defined');
        // A chid other than the name: an import elsewhere can name the channel by either.
        let chid = `C${pi}_${i}`;
        for (let n = 2; used.has(chid) || namesHere.has(chid); n++) chid = `C${pi}_${i}_${n}`;
        used.add(chid);
        plan.token.push(chid);
        plan.chid.push(chid);
        definedNames.add(c.name);
        definedTokens.push({ pi, token: chid });
        if (!winChannel(c.name)) definedTokens.push({ pi, token: c.name });
      }
    });
    return plan;
  });
  // Imports of another provider's channel: resolved by the chid naming a defined channel, or by the name.
  crim.providers.forEach((p, pi) => {
    const plan = plans[pi]!;
    const keysHere = new Set(plan.chid.filter((c): c is string => c !== undefined));
    const namesHere = new Set(p.channels.map((c) => c.name));
    p.channels.forEach((c, i) => {
      if (plan.how[i] !== 'provider') return;
      let chid: string | undefined;
      if (definedNames.has(c.name)) {
        chid = !keysHere.has(c.name) ? c.name : undefined;
        for (let n = 2; chid === undefined || keysHere.has(chid) || (chid !== c.name && namesHere.has(chid)); n++) chid = `${c.name}_${n}`;
      } else {
        chid = definedTokens.find((d) => d.pi !== pi && !keysHere.has(d.token) && !namesHere.has(d.token))?.token;
      }
      if (chid === undefined) {
        warn(ctx, blockOf(p, 'channel'), LABEL.channel(c), 'an imported channel that no other channel of the template can be its source of: written as a channel of its own');
        plan.how[i] = 'defined';
        chid = `C${pi}_${i}`;
      }
      keysHere.add(chid);
      plan.chid[i] = chid;
      plan.token[i] = chid;
    });
  });
  return plans;
}

// ---- a provider ----

/**
 * Items no manifest can define the way they are stored (a reserved or too large value, a keyword
 * of several bits, a second item of a name or value): left out with a warning, and events do not
 * name them, so that the manifest written still compiles.
 */
function undefinable(ctx: Ctx, p: CrimProvider, channels: ChannelPlan): Set<object> {
  const omit = new Set<object>();
  const drop = (x: object, kind: CrimListKind, label: string, why: string) => {
    omit.add(x);
    warn(ctx, blockOf(p, kind), label, `${why}: left out of the manifest`);
  };
  const once = () => {
    const seen = new Set<string>();
    return (key: string) => (seen.has(key) ? true : (seen.add(key), false));
  };
  const chanValue = once();
  p.channels.forEach((c, i) => {
    if (channels.how[i] !== 'defined') return;
    if (c.value < 16 || c.value > 255) drop(c, 'channel', LABEL.channel(c), `channel value ${c.value} cannot be defined (16 to 255)`);
    else if (chanValue(String(c.value))) drop(c, 'channel', LABEL.channel(c), `a second channel of value ${c.value}`);
  });
  const [lName, lValue] = [once(), once()];
  for (const l of p.levels) {
    if (isWinLevel(l.name)) continue;
    if (l.value < 16 || l.value > 255) drop(l, 'level', LABEL.level(l), `level value ${l.value} cannot be defined (16 to 255; 0 to 15 are Windows' own)`);
    else if (lName(l.name) || lValue(String(l.value))) drop(l, 'level', LABEL.level(l), 'a second level of this name or value');
  }
  const [tName, tValue] = [once(), once()];
  for (const t of p.tasks) {
    if (isWinTask(t.name)) continue;
    if (t.value < 1 || t.value > 0xffff) drop(t, 'task', LABEL.task(t), `task value ${t.value} cannot be defined (1 to 65535)`);
    else if (tName(t.name) || tValue(String(t.value))) drop(t, 'task', LABEL.task(t), 'a second task of this name or value');
  }
  const opSeen = new Map<number, [(k: string) => boolean, (k: string) => boolean]>();
  for (const o of p.opcodes) {
    if (isWinOpcode(o.name, o.task)) continue;
    if (!opSeen.has(o.task)) opSeen.set(o.task, [once(), once()]);
    const [oName, oValue] = opSeen.get(o.task)!;
    if (o.value < 10 || o.value > 239) drop(o, 'opcode', LABEL.opcode(o), `opcode value ${o.value} cannot be defined (10 to 239)`);
    else if (oName(o.name) || oValue(String(o.value))) drop(o, 'opcode', LABEL.opcode(o), 'a second opcode of this name or value');
  }
  const [kName, kMask] = [once(), once()];
  for (const k of p.keywords) {
    if (isWinKeyword(k.name)) continue;
    if (k.mask === 0n || (k.mask & (k.mask - 1n)) !== 0n || k.mask >= 1n << 48n) drop(k, 'keyword', LABEL.keyword(k), 'a keyword mask must be one of bits 0 to 47');
    else if (k.name === '' || /\s/.test(k.name)) drop(k, 'keyword', LABEL.keyword(k), 'a keyword name with white space cannot be named by an event');
    else if (kName(k.name) || kMask(String(k.mask))) drop(k, 'keyword', LABEL.keyword(k), 'a second keyword of this name or mask');
  }
  const mName = once();
  for (const m of p.maps) if (mName(m.name)) drop(m, 'maps', LABEL.maps(m), 'a second map of this name');
  for (const f of p.filters) if (f.value > 255 || f.version > 255) drop(f, 'filter', LABEL.filter(f), 'a filter value and version are 0 to 255');
  const ev = once();
  for (const e of p.events) if (ev(`${e.id}/${e.version}`)) drop(e, 'event', LABEL.event(e), 'a second event of this id and version');
  return omit;
}

function writeProvider(ctx: Ctx, p: CrimProvider, pi: number, name: string, symbol: string, channels: ChannelPlan): void {
  const { out } = ctx;
  const id = (tag: number, value: number) => ((tag << 28) | ((pi & 0xf) << 24) | (value & 0xffffff)) >>> 0;
  const pfx = ctx.crim.providers.length > 1 ? `p${pi}.` : '';
  const where = (kind: CrimListKind, label: string) => ({ block: blockOf(p, kind), item: label });
  const control = p.providerAttributes.find((a) => a.flags === PRVA_CONTROL_GUID)?.value;
  const group = p.providerAttributes.find((a) => a.flags === PRVA_GROUP_GUID)?.value;
  for (const a of p.providerAttributes)
    if (a.flags !== PRVA_NAME && a.flags !== PRVA_CONTROL_GUID && a.flags !== PRVA_GROUP_GUID)
      warn(ctx, blockOf(p, 'providerAttributes'), LABEL.providerAttributes(a), 'a provider attribute no manifest attribute writes');

  const omit = undefinable(ctx, p, channels);
  const kept = <T extends object>(x: T) => !omit.has(x);
  let counter = 1;
  const provKey = messageKey(ctx, p.messageId, id(0x9, counter), `${pfx}provider`, { block: `WEVT ${p.guid}`, item: 'provider' });
  if (provKey.fresh) counter++;
  out.push(
    `      <provider name="${attrText(name)}" guid="${p.guid}" symbol="${symbol}"${control ? ` controlGuid="${control}"` : ''} resourceFileName="${attrText(symbol)}.dll" messageFileName="${attrText(symbol)}.dll"${msgAttr(provKey.key)}>`,
    lineKey(p, 'provider', ''),
  );
  if (group) out.push(`        <traits groupGuid="${group}"/>`);

  // Channels: document order; the provider and its channels share one counter.
  const channelLines: string[] = [];
  p.channels.forEach((c, i) => {
    const label = LABEL.channel(c);
    const how = channels.how[i]!;
    if (how === 'windows' || how === 'implicit') {
      const natural = ctx.winChannelIds.get(c.name) ?? id(0x9, counter);
      if (!ctx.winChannelIds.has(c.name)) {
        ctx.winChannelIds.set(c.name, natural);
        counter++;
      }
      if (c.messageId >>> 0 !== natural) warn(ctx, blockOf(p, 'channel'), label, `message id ${hex8(c.messageId)} cannot be produced: mc numbers the Windows channel ${c.name} ${hex8(natural)} here`);
      if (how === 'windows') channelLines.push(`<importChannel name="${attrText(c.name)}" chid="${attrText(channels.chid[i]!)}"/>\u0000${label}`);
      return;
    }
    if (how === 'provider') {
      if (c.messageId !== NO_MESSAGE) warn(ctx, blockOf(p, 'channel'), label, `message id ${hex8(c.messageId)} cannot be produced: a channel imported from another provider has no message`);
      channelLines.push(`<importChannel name="${attrText(c.name)}" chid="${attrText(channels.chid[i]!)}"/>\u0000${label}`);
      return;
    }
    if (omit.has(c)) return;
    const k = messageKey(ctx, c.messageId, id(0x9, counter), `${pfx}channel.${c.name}`, where('channel', label));
    if (k.fresh) counter++;
    if (c.flags & ~1) warn(ctx, blockOf(p, 'channel'), label, `channel flags ${hex8(c.flags)}: only 0 (defined) and 1 (imported) can be written`);
    channelLines.push(`<channel name="${attrText(c.name)}" chid="${attrText(channels.chid[i]!)}" type="Operational" value="${c.value}"${msgAttr(k.key)}/>\u0000${label}`);
  });
  section(ctx, pi, 'channels', 'channel', channelLines);

  // Items one a group, ordered so that each keeps its natural message id where it can.
  const known = (m: number) => ctx.keys.has(m >>> 0);
  const ordered = <T extends { messageId: number }>(items: T[], nat: (t: T) => number) => orderGroups(items.map((x) => [x]), (x) => x.messageId, nat, known);
  // Levels and keywords: stored by value (mask), numbered in document order, written as one element each.
  const valueSection = <T extends { name: string; messageId: number }>(kind: 'level' | 'keyword', items: T[], nat: (t: T) => number, label: (t: T) => string, element: (t: T) => string) =>
    section(
      ctx,
      pi,
      `${kind}s`,
      kind,
      ordered(items, nat).map((x) => {
        const k = messageKey(ctx, x.messageId, nat(x), `${pfx}${kind}.${x.name}`, where(kind, label(x)));
        return `<${element(x)}${msgAttr(k.key)}/>\u0000${label(x)}`;
      }),
    );
  valueSection(
    'level',
    p.levels.filter((l) => !isWinLevel(l.name) && kept(l)),
    (l) => id(0x5, l.value),
    LABEL.level,
    (l) => `level name="${attrText(l.name)}" value="${l.value}"`,
  );

  // Tasks: document order, then each task's opcodes.
  const ownTasks = p.tasks.filter((t) => !isWinTask(t.name) && kept(t));
  const taskKeys = new Map<object, string | undefined>();
  for (const t of ownTasks) taskKeys.set(t, messageKey(ctx, t.messageId, id(0x7, t.value & 0xffff), `${pfx}task.${t.name}`, where('task', LABEL.task(t))).key);
  const opNat = (o: CrimProvider['opcodes'][number]) => id(0x3, ((o.task & 0xff) << 16) | (o.value & 0xffff));
  const opcodeOwner = (o: CrimProvider['opcodes'][number]) => (o.task === 0 ? undefined : ownTasks.find((t) => t.value === o.task));
  for (const o of p.opcodes)
    if (o.task !== 0 && !opcodeOwner(o)) warn(ctx, blockOf(p, 'opcode'), LABEL.opcode(o), `an opcode of task ${o.task}, which the template does not define: written as the provider's`);
  const provOps = ordered(
    p.opcodes.filter((o) => !opcodeOwner(o) && !isWinOpcode(o.name, o.task) && kept(o)),
    opNat,
  );
  const opLine = (o: CrimProvider['opcodes'][number]) => {
    const k = messageKey(ctx, o.messageId, opNat(o), `${pfx}opcode.${o.task ? `${o.task}.` : ''}${o.name}`, where('opcode', LABEL.opcode(o)));
    return `<opcode name="${attrText(o.name)}" value="${o.value}"${msgAttr(k.key)}/>`;
  };
  const provOpLines = provOps.map((o) => `${opLine(o)}\u0000${LABEL.opcode(o)}`);
  const taskOpLines = new Map<object, string[]>();
  for (const t of ownTasks) {
    const own = ordered(
      p.opcodes.filter((o) => opcodeOwner(o) === t && kept(o)),
      opNat,
    );
    taskOpLines.set(
      t,
      own.map((o) => `${opLine(o)}\u0000${LABEL.opcode(o)}`),
    );
  }
  if (ownTasks.length) {
    out.push('        <tasks>');
    for (const t of ownTasks) {
      const head = `          <task name="${attrText(t.name)}" value="${t.value}"${t.eventGuid !== ZERO_GUID ? ` eventGUID="${t.eventGuid}"` : ''}${msgAttr(taskKeys.get(t))}`;
      const ops = taskOpLines.get(t)!;
      if (ops.length === 0) out.push(`${head}/>`, lineKey(p, 'task', LABEL.task(t)));
      else {
        out.push(`${head}>`, lineKey(p, 'task', LABEL.task(t)));
        out.push('            <opcodes>');
        for (const l of ops) {
          const [text, label] = l.split('\u0000');
          out.push(`              ${text}`, lineKey(p, 'opcode', label!));
        }
        out.push('            </opcodes>');
        out.push('          </task>');
      }
    }
    out.push('        </tasks>');
  }
  section(ctx, pi, 'opcodes', 'opcode', provOpLines);

  valueSection(
    'keyword',
    p.keywords.filter((k) => !isWinKeyword(k.name) && kept(k)),
    (k) => id(0x1, bitLength(k.mask)),
    LABEL.keyword,
    (k) => `keyword name="${attrText(k.name)}" mask="${mask16(k.mask)}"`,
  );

  // Events are numbered before map items and filters, but written after the templates: plan them now.
  const globalChannel = (ci: number | undefined) => {
    if (ci === undefined) return false;
    const c = p.channels[ci]!;
    return (channels.how[ci] === 'windows' || channels.how[ci] === 'implicit') && c.value >= 8 && c.value <= 10;
  };
  const evNat = (e: CrimProvider['events'][number]) => id(globalChannel(e.channelRef) ? 0 : 0xb, ((e.version & 0xff) << 16) | (e.id & 0xffff));
  const groups: CrimProvider['events'][] = [];
  for (const e of p.events.filter(kept)) {
    const last = groups[groups.length - 1];
    if (last && last[0]!.id === e.id) last.push(e);
    else groups.push([e]);
  }
  // Channels named by events only join the list on first use: keep their order.
  const implicitRank = new Map<number, number>();
  channels.how.forEach((h, i) => {
    if (h === 'implicit') implicitRank.set(i, implicitRank.size);
  });
  let introduced = 0;
  const events = orderGroups(groups, (e) => e.messageId, evNat, known, (g, commit) => {
    let n = introduced;
    for (const e of g) {
      const r = e.channelRef === undefined ? undefined : implicitRank.get(e.channelRef);
      if (r === undefined || r < n) continue;
      if (r !== n) return false;
      n++;
    }
    if (commit) introduced = n;
    return true;
  });
  const eventKeys = new Map<object, string | undefined>();
  for (const e of events) eventKeys.set(e, messageKey(ctx, e.messageId, evNat(e), `${pfx}event.${e.id}${e.version ? `.v${e.version}` : ''}`, where('event', LABEL.event(e))).key);

  // Map items: one counter for value maps, one for bit maps, over the maps in order; stored by value.
  const mapCounter = { valueMap: 1, bitMap: 1 };
  if (p.maps.length) {
    out.push('        <maps>');
    for (const m of p.maps.filter(kept)) {
      out.push(`          <${m.kind} name="${attrText(m.name)}">`, lineKey(p, 'maps', LABEL.maps(m)));
      const items = m.items.map((it, k) => ({ it, k })).sort((a, b) => (a.it.messageId >>> 0) - (b.it.messageId >>> 0) || a.k - b.k);
      for (const { it } of items) {
        const label = `${LABEL.maps(m)} item ${hex8(it.value)}`;
        let key: string | undefined;
        if (it.messageId === NO_MESSAGE) {
          warn(ctx, blockOf(p, 'maps'), label, 'a map item without a message: a manifest map item needs one');
          key = messageKey(ctx, id(m.kind === 'valueMap' ? 0xd : 0xf, mapCounter[m.kind]), id(m.kind === 'valueMap' ? 0xd : 0xf, mapCounter[m.kind]), `${pfx}map.${m.name}.${it.value}`, where('maps', label)).key;
          mapCounter[m.kind]++;
        } else {
          const r = messageKey(ctx, it.messageId, id(m.kind === 'valueMap' ? 0xd : 0xf, mapCounter[m.kind]), `${pfx}map.${m.name}.${it.value}`, where('maps', label));
          if (r.fresh) mapCounter[m.kind]++;
          key = r.key;
        }
        out.push(`            <map value="${hex8(it.value)}"${msgAttr(key)}/>`, itemKey(blockOf(p, 'maps'), label));
      }
      out.push(`          </${m.kind}>`);
    }
    out.push('        </maps>');
  }

  if (p.namedQueries.length) {
    out.push('        <namedQueries>');
    out.push('          <patternMaps>');
    for (const q of p.namedQueries) {
      out.push(`            <patternMap name="${attrText(q.name)}" format="${attrText(q.format)}">`, lineKey(p, 'namedQueries', LABEL.namedQueries(q)));
      for (const i of q.items) out.push(`              <map name="${attrText(i.name)}" value="${attrText(i.value)}"/>`);
      out.push('            </patternMap>');
    }
    out.push('          </patternMaps>');
    out.push('        </namedQueries>');
  }

  if (p.templates.length) {
    out.push('        <templates>');
    p.templates.forEach((t, ti) => writeTemplate(ctx, p, pi, t, ti));
    out.push('        </templates>');
  }

  const filterNat = (f: CrimProvider['filters'][number]) => id(0x5, (0x80 << 16) | ((f.version & 0xff) << 8) | (f.value & 0xff));
  section(
    ctx,
    pi,
    'filters',
    'filter',
    p.filters.filter(kept).map((f) => {
      const k = messageKey(ctx, f.messageId, filterNat(f), `${pfx}filter.${f.name}`, where('filter', LABEL.filter(f)));
      return `<filter name="${attrText(f.name)}" value="${f.value}" version="${f.version}"${f.template !== undefined ? ` tid="T${f.template}"` : ''}${msgAttr(k.key)}/>\u0000${LABEL.filter(f)}`;
    }),
  );

  section(
    ctx,
    pi,
    'events',
    'event',
    events.map((e) => {
      const a: string[] = [`value="${e.id}"`, `version="${e.version}"`];
      const own = p.eventAttributes.filter((x) => x.id === e.id && x.version === e.version);
      const evName = own.find((x) => x.flags === EVTA_NAME)?.value;
      if (evName !== undefined) a.push(`name="${attrText(evName)}"`);
      const attrs = own.filter((x) => x.flags !== EVTA_NAME).map((x) => x.value);
      if (attrs.length) a.push(`attributes="${attrText(attrs.join(';'))}"`);
      const ok = <T extends object>(x: T | undefined): x is T => x !== undefined && kept(x);
      const [c, l, t, o] = [e.channelRef, e.levelRef, e.taskRef, e.opcodeRef].map((r, k) => (r === undefined ? undefined : [p.channels, p.levels, p.tasks, p.opcodes][k]![r]));
      if (ok(c)) a.push(`channel="${attrText(channels.token[e.channelRef!]!)}"`);
      if (ok(l)) a.push(`level="${attrText(l.name)}"`);
      if (ok(t)) a.push(`task="${attrText(t.name)}"`);
      if (ok(o)) a.push(`opcode="${attrText(o.name)}"`);
      const kws = e.keywordRefs.map((k) => p.keywords[k]!).filter(ok);
      if (kws.length) a.push(`keywords="${kws.map((k) => attrText(k.name)).join(' ')}"`);
      if (e.template !== undefined) a.push(`template="T${e.template}"`);
      return `<event ${a.join(' ')}${msgAttr(eventKeys.get(e))}/>\u0000${LABEL.event(e)}`;
    }),
  );
  out.push('      </provider>');
}

/** `<channels>…</channels>` and the like: each line `text\0label`, the label keyed to its line. */
function section(ctx: Ctx, pi: number, list: string, kind: string, lines: string[]): void {
  if (lines.length === 0) return;
  const listKind = ({ channel: 'channel', level: 'level', opcode: 'opcode', keyword: 'keyword', filter: 'filter', event: 'event' } as Record<string, CrimListKind>)[kind]!;
  ctx.out.push(`        <${list}>`);
  for (const l of lines) {
    const [text, label] = l.split('\u0000');
    ctx.out.push(`          ${text}`, lineKey(ctx.crim.providers[pi]!, listKind, label!));
  }
  ctx.out.push(`        </${list}>`);
}

// ---- templates ----

function sizeAttr(name: 'count' | 'length', prop: CrimProperty, t: CrimTemplate): string {
  const value = name === 'count' ? prop.count : prop.length;
  if (prop.flags & (name === 'count' ? PROP.varCount : PROP.varLength)) return ` ${name}="${attrText(t.properties[value]?.name ?? '')}"`;
  return value > 0 ? ` ${name}="${value}"` : '';
}

function dataLine(ctx: Ctx, p: CrimProvider, prop: CrimProperty, t: CrimTemplate, where: { block: string; item: string }): string {
  let inName = IN_TYPE_NAMES.get(prop.inType ?? -1);
  if (inName === undefined) {
    warn(ctx, where.block, `${where.item} field ${prop.name}`, `in-type ${prop.inType} has no win: name: written as win:Binary`);
    inName = 'Binary';
  }
  const outKey = OUT_TYPE_NAMES.get(prop.outType ?? -1);
  const dflt = OUT_TYPES_OF[inName]?.[0];
  let out = '';
  if (outKey === undefined) {
    if (!(prop.outType === 0 && dflt === undefined)) warn(ctx, where.block, `${where.item} field ${prop.name}`, `out-type ${prop.outType} has no name a manifest can write`);
  } else if (outKey !== dflt) out = ` outType="${outKey}"`;
  const map = prop.map !== undefined ? ` map="${attrText(p.maps[prop.map]!.name)}"` : '';
  return `<data name="${attrText(prop.name)}" inType="win:${inName}"${out}${map}${sizeAttr('length', prop, t)}${sizeAttr('count', prop, t)}/>`;
}

function writeTemplate(ctx: Ctx, p: CrimProvider, pi: number, t: CrimTemplate, ti: number): void {
  const { out } = ctx;
  const label = LABEL.template(t, ti);
  const where = { block: blockOf(p, 'template'), item: label };
  const name = templateName(t);
  out.push(`          <template tid="T${ti}"${name !== undefined ? ` name="${attrText(name)}"` : ''}>`, lineKey(p, 'template', label));
  t.properties.slice(0, t.paramCount).forEach((prop) => {
    if (!(prop.flags & PROP.struct)) {
      out.push(`            ${dataLine(ctx, p, prop, t, where)}`);
      return;
    }
    out.push(`            <struct name="${attrText(prop.name)}"${sizeAttr('length', prop, t)}${sizeAttr('count', prop, t)}>`);
    const start = prop.structStart ?? 0;
    for (const m of t.properties.slice(start, start + (prop.memberCount ?? 0))) out.push(`              ${dataLine(ctx, p, m, t, where)}`);
    out.push('            </struct>');
  });
  if (t.flags === 2) writeUserData(ctx, t, where);
  out.push('          </template>');
}

/** Text around each substitution (in document order): hashed by mc, not stored in the BinXML. */
type Pads = readonly (readonly [string, string])[];

/** BinXML text children as written in a manifest: a substitution is `%n`, with its pads. */
function nodeText(n: XmlNode, pads: Pads, seen: { n: number }): string {
  switch (n.kind) {
    case 'substitution': {
      const [a, b] = pads[seen.n++] ?? ['', ''];
      return `${a}%${n.index + 1}${b}`;
    }
    case 'value':
      return contentText(String(n.value ?? ''));
    case 'charref':
      return `&#${n.code};`;
    case 'entityref':
      return `&${n.name};`;
    default:
      return '';
  }
}
const attrValue = (v: XmlNode[]) => attrText(v.map((x) => (x.kind === 'value' ? String(x.value ?? '') : x.kind === 'substitution' ? `%${x.index + 1}` : '')).join(''));

/** An element without formatting; `wide`: `<a />` when empty, as mc serializes the children it hashes. */
function elementText(e: XmlElement, prefix: string, wide: boolean, pads: Pads = [], seen = { n: 0 }): string {
  const q = `${prefix}${e.name}`;
  const attrs = e.attributes.map((a) => ` ${a.name}="${attrValue(a.value)}"`).join('');
  if (e.children.length === 0) return `<${q}${attrs}${wide ? ' />' : '/>'}`;
  return `<${q}${attrs}>${e.children.map((c) => (c.kind === 'element' ? elementText(c, prefix, wide, pads, seen) : nodeText(c, pads, seen))).join('')}</${q}>`;
}

function countSubstitutions(e: XmlElement): number {
  return e.children.reduce((n, c) => n + (c.kind === 'element' ? countSubstitutions(c) : c.kind === 'substitution' ? 1 : 0), 0);
}

const PAD_FORMS: readonly (readonly [string, string])[] = [
  ['', ''],
  [' ', ' '],
  [' ', ''],
  ['', ' '],
];

/** Pad choices to try: every substitution alike, then one or two of them otherwise (bounded). */
function* padCandidates(m: number): Generator<Pads> {
  for (const f of PAD_FORMS) yield Array.from({ length: m }, () => f);
  for (const base of PAD_FORMS.slice(0, 2))
    for (let i = 0; i < m; i++)
      for (const f of PAD_FORMS) {
        if (f === base) continue;
        const pads = Array.from({ length: m }, () => base);
        pads[i] = f;
        yield pads;
      }
  if (m > 16) return;
  for (const base of PAD_FORMS.slice(0, 2))
    for (let i = 0; i < m; i++)
      for (let j = i + 1; j < m; j++)
        for (const f of PAD_FORMS)
          for (const g of PAD_FORMS) {
            if (f === base || g === base) continue;
            const pads = Array.from({ length: m }, () => base);
            pads[i] = f;
            pads[j] = g;
            yield pads;
          }
}

/**
 * A UserData template: its element comes back from the BinXML, but mc hashed the element's text
 * as written (qualified names, text around substitutions, text after the last child): try the
 * forms that text usually has and keep the one that gives the stored GUID.
 */
function writeUserData(ctx: Ctx, t: CrimTemplate, where: { block: string; item: string }): void {
  const root = t.xml;
  const types = substitutionTypes(t);
  const kinds: ('md5' | 'sha')[] = ctx.crim.major >= 5 ? ['sha'] : ['md5', 'sha'];
  // A prefix: an attribute of the root that was an `xmlns:p` declaration keeps only `p`.
  const prefixes = ['', ...root.attributes.filter((a) => a.name !== 'xmlns' && /[:/]/.test(attrValue(a.value))).map((a) => a.name)];
  const kids = root.children.filter((c): c is XmlElement => c.kind === 'element');
  const m = kids.reduce((n, k) => n + countSubstitutions(k), 0);
  const openTag = (prefix: string) =>
    `<${prefix ? `${prefix}:` : ''}${root.name}${root.attributes.map((a) => ` ${a.name === prefix && prefix ? `xmlns:${prefix}` : a.name}="${attrValue(a.value)}"`).join('')}`;
  const hashed = (prefix: string, pads: Pads, trailing: boolean) => {
    const pq = prefix ? `${prefix}:` : '';
    if (kids.length === 0) return `${openTag(prefix)}/>`;
    const seen = { n: 0 };
    return `${openTag(prefix)}>${kids.map((k) => `\r\n\t\t${elementText(k, pq, true, pads, seen)}`).join('')}${trailing ? '\r\n\t' : ''}</${pq}${root.name}>`;
  };
  let chosen: { prefix: string; trailing: boolean; pads: Pads } | undefined;
  search: for (const pads of padCandidates(m))
    for (const prefix of prefixes)
      for (const trailing of [false, true]) {
        const kind = hashMatches(hashed(prefix, pads, trailing), types, t.guid, kinds);
        if (kind) {
          ctx.hashKind ??= kind;
          chosen = { prefix, trailing, pads };
          break search;
        }
      }
  if (!chosen) {
    warn(ctx, where.block, where.item, `the UserData template's GUID ${t.guid} is not reproduced: mc hashes the XML as it was written, and no form of it tried gives that GUID`);
    chosen = { prefix: '', trailing: false, pads: [] };
  }
  const pq = chosen.prefix ? `${chosen.prefix}:` : '';
  const open = openTag(chosen.prefix);
  ctx.out.push('            <UserData>');
  if (kids.length === 0) ctx.out.push(`              ${open}/>`);
  else {
    ctx.out.push(`              ${open}>`);
    const seen = { n: 0 };
    kids.forEach((k, i) => {
      const last = i === kids.length - 1;
      ctx.out.push(`                ${elementText(k, pq, false, chosen!.pads, seen)}${last && !chosen!.trailing ? `</${pq}${root.name}>` : ''}`);
    });
    if (chosen.trailing) ctx.out.push(`              </${pq}${root.name}>`);
  }
  ctx.out.push('            </UserData>');
}

// ---- strings ----

function writeStrings(ctx: Ctx, tables: Table[]): void {
  const { out } = ctx;
  const keys = [...ctx.keyIds].sort((a, b) => a[1] - b[1]);
  if (keys.length === 0 && tables.length === 0) return;
  const cultures = tables.length ? tables : [{ languageId: 0x409, texts: new Map<number, string>(), ansi: [] }];
  out.push('  <localization>');
  cultures.forEach((table, ti) => {
    const block = `message table ${hex4(table.languageId)}`;
    let culture = languageIdCulture(table.languageId);
    if (culture === undefined || cultureLanguageId(culture) !== table.languageId) {
      warn(ctx, block, '', `LANGID ${hex4(table.languageId)} is not a culture winmc knows: written as en-US`);
      culture = 'en-US';
    }
    out.push(`    <resources culture="${culture}">`);
    out.push('      <stringTable>');
    for (const [key, id] of keys) {
      let text = table.texts.get(id);
      if (text === undefined) {
        // The first culture must define every string; later ones may lack some.
        if (ti > 0) continue;
        if (tables.length) warn(ctx, block, `message ${hex8(id)}`, 'an item uses this message but the table does not hold it: written as an empty string');
        text = '';
      } else if (text.endsWith('\r\n')) text = text.slice(0, -2);
      else warn(ctx, block, `message ${hex8(id)}`, 'the text does not end in CR LF, which mc appends to every text');
      if (text.search(NOT_XML) >= 0) warn(ctx, block, `message ${hex8(id)}`, 'the text holds characters XML cannot (control characters, lone surrogates): left out');
      out.push(`        <string id="${key}" value="${attrText(text)}"/>`, itemKey(block, `message ${hex8(id)}`));
    }
    out.push('      </stringTable>');
    out.push('    </resources>');
  });
  out.push('  </localization>');
}

// ---------------------------------------------------------------------------------------------
// Checking: compile what was written and compare

function verify(ctx: Ctx, text: string, generation: ManifestGeneration, tables: Table[]): void {
  const r = parseManifest(new TextEncoder().encode(text), 'decompiled.man');
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (!r.manifest || errors.length) {
    for (const d of errors.slice(0, 20)) ctx.warnings.push({ block: 'manifest', item: '', message: `the manifest written does not compile: ${d.message}`, ...(d.line ? { line: d.line } : {}) });
    return;
  }
  assignMessageIds(r.manifest);
  const again = describeManifest(r.manifest, generation);
  const report = (block: string, item: string, message: string, line?: number) => {
    if (ctx.warned.has(`${block}\u0000${item}`)) return;
    warn(ctx, block, item, message, line);
  };
  if (again.major !== ctx.crim.major || again.minor !== ctx.crim.minor)
    report('CRIM', '', `version ${ctx.crim.major}.${ctx.crim.minor}, but ${generation} writes ${again.major}.${again.minor}`);
  if (again.providers.length !== ctx.crim.providers.length) report('CRIM', '', `${ctx.crim.providers.length} providers, ${again.providers.length} from the manifest written`);
  ctx.crim.providers.forEach((p, pi) => {
    const q = again.providers[pi];
    if (!q) return;
    const line = (kind: CrimListKind | 'provider', label: string) => ctx.out.at.get(lineKey(p, kind, label));
    if (q.guid !== p.guid) report(`WEVT ${p.guid}`, 'provider', `GUID ${q.guid} from the manifest written`, line('provider', ''));
    if (q.messageId !== p.messageId) report(`WEVT ${p.guid}`, 'provider', `message id ${hex8(p.messageId)} in the template, ${hex8(q.messageId)} from the manifest written`, line('provider', ''));
    if (q.lists.join() !== p.lists.join()) report(`WEVT ${p.guid}`, 'provider', `lists ${p.lists.map((k) => LIST_TAGS[k]).join(' ')} in the template, ${q.lists.map((k) => LIST_TAGS[k]).join(' ')} from the manifest written`);
    const lists: [keyof typeof LABEL, keyof CrimProvider][] = [
      ['channel', 'channels'],
      ['level', 'levels'],
      ['opcode', 'opcodes'],
      ['task', 'tasks'],
      ['keyword', 'keywords'],
      ['maps', 'maps'],
      ['namedQueries', 'namedQueries'],
      ['template', 'templates'],
      ['event', 'events'],
      ['filter', 'filters'],
      ['providerAttributes', 'providerAttributes'],
      ['eventAttributes', 'eventAttributes'],
    ];
    for (const [kind, field] of lists) {
      const label = LABEL[kind] as (x: never, i: number) => string;
      compareList(p[field] as unknown[], q[field] as unknown[], (x, i) => label(x as never, i), (lab, msg) => report(blockOf(p, kind), lab, msg, line(kind, lab)));
    }
  });
  // The tables, in order: MSG00001.bin is the first culture's.
  if (tables.length === 0) return;
  const produced = manifestMessageTables(r.manifest, { baseName: 'x', binPrefix: false });
  tables.forEach((t, ti) => {
    const block = `message table ${hex4(t.languageId)}`;
    const mine = produced[ti];
    if (!mine) {
      report(block, '', 'the manifest written gives no table for it');
      return;
    }
    if (mine.languageId !== t.languageId) report(block, '', `the manifest written gives language ${hex4(mine.languageId)} for it`);
    for (const id of t.ansi) report(block, `message ${hex8(id)}`, 'an ANSI text: mc writes UTF-16');
    const got = new Map(readMessageTable(mine.bytes).entries.map((e) => [e.id >>> 0, e.text]));
    for (const [id, text] of t.texts) {
      const item = `message ${hex8(id)}`;
      const g = got.get(id);
      const key = ctx.keys.get(id);
      const at = key !== undefined ? ctx.out.at.get(itemKey(block, `message ${hex8(ctx.keyIds.get(key)!)}`)) : undefined;
      if (g === undefined) report(block, item, 'no item of the template uses this message, and mc writes only the strings items use', at);
      else if (g !== text) report(block, item, `the text differs from the table's after compiling the manifest written`, at);
    }
    for (const id of got.keys()) if (!t.texts.has(id)) report(block, `message ${hex8(id)}`, 'the manifest written adds this message to the table');
  });
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (a instanceof Uint8Array || b instanceof Uint8Array) return a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length && a.every((x, i) => x === b[i]);
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function show(field: string, v: unknown): string {
  if (typeof v === 'bigint') return mask16(v);
  if (typeof v === 'number' && /messageId|flags/i.test(field)) return hex8(v);
  if (v === undefined) return 'none';
  if (typeof v === 'object') return field === 'xml' ? 'another XML' : JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? mask16(x) : x));
  return JSON.stringify(v);
}

/** What differs between an item and what the manifest written compiles it to. */
function difference(a: Record<string, unknown>, b: Record<string, unknown>): string {
  const fields = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !same(a[k], b[k]));
  return fields
    .map((k) => {
      if (k === 'xml') return 'its XML differs from what the manifest written compiles to';
      const [x, y] = [a[k], b[k]];
      if (Array.isArray(x) && Array.isArray(y) && x.some((v) => typeof v === 'object')) {
        const n = x.findIndex((v, i) => !same(v, y[i]));
        if (n < 0) return `${k}: ${x.length} in the template, ${y.length} from the manifest written`;
        return `${k} [${n}]: ${y[n] === undefined ? 'missing from the manifest written' : difference(x[n] as Record<string, unknown>, y[n] as Record<string, unknown>)}`;
      }
      return `${k} ${show(k, x)} in the template, ${show(k, y)} from the manifest written`;
    })
    .join('; ');
}

function compareList(mine: unknown[], again: unknown[], label: (x: unknown, i: number) => string, report: (label: string, message: string) => void): void {
  const la = mine.map(label);
  const lb = again.map(label);
  const pairs: [number, number][] = [];
  if (la.join('\u0000') === lb.join('\u0000')) la.forEach((_, i) => pairs.push([i, i]));
  else {
    const free = new Map<string, number[]>();
    lb.forEach((l, j) => free.set(l, [...(free.get(l) ?? []), j]));
    la.forEach((l, i) => {
      const j = free.get(l)?.shift();
      if (j === undefined) report(l, 'missing from what the manifest written compiles to');
      else pairs.push([i, j]);
    });
    for (const js of free.values()) for (const j of js) report(lb[j]!, 'added by the manifest written (not in the template)');
    if (pairs.some(([, j], k) => k > 0 && j < pairs[k - 1]![1])) report(la[pairs.find(([, j], k) => k > 0 && j < pairs[k - 1]![1])![0]]!, 'in another place of the list after compiling the manifest written');
  }
  for (const [i, j] of pairs) {
    const a = mine[i] as Record<string, unknown>;
    const b = again[j] as Record<string, unknown>;
    if (same(a, b)) continue;
    report(la[i]!, difference(a, b));
  }
}

// ---------------------------------------------------------------------------------------------
// Listing (winmc dump)

/** A text on one line, control characters escaped (as dump shows message texts). */
function oneLine(text: string): string {
  return text.replace(/[\\\x00-\x1f\x7f]/g, (c) => ({ '\\': '\\\\', '\r': '\\r', '\n': '\\n', '\t': '\\t' })[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** What `winmc dump` lists for a template: every provider's items, templates and events, with message texts when given. */
export function listCrim(crim: CrimFile, texts?: ReadonlyMap<number, string>): string {
  const msg = (id: number) => {
    if (id === NO_MESSAGE) return 'no message';
    const t = texts?.get(id >>> 0);
    return `message ${hex8(id)}${t !== undefined ? ` "${oneLine(t.replace(/\r\n$/, ''))}"` : ''}`;
  };
  const out: string[] = [];
  crim.providers.forEach((p, pi) => {
    const name = p.providerAttributes.find((a) => a.flags === PRVA_NAME)?.value;
    out.push(`  provider ${pi} ${p.guid}${name !== undefined ? ` ${name}` : ''}: ${msg(p.messageId)}`);
    const control = p.providerAttributes.find((a) => a.flags === PRVA_CONTROL_GUID)?.value;
    const group = p.providerAttributes.find((a) => a.flags === PRVA_GROUP_GUID)?.value;
    if (control) out.push(`    control GUID ${control}`);
    if (group) out.push(`    group GUID ${group}`);
    for (const c of p.channels) out.push(`    channel ${c.value} ${c.name}${c.flags & 1 ? ' (imported)' : ''}: ${msg(c.messageId)}`);
    for (const l of p.levels) out.push(`    level ${l.value} ${l.name}: ${msg(l.messageId)}`);
    for (const t of p.tasks) out.push(`    task ${t.value} ${t.name}${t.eventGuid !== ZERO_GUID ? ` event GUID ${t.eventGuid}` : ''}: ${msg(t.messageId)}`);
    for (const o of p.opcodes) out.push(`    opcode ${o.value} ${o.name}${o.task ? ` (task ${o.task})` : ''}: ${msg(o.messageId)}`);
    for (const k of p.keywords) out.push(`    keyword ${mask16(k.mask)} ${k.name}: ${msg(k.messageId)}`);
    for (const m of p.maps) {
      out.push(`    ${m.kind} ${m.name}: ${m.items.length} item${m.items.length === 1 ? '' : 's'}`);
      for (const i of m.items) out.push(`      ${hex8(i.value)}: ${msg(i.messageId)}`);
    }
    for (const q of p.namedQueries) {
      out.push(`    patternMap ${q.name} format "${oneLine(q.format)}"`);
      for (const i of q.items) out.push(`      ${i.name} = ${oneLine(i.value)}`);
    }
    p.templates.forEach((t, ti) => {
      const tname = templateName(t);
      out.push(`    template ${ti} ${t.guid}${t.flags === 2 ? ' UserData' : ''}${tname !== undefined ? ` "${oneLine(tname)}"` : ''}: ${t.paramCount} field${t.paramCount === 1 ? '' : 's'}`);
      const field = (prop: CrimProperty, indent: string) => {
        const parts: string[] = [];
        if (prop.flags & PROP.struct) parts.push('struct');
        else {
          parts.push(`in ${IN_TYPE_NAMES.has(prop.inType ?? -1) ? `win:${IN_TYPE_NAMES.get(prop.inType!)}` : prop.inType}`);
          parts.push(`out ${OUT_TYPE_NAMES.get(prop.outType ?? -1) ?? prop.outType}`);
          if (prop.map !== undefined) parts.push(`map ${p.maps[prop.map]?.name ?? prop.map}`);
        }
        if (prop.flags & PROP.fixedCount) parts.push(`count ${prop.count}`);
        if (prop.flags & PROP.varCount) parts.push(`count from ${t.properties[prop.count]?.name ?? `#${prop.count}`}`);
        if (prop.flags & PROP.varLength) parts.push(`length from ${t.properties[prop.length]?.name ?? `#${prop.length}`}`);
        else if (prop.length > 0) parts.push(`length ${prop.length}`);
        out.push(`${indent}${oneLine(prop.name)}: ${parts.join(', ')}`);
        if (prop.flags & PROP.struct) {
          const start = prop.structStart ?? 0;
          for (const m of t.properties.slice(start, start + (prop.memberCount ?? 0))) field(m, `${indent}  `);
        }
      };
      for (const prop of t.properties.slice(0, t.paramCount)) field(prop, '      ');
      if (t.flags === 2) out.push(`      XML ${elementText(t.xml, '', false)}`);
    });
    const named = (list: { name: string }[], i: number | undefined, v: number) => (i !== undefined && list[i] ? `${list[i]!.name} (${v})` : String(v));
    for (const e of p.events) {
      const evName = p.eventAttributes.find((x) => x.id === e.id && x.version === e.version && x.flags === EVTA_NAME)?.value;
      const parts = [
        `channel ${named(p.channels, e.channelRef, e.channel)}`,
        `level ${named(p.levels, e.levelRef, e.level)}`,
        `task ${named(p.tasks, e.taskRef, e.task)}`,
        `opcode ${named(p.opcodes, e.opcodeRef, e.opcode)}`,
        `keywords ${mask16(e.keywords)}${e.keywordRefs.length ? ` (${e.keywordRefs.map((k) => p.keywords[k]?.name).join(' ')})` : ''}`,
        `template ${e.template ?? 'none'}`,
      ];
      out.push(`    event ${e.id} version ${e.version}${evName !== undefined ? ` ${evName}` : ''}: ${parts.join(', ')}; ${msg(e.messageId)}`);
      for (const a of p.eventAttributes) if (a.id === e.id && a.version === e.version && a.flags !== EVTA_NAME) out.push(`      attribute ${oneLine(a.value)}`);
    }
    for (const f of p.filters) out.push(`    filter ${f.value} version ${f.version} ${f.name}${f.template !== undefined ? `, template ${f.template}` : ''}: ${msg(f.messageId)}`);
  });
  return out.length ? `${out.join('\n')}\n` : '';
}
