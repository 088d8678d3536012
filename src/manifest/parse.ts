// parseManifest: manifest bytes → the resolved model (model.ts) and located diagnostics.
// Pipeline: decode (xml.ts) → element tree (saxes) → read each provider's lists in mc.exe's order
// (channels, levels, opcodes, tasks, keywords, maps, named queries, templates, filters, events),
// resolve references (predefined `win:` items from winmeta.ts included), validate. Every error
// of the file is reported in one run; a manifest with errors yields no model.

import type { Diagnostic } from '../mc/diagnostics.js';
import { manifestDiagnostic, type ManifestDiagnosticKind } from './diagnostics.js';
import { cultureLanguageId } from './cultures.js';
import type {
  Channel,
  ChannelType,
  DataField,
  Event,
  Filter,
  Guid,
  Keyword,
  Level,
  LocalizedString,
  Manifest,
  MapItem,
  MessageRef,
  Opcode,
  PatternMap,
  Provider,
  Resources,
  SizeSpec,
  StructField,
  Task,
  Template,
  TemplateField,
  TypeRef,
  ValueOrBitMap,
} from './model.js';
import { IN_TYPES, OUT_TYPES, OUT_TYPES_OF, winChannel, winKeyword, winLevel, winOpcode, winTask } from './winmeta.js';
import { attr, childElements, decodeXml, parseXml, XmlSyntaxError, type SourcePosition, type XmlAttribute, type XmlElement } from './xml.js';

export const EVENTS_NS = 'http://schemas.microsoft.com/win/2004/08/events';
export const WIN_NS = 'http://manifests.microsoft.com/win/2004/08/windows/events';
const XS_NS = 'http://www.w3.org/2001/XMLSchema';

export interface ParseLimits {
  inputBytes: number;
  maxErrors: number;
}

export const MANIFEST_LIMITS: Readonly<ParseLimits> = { inputBytes: 256 * 1024 * 1024, maxErrors: 100 };

export interface ParseResult {
  manifest?: Manifest;
  diagnostics: Diagnostic[];
}

/** True when the bytes look like an instrumentation manifest (used to pick the compiler for an input). */
export function looksLikeManifest(bytes: Uint8Array): boolean {
  let text: string;
  try {
    text = decodeXml(bytes.subarray(0, Math.min(bytes.length, 8192) & ~1)).text;
  } catch {
    return false;
  }
  const m = /<(?:[A-Za-z_][\w.-]*:)?instrumentationManifest[\s>/]/.exec(text);
  return m !== null && /^\s*(?:<\?xml[^>]*\?>)?(?:\s|<!--[\s\S]*?-->|<\?[\s\S]*?\?>)*$/.test(text.slice(0, m.index).replace(/^\uFEFF/, ''));
}

/** `inputName` is only for the caller's convenience (diagnostics carry line and column; the caller adds the file). */
export function parseManifest(bytes: Uint8Array, _inputName = '', limits: Partial<ParseLimits> = {}): ParseResult {
  const lim = { ...MANIFEST_LIMITS, ...limits };
  const diagnostics: Diagnostic[] = [];
  if (bytes.length > lim.inputBytes) {
    diagnostics.push(manifestDiagnostic('limitExceeded', `the manifest is ${bytes.length} bytes; at most ${lim.inputBytes} are accepted`));
    return { diagnostics };
  }
  let root: XmlElement;
  try {
    root = parseXml(decodeXml(bytes).text);
  } catch (err) {
    if (!(err instanceof XmlSyntaxError)) throw err;
    diagnostics.push(manifestDiagnostic('xmlSyntax', err.message, { line: err.line, column: err.column }));
    return { diagnostics };
  }
  const reader = new ManifestReader(diagnostics, lim.maxErrors);
  const manifest = reader.read(root);
  return diagnostics.some((d) => d.severity === 'error') ? { diagnostics } : { manifest, diagnostics };
}

class TooManyErrors extends Error {}

interface ProviderIndex {
  levels: Map<string, Level>;
  tasks: Map<string, Task>;
  opcodes: Map<string, Opcode>;
  keywords: Map<string, Keyword>;
  templates: Map<string, Template>;
}

// Attributes each element of the events schema may carry (eventman.xsd). Attributes in other
// namespaces (xsi:, xmlns) are always allowed.
const ATTRIBUTES: Record<string, readonly string[]> = {
  instrumentationManifest: [],
  instrumentation: [],
  events: [],
  provider: ['name', 'guid', 'symbol', 'resourceFileName', 'messageFileName', 'parameterFileName', 'message', 'namespace', 'controlGuid', 'source', 'warnOnApplicationCompatibilityError'],
  channels: [],
  channel: ['name', 'chid', 'type', 'symbol', 'value', 'access', 'isolation', 'enabled', 'message'],
  importChannel: ['name', 'chid', 'symbol'],
  levels: [],
  level: ['name', 'value', 'symbol', 'message'],
  opcodes: [],
  opcode: ['name', 'value', 'symbol', 'message', 'mofValue'],
  tasks: [],
  task: ['name', 'value', 'symbol', 'message', 'eventGUID', 'mofGUID'],
  keywords: [],
  keyword: ['name', 'mask', 'symbol', 'message'],
  maps: [],
  valueMap: ['name', 'symbol'],
  bitMap: ['name', 'symbol'],
  map: ['value', 'message', 'symbol', 'name'],
  namedQueries: [],
  patternMaps: [],
  patternMap: ['name', 'format', 'symbol'],
  templates: [],
  template: ['tid', 'name'],
  data: ['name', 'inType', 'outType', 'map', 'length', 'count'],
  struct: ['name', 'count', 'length'],
  filters: [],
  filter: ['name', 'value', 'version', 'symbol', 'tid', 'message'],
  event: ['value', 'version', 'symbol', 'name', 'channel', 'level', 'task', 'opcode', 'keywords', 'template', 'message', 'notLogged', 'suppressProjection', 'attributes'],
  traits: ['groupGuid', 'includeName'],
  localization: [],
  resources: ['culture'],
  stringTable: [],
  string: ['id', 'value', 'stringType'],
  counters: [],
};

// Child elements each element may have; children not listed here are unknown. Elements in other
// namespaces (extensions) are skipped, as the schema's `xs:any` allows.
const CHILDREN: Record<string, readonly string[]> = {
  instrumentationManifest: ['instrumentation', 'localization', 'metadata'],
  instrumentation: ['events', 'counters', 'regionOfInterest'],
  events: ['provider', 'event'],
  provider: ['channels', 'levels', 'opcodes', 'tasks', 'keywords', 'maps', 'namedQueries', 'templates', 'filters', 'events', 'traits'],
  channels: ['channel', 'importChannel'],
  channel: ['logging', 'publishing'],
  levels: ['level'],
  opcodes: ['opcode'],
  tasks: ['task'],
  task: ['opcodes'],
  keywords: ['keyword'],
  maps: ['valueMap', 'bitMap'],
  valueMap: ['map'],
  bitMap: ['map'],
  namedQueries: ['patternMaps'],
  patternMaps: ['patternMap'],
  patternMap: ['map'],
  templates: ['template'],
  template: ['data', 'struct', 'UserData'],
  struct: ['data', 'struct'],
  filters: ['filter'],
  localization: ['resources'],
  resources: ['stringTable'],
  stringTable: ['string'],
};

// The same lists as sets, for the per-element checks.
const ATTRIBUTE_SETS: Record<string, ReadonlySet<string>> = Object.fromEntries(Object.entries(ATTRIBUTES).map(([k, v]) => [k, new Set(v)]));
const CHILDREN_SETS: Record<string, ReadonlySet<string>> = Object.fromEntries(Object.entries(CHILDREN).map(([k, v]) => [k, new Set(v)]));

const C_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const CHANNEL_TYPES: readonly ChannelType[] = ['Admin', 'Operational', 'Analytic', 'Debug'];

class ManifestReader {
  private strings = new Map<string, LocalizedString>();
  private stringRefs: MessageRef[] = [];

  constructor(
    private readonly diagnostics: Diagnostic[],
    private readonly maxErrors: number,
  ) {}

  read(root: XmlElement): Manifest {
    const manifest: Manifest = { providers: [], resources: [], root };
    try {
      if (root.local !== 'instrumentationManifest') {
        this.error('notAManifest', `the root element is <${root.qname}>, not <instrumentationManifest>`, root);
        return manifest;
      }
      if (root.uri !== EVENTS_NS) this.error('notAManifest', `<instrumentationManifest> is not in the namespace ${EVENTS_NS}`, root);
      this.checkShape(root);
      // Strings first: every message reference is checked against the first (neutral) culture.
      for (const loc of this.children(root, 'localization'))
        for (const res of this.children(loc, 'resources')) manifest.resources.push(this.readResources(res));
      const first = manifest.resources[0];
      if (first) this.strings = first.strings;
      for (const instr of this.children(root, 'instrumentation'))
        for (const events of this.children(instr, 'events'))
          for (const p of this.children(events, 'provider')) manifest.providers.push(this.readProvider(p, manifest.providers.length));
      this.resolveImportedChannels(manifest);
      this.checkProviders(manifest);
      for (const ref of this.stringRefs)
        if (!this.strings.has(ref.stringId)) this.error('undefinedString', `undefined string '$(string.${ref.stringId})'`, ref.at);
      for (const res of manifest.resources.slice(1))
        for (const ref of this.stringRefs)
          if (!res.strings.has(ref.stringId)) this.warn('missingLocalization', `string '${ref.stringId}' is missing from the ${res.culture} resources`, res.at);
    } catch (err) {
      if (!(err instanceof TooManyErrors)) throw err;
    }
    return manifest;
  }

  // ---- diagnostics ----

  private error(kind: ManifestDiagnosticKind, message: string, at: SourcePosition): void {
    this.diagnostics.push(manifestDiagnostic(kind, message, { line: at.line, column: at.column }));
    if (this.diagnostics.filter((d) => d.severity === 'error').length >= this.maxErrors) {
      this.diagnostics.push(manifestDiagnostic('tooManyErrors', `stopped after ${this.maxErrors} errors`, at));
      throw new TooManyErrors();
    }
  }

  private warn(kind: ManifestDiagnosticKind, message: string, at: SourcePosition): void {
    this.diagnostics.push({ ...manifestDiagnostic(kind, message, at), severity: 'warning' });
  }

  /** Unknown elements and attributes, checked once over the whole events-namespace tree. */
  private checkShape(el: XmlElement): void {
    const allowed = Object.hasOwn(ATTRIBUTE_SETS, el.local) ? ATTRIBUTE_SETS[el.local] : undefined;
    if (allowed) {
      for (const a of el.attributes) {
        if (a.prefix === 'xmlns' || a.qname === 'xmlns' || a.uri !== '') continue;
        if (!allowed.has(a.local)) this.error('unknownAttribute', `unknown attribute '${a.qname}' on <${el.qname}>`, a);
      }
    }
    const children = Object.hasOwn(CHILDREN_SETS, el.local) ? CHILDREN_SETS[el.local] : undefined;
    for (const c of el.children) {
      if (c.kind !== 'element' || c.uri !== EVENTS_NS) continue;
      if (el.local === 'template' && c.local === 'UserData') continue; // free-form XML
      if (children && !children.has(c.local)) {
        this.error('unknownElement', `unknown element <${c.qname}> in <${el.qname}>`, c);
        continue;
      }
      if (el.local === 'channel' || el.local === 'instrumentation' && c.local !== 'events') continue; // not compiled
      this.checkShape(c);
    }
  }

  private children(el: XmlElement, local: string): XmlElement[] {
    return childElements(el, local).filter((c) => c.uri === EVENTS_NS);
  }

  private listOf(parent: XmlElement, list: string, item: string): XmlElement[] {
    const out: XmlElement[] = [];
    for (const l of this.children(parent, list)) out.push(...this.children(l, item));
    return out;
  }

  // ---- attribute readers ----

  private required(el: XmlElement, name: string): XmlAttribute | undefined {
    const a = attr(el, name);
    if (!a) this.error('missingAttribute', `<${el.qname}> needs a '${name}' attribute`, el);
    return a;
  }

  private str(el: XmlElement, name: string): string | undefined {
    return attr(el, name)?.value;
  }

  private num(el: XmlElement, name: string, max: number, required: true): number | undefined;
  private num(el: XmlElement, name: string, max: number, required?: false): number | undefined;
  private num(el: XmlElement, name: string, max: number, required = false): number | undefined {
    const a = required ? this.required(el, name) : attr(el, name);
    if (!a) return undefined;
    const v = parseNumber(a.value);
    if (v === undefined || v > BigInt(max)) {
      this.error('badValue', `${name}="${a.value}" is not a number from 0 to ${max}`, a);
      return undefined;
    }
    return Number(v);
  }

  private bool(el: XmlElement, name: string): boolean | undefined {
    const a = attr(el, name);
    if (!a) return undefined;
    const v = a.value.trim();
    if (v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
    this.error('badValue', `${name}="${a.value}" is not true or false`, a);
    return undefined;
  }

  private symbol(el: XmlElement, name = 'symbol'): string | undefined {
    const a = attr(el, name);
    if (!a) return undefined;
    if (!C_IDENTIFIER.test(a.value)) this.error('badSymbol', `${name}="${a.value}" is not a C identifier`, a);
    return a.value;
  }

  private guid(el: XmlElement, name: string, required = false): Guid | undefined {
    const a = required ? this.required(el, name) : attr(el, name);
    if (!a) return undefined;
    const g = parseGuid(a.value);
    if (!g) this.error('badValue', `${name}="${a.value}" is not a GUID`, a);
    return g;
  }

  private message(el: XmlElement, name = 'message'): MessageRef | undefined {
    const a = attr(el, name);
    if (!a) return undefined;
    const m = /^\$\(string\.([^)]+)\)$/.exec(a.value.trim());
    if (!m) {
      this.error('badValue', `${name}="${a.value}" is not a string reference $(string.ID)`, a);
      return undefined;
    }
    const ref: MessageRef = { stringId: m[1]!, at: { line: a.line, column: a.column } };
    this.stringRefs.push(ref);
    return ref;
  }

  /** A QName value (`win:Error`) normalised to `win:` + local when its prefix maps to the winmeta namespace. */
  private qname(el: XmlElement, value: string): string {
    const i = value.indexOf(':');
    if (i < 0) return value;
    const uri = el.namespaces[value.slice(0, i)];
    return uri === WIN_NS ? `win:${value.slice(i + 1)}` : value;
  }

  private at(el: XmlElement): SourcePosition {
    return { line: el.line, column: el.column };
  }

  // ---- localization ----

  private readResources(el: XmlElement): Resources {
    const culture = this.required(el, 'culture')?.value ?? '';
    const languageId = cultureLanguageId(culture);
    if (culture && languageId === undefined) this.error('badValue', `culture="${culture}" is not a culture winmc knows`, attr(el, 'culture')!);
    const strings = new Map<string, LocalizedString>();
    const stringList: LocalizedString[] = [];
    for (const s of this.listOf(el, 'stringTable', 'string')) {
      const id = this.required(s, 'id')?.value;
      const value = this.required(s, 'value')?.value;
      if (id === undefined || value === undefined) continue;
      const ls: LocalizedString = { id, value, stringType: this.str(s, 'stringType'), at: this.at(s), element: s };
      if (strings.has(id)) this.error('duplicate', `string id '${id}' defined twice in the ${culture} resources`, s);
      else strings.set(id, ls);
      stringList.push(ls);
    }
    return { culture, languageId: languageId ?? 0, strings, stringList, at: this.at(el), element: el };
  }

  // ---- providers ----

  private readProvider(el: XmlElement, index: number): Provider {
    const p: Provider = {
      index,
      name: this.required(el, 'name')?.value ?? '',
      guid: this.guid(el, 'guid', true) ?? { text: '', bytes: new Uint8Array(16) },
      symbol: this.symbol(el) ?? '',
      resourceFileName: this.str(el, 'resourceFileName'),
      messageFileName: this.str(el, 'messageFileName'),
      parameterFileName: this.str(el, 'parameterFileName'),
      message: this.message(el),
      namespace: this.str(el, 'namespace'),
      controlGuid: this.guid(el, 'controlGuid'),
      channels: [],
      levels: [],
      tasks: [],
      opcodes: [],
      keywords: [],
      maps: [],
      namedQueries: [],
      templates: [],
      events: [],
      filters: [],
      at: this.at(el),
      element: el,
    };
    if (!attr(el, 'symbol')) this.error('missingAttribute', `<provider name="${p.name}"> needs a 'symbol' attribute`, el);
    const traits = this.children(el, 'traits')[0];
    if (traits) p.traits = { groupGuid: this.guid(traits, 'groupGuid'), includeName: this.bool(traits, 'includeName') ?? false, at: this.at(traits), element: traits };

    for (const list of this.children(el, 'channels'))
      for (const c of childElements(list).filter((x) => x.uri === EVENTS_NS && (x.local === 'channel' || x.local === 'importChannel')))
        p.channels.push(this.readChannel(c, p.channels.length));
    // Imported channels are resolved, and channels without a value numbered, once every provider is read.
    for (const l of this.listOf(el, 'levels', 'level')) p.levels.push(this.readLevel(l));
    for (const o of this.listOf(el, 'opcodes', 'opcode')) p.opcodes.push(this.readOpcode(o));
    for (const t of this.listOf(el, 'tasks', 'task')) p.tasks.push(this.readTask(t));
    for (const k of this.listOf(el, 'keywords', 'keyword')) p.keywords.push(this.readKeyword(k));
    for (const list of this.children(el, 'maps'))
      for (const m of childElements(list).filter((x) => x.uri === EVENTS_NS && (x.local === 'valueMap' || x.local === 'bitMap'))) p.maps.push(this.readMap(m));
    for (const nq of this.children(el, 'namedQueries')) for (const pm of this.listOf(nq, 'patternMaps', 'patternMap')) p.namedQueries.push(this.readPatternMap(pm));
    for (const t of this.listOf(el, 'templates', 'template')) p.templates.push(this.readTemplate(t, p));
    for (const f of this.listOf(el, 'filters', 'filter')) p.filters.push(this.readFilter(f, p));
    for (const e of this.listOf(el, 'events', 'event')) p.events.push(this.readEvent(e, p));
    return p;
  }

  private readChannel(el: XmlElement, index: number): Channel {
    const imported = el.local === 'importChannel';
    const name = this.required(el, 'name')?.value ?? '';
    const c: Channel = {
      imported,
      name,
      chid: this.str(el, 'chid'),
      symbol: this.symbol(el),
      value: -1,
      index,
      at: this.at(el),
      element: el,
    };
    if (imported) return c;
    const typeAttr = this.required(el, 'type');
    if (typeAttr) {
      if ((CHANNEL_TYPES as readonly string[]).includes(typeAttr.value)) c.type = typeAttr.value as ChannelType;
      else this.error('badValue', `type="${typeAttr.value}" is not Admin, Operational, Analytic or Debug`, typeAttr);
    }
    const value = this.num(el, 'value', 255);
    if (value !== undefined) {
      if (value < 16) this.error('reservedValue', `channel value ${value} is reserved (0-15 are Windows' own channels)`, attr(el, 'value')!);
      c.value = value;
    }
    c.enabled = this.bool(el, 'enabled');
    c.isolation = this.str(el, 'isolation');
    c.access = this.str(el, 'access');
    c.message = this.message(el);
    return c;
  }

  private readLevel(el: XmlElement): Level {
    const name = this.qname(el, this.required(el, 'name')?.value ?? '');
    const value = this.num(el, 'value', 255, true) ?? 0;
    if (value < 16 && attr(el, 'value')) this.error('reservedValue', `level value ${value} is reserved (0-15 are Windows' own levels)`, attr(el, 'value')!);
    return { name, value, symbol: this.symbol(el), message: this.message(el), predefined: false, at: this.at(el), element: el };
  }

  private readOpcode(el: XmlElement, task?: Task): Opcode {
    const name = this.qname(el, this.required(el, 'name')?.value ?? '');
    const value = this.num(el, 'value', 255, true) ?? 0;
    const a = attr(el, 'value');
    if (a && (value < 10 || value > 239)) this.error('reservedValue', `opcode value ${value} is reserved (0-9 and 240-255 are Windows' own opcodes)`, a);
    return { name, value, symbol: this.symbol(el), message: this.message(el), task, predefined: false, at: this.at(el), element: el };
  }

  private readTask(el: XmlElement): Task {
    const name = this.qname(el, this.required(el, 'name')?.value ?? '');
    const value = this.num(el, 'value', 0xffff, true) ?? 0;
    const a = attr(el, 'value');
    if (a && value === 0) this.error('reservedValue', `task value 0 is reserved (win:None)`, a);
    const eventGuid = this.guid(el, 'eventGUID');
    const task: Task = {
      name,
      value,
      symbol: this.symbol(el),
      eventGuid: eventGuid && eventGuid.bytes.some((b) => b !== 0) ? eventGuid : undefined,
      message: this.message(el),
      opcodes: [],
      predefined: false,
      at: this.at(el),
      element: el,
    };
    for (const o of this.listOf(el, 'opcodes', 'opcode')) task.opcodes.push(this.readOpcode(o, task));
    return task;
  }

  private readKeyword(el: XmlElement): Keyword {
    const name = this.qname(el, this.required(el, 'name')?.value ?? '');
    const a = this.required(el, 'mask');
    let mask = 0n;
    if (a) {
      const v = parseNumber(a.value);
      if (v === undefined || v === 0n || v > 0xffffffffffffffffn) this.error('badValue', `mask="${a.value}" is not a non-zero 64-bit number`, a);
      else if (v >= 1n << 48n) this.error('reservedValue', `keyword mask ${a.value} is reserved (bits 48-63 are Windows' own keywords)`, a);
      else mask = v;
    }
    return { name, mask, symbol: this.symbol(el), message: this.message(el), predefined: false, at: this.at(el), element: el };
  }

  private readMap(el: XmlElement): ValueOrBitMap {
    const kind = el.local === 'bitMap' ? 'bitMap' : 'valueMap';
    const items: MapItem[] = [];
    for (const m of this.children(el, 'map')) {
      const value = this.num(m, 'value', 0xffffffff, true) ?? 0;
      const message = this.message(m);
      if (!message && !attr(m, 'message')) this.error('missingAttribute', `<map> needs a 'message' attribute`, m);
      items.push({ value, symbol: this.symbol(m), message: message ?? { stringId: '', at: this.at(m) }, at: this.at(m), element: m });
    }
    return { kind, name: this.required(el, 'name')?.value ?? '', symbol: this.symbol(el), items, at: this.at(el), element: el };
  }

  private readPatternMap(el: XmlElement): PatternMap {
    const items = this.children(el, 'map').map((m) => ({ name: this.required(m, 'name')?.value ?? '', value: this.required(m, 'value')?.value ?? '', at: this.at(m), element: m }));
    return { name: this.required(el, 'name')?.value ?? '', format: this.required(el, 'format')?.value ?? '', symbol: this.symbol(el), items, at: this.at(el), element: el };
  }

  // ---- templates ----

  private readTemplate(el: XmlElement, p: Provider): Template {
    const t: Template = { tid: this.required(el, 'tid')?.value ?? '', name: this.str(el, 'name'), fields: [], index: p.templates.length, at: this.at(el), element: el };
    const names: string[] = [];
    for (const c of childElements(el)) {
      if (c.uri !== EVENTS_NS) continue;
      if (c.local === 'data') t.fields.push(this.readData(c, p, names));
      else if (c.local === 'struct') t.fields.push(this.readStruct(c, p, names));
      else if (c.local === 'UserData') t.userData = c;
    }
    return t;
  }

  private readStruct(el: XmlElement, p: Provider, names: string[]): StructField {
    const name = this.required(el, 'name')?.value ?? '';
    const s: StructField = { kind: 'struct', name, count: this.size(el, 'count', names), length: this.size(el, 'length', names), fields: [], at: this.at(el), element: el };
    const inner: string[] = [];
    for (const c of this.children(el, 'data')) s.fields.push(this.readData(c, p, inner));
    names.push(name);
    return s;
  }

  private readData(el: XmlElement, p: Provider, names: string[]): DataField {
    const name = this.required(el, 'name')?.value ?? '';
    const inAttr = this.required(el, 'inType');
    const inType = inAttr ? this.inType(el, inAttr) : { text: '', name: '', value: 0 };
    const outAttr = attr(el, 'outType');
    const outType = outAttr ? this.outType(el, outAttr, inType) : undefined;
    const d: DataField = { kind: 'data', name, inType, outType, length: this.size(el, 'length', names), count: this.size(el, 'count', names), at: this.at(el), element: el };
    const mapName = this.str(el, 'map');
    if (mapName !== undefined) {
      d.mapName = mapName;
      d.map = p.maps.find((m) => m.name === mapName);
    }
    names.push(name);
    return d;
  }

  private inType(el: XmlElement, a: XmlAttribute): TypeRef {
    const q = this.qname(el, a.value);
    const local = q.startsWith('win:') ? q.slice(4) : undefined;
    const value = local !== undefined ? IN_TYPES[local] : undefined;
    if (value === undefined) {
      this.error('badValue', `inType="${a.value}" is not a known win: input type`, a);
      return { text: a.value, name: local ?? a.value, value: 0 };
    }
    return { text: a.value, name: local!, value };
  }

  private outType(el: XmlElement, a: XmlAttribute, inType: TypeRef): TypeRef | undefined {
    const i = a.value.indexOf(':');
    const uri = i < 0 ? undefined : el.namespaces[a.value.slice(0, i)];
    const local = a.value.slice(i + 1);
    // Manifests in the wild write `xs:HexInt64` for win:HexInt64; mc.exe accepts the local name.
    const key = uri === XS_NS && OUT_TYPES[`xs:${local}`] !== undefined ? `xs:${local}` : OUT_TYPES[`win:${local}`] !== undefined ? `win:${local}` : `xs:${local}`;
    const value = OUT_TYPES[key];
    if (value === undefined) {
      this.error('badValue', `outType="${a.value}" is not a known output type`, a);
      return undefined;
    }
    const fits = OUT_TYPES_OF[inType.name];
    if (fits && !fits.includes(key)) this.warn('typeMismatch', `outType ${a.value} does not fit inType ${inType.text} (it takes ${fits.join(', ')})`, a);
    return { text: a.value, name: local, value };
  }

  private size(el: XmlElement, name: 'length' | 'count', earlier: readonly string[]): SizeSpec | undefined {
    const a = attr(el, name);
    if (!a) return undefined;
    const n = parseNumber(a.value);
    if (n !== undefined) {
      if (n > 0xffffn) this.error('badValue', `${name}="${a.value}" is larger than 65535`, a);
      return { kind: 'fixed', value: Number(n), text: a.value };
    }
    const index = earlier.lastIndexOf(a.value);
    if (index < 0) this.error('badFieldReference', `${name}="${a.value}" names no earlier field of the template`, a);
    return { kind: 'field', name: a.value, index };
  }

  // ---- filters and events ----

  private readFilter(el: XmlElement, p: Provider): Filter {
    const tid = this.str(el, 'tid');
    const f: Filter = {
      name: this.qname(el, this.required(el, 'name')?.value ?? ''),
      value: this.num(el, 'value', 255, true) ?? 0,
      version: this.num(el, 'version', 255) ?? 0,
      symbol: this.symbol(el),
      tid,
      message: this.message(el),
      at: this.at(el),
      element: el,
    };
    if (tid !== undefined) {
      f.template = p.templates.find((t) => t.tid === tid);
      if (!f.template) this.error('undefinedReference', `filter '${f.name}' uses template '${tid}', which is not defined`, attr(el, 'tid')!);
    }
    return f;
  }

  /** Name → item lookups of a provider's lists, kept current as predefined items are adopted. */
  private indexes = new WeakMap<Provider, ProviderIndex>();

  private index(p: Provider): ProviderIndex {
    let ix = this.indexes.get(p);
    if (!ix) {
      const byName = <T extends { name: string }>(items: readonly T[]) => {
        const m = new Map<string, T>();
        for (const it of items) if (!m.has(it.name)) m.set(it.name, it);
        return m;
      };
      const templates = new Map<string, Template>();
      for (const t of p.templates) if (!templates.has(t.tid)) templates.set(t.tid, t);
      ix = { levels: byName(p.levels), tasks: byName(p.tasks), opcodes: byName(p.opcodes), keywords: byName(p.keywords), templates };
      this.indexes.set(p, ix);
    }
    return ix;
  }

  private find<T extends { name: string }>(map: Map<string, T>, list: T[], name: string, predefined: (n: string) => T | undefined): T | undefined {
    const hit = map.get(name);
    if (hit) return hit;
    const adopted = adopt(list, predefined(name));
    if (adopted) map.set(name, adopted);
    return adopted;
  }

  private readEvent(el: XmlElement, p: Provider): Event {
    const ix = this.index(p);
    const e: Event = {
      value: this.num(el, 'value', 0xffff, true) ?? 0,
      version: this.num(el, 'version', 255) ?? 0,
      symbol: this.symbol(el),
      name: this.str(el, 'name'),
      keywords: [],
      message: this.message(el),
      notLogged: this.bool(el, 'notLogged'),
      suppressProjection: this.bool(el, 'suppressProjection'),
      attributes: this.str(el, 'attributes'),
      index: p.events.length,
      at: this.at(el),
      element: el,
    };
    const ref = (name: string) => attr(el, name);
    // Only an error message needs it.
    const what = () => `event ${e.value}${e.version ? ` version ${e.version}` : ''}`;
    // A predefined (winmeta) item an event uses joins the provider's list on first use, as mc.exe
    // lists it in the template (docs/manifests.md, "Predefined items").
    const a = ref('channel');
    if (a) {
      e.channel = channelByIdOrName(p.channels, a.value) ?? importPredefinedChannel(p, a.value);
      if (!e.channel) this.error('undefinedReference', `${what()} uses channel '${a.value}', which is not defined or imported`, a);
    }
    const l = ref('level');
    if (l) {
      const name = this.qname(el, l.value);
      e.level = this.find(ix.levels, p.levels, name, predefinedLevel);
      if (!e.level) this.error('undefinedReference', `${what()} uses level '${l.value}', which is not defined`, l);
    }
    const t = ref('task');
    if (t) {
      const name = this.qname(el, t.value);
      e.task = this.find(ix.tasks, p.tasks, name, predefinedTask);
      if (!e.task) this.error('undefinedReference', `${what()} uses task '${t.value}', which is not defined`, t);
    }
    const o = ref('opcode');
    if (o) {
      const name = this.qname(el, o.value);
      e.opcode = e.task?.opcodes.find((x) => x.name === name) ?? this.find(ix.opcodes, p.opcodes, name, predefinedOpcode);
      if (!e.opcode) this.error('undefinedReference', `${what()} uses opcode '${o.value}', which is not defined${e.task ? ` for task '${e.task.name}' or the provider` : ''}`, o);
    }
    const k = ref('keywords');
    if (k) {
      for (const word of k.value.split(/\s+/).filter(Boolean)) {
        const name = this.qname(el, word);
        const kw = this.find(ix.keywords, p.keywords, name, predefinedKeyword);
        if (kw) e.keywords.push(kw);
        else this.error('undefinedReference', `${what()} uses keyword '${word}', which is not defined`, k);
      }
    }
    const tp = ref('template');
    if (tp) {
      e.template = ix.templates.get(tp.value);
      if (!e.template) this.error('undefinedReference', `${what()} uses template '${tp.value}', which is not defined`, tp);
    }
    return e;
  }

  // ---- cross-checks ----

  private resolveImportedChannels(manifest: Manifest): void {
    const defined = manifest.providers.flatMap((p) => p.channels.filter((c) => !c.imported));
    for (const p of manifest.providers) {
      for (const c of p.channels) {
        if (!c.imported || c.predefined) continue;
        // `<importChannel name chid>` names a Windows channel or one a provider of this manifest
        // defines, by its chid or name; Windows' own channels win (docs/manifests.md, "Channels").
        const id = c.chid ?? c.name;
        const win = winChannel(id) ?? winChannel(c.name);
        if (win) {
          c.predefined = true;
          c.value = win.value;
          c.type = win.type;
          c.isolation = win.isolation;
          c.message = { stringId: '', messageId: win.messageId, predefinedText: win.text, at: c.at };
          continue;
        }
        const other = defined.find((d) => d !== c && (d.chid === id || d.name === id || d.name === c.name));
        if (!other) {
          this.error('undefinedReference', `imported channel '${c.name}' is neither a Windows channel (System, Application, Security, …) nor defined by a provider of this manifest`, c.at);
          continue;
        }
        c.source = other;
        c.type = other.type;
        c.isolation = other.isolation;
        c.enabled = other.enabled;
        c.access = other.access;
      }
      let next = 16;
      for (const c of p.channels) {
        if (c.value >= 0) continue;
        while (p.channels.some((o) => o.value === next)) next++;
        c.value = next;
      }
    }
  }

  private checkProviders(manifest: Manifest): void {
    const unique = <T>(items: readonly T[], key: (t: T) => string | number | bigint | undefined, what: (t: T) => string, at: (t: T) => SourcePosition, kind: ManifestDiagnosticKind = 'duplicate') => {
      const seen = new Map<string | number | bigint, T>();
      for (const it of items) {
        const k = key(it);
        if (k === undefined) continue;
        const prev = seen.get(k);
        if (prev) this.error(kind, `${what(it)} (first at line ${at(prev).line})`, at(it));
        else seen.set(k, it);
      }
    };
    const pos = (x: { at: SourcePosition }) => x.at;
    unique(manifest.providers, (p) => p.name, (p) => `provider name '${p.name}' used twice`, pos);
    unique(manifest.providers, (p) => hexOf(p.guid.bytes), (p) => `provider GUID ${p.guid.text} used twice`, pos);
    if (manifest.providers.length > 16) this.error('tooManyProviders', `the manifest has ${manifest.providers.length} providers; mc.exe's automatic message ids cover 16`, manifest.providers[16]!.at);
    unique(manifest.providers, (p) => p.symbol || undefined, (p) => `provider symbol '${p.symbol}' used twice`, pos);
    for (const p of manifest.providers) {
      const symbols: { symbol: string; at: SourcePosition }[] = [];
      unique(p.channels, (c) => c.chid ?? c.name, (c) => `channel '${c.chid ?? c.name}' defined twice`, pos);
      unique(p.channels, (c) => c.value, (c) => `channel value ${c.value} used twice`, pos);
      unique(p.levels, (l) => l.name, (l) => `level '${l.name}' defined twice`, pos);
      unique(p.levels, (l) => l.value, (l) => `level value ${l.value} used twice`, pos);
      unique(p.opcodes, (o) => o.name, (o) => `opcode '${o.name}' defined twice`, pos);
      unique(p.opcodes, (o) => o.value, (o) => `opcode value ${o.value} used twice`, pos);
      unique(p.tasks, (t) => t.name, (t) => `task '${t.name}' defined twice`, pos);
      unique(p.tasks, (t) => t.value, (t) => `task value ${t.value} used twice`, pos);
      for (const t of p.tasks) {
        unique(t.opcodes, (o) => o.name, (o) => `opcode '${o.name}' defined twice in task '${t.name}'`, pos);
        unique(t.opcodes, (o) => o.value, (o) => `opcode value ${o.value} used twice in task '${t.name}'`, pos);
      }
      unique(p.keywords, (k) => k.name, (k) => `keyword '${k.name}' defined twice`, pos);
      unique(p.keywords, (k) => k.mask, (k) => `keyword mask 0x${k.mask.toString(16)} used twice`, pos);
      unique(p.maps, (m) => m.name, (m) => `map '${m.name}' defined twice`, pos);
      unique(p.templates, (t) => t.tid, (t) => `template '${t.tid}' defined twice`, pos);
      unique(p.events, (e) => e.value * 256 + e.version, (e) => `event ${e.value} version ${e.version} defined twice`, pos, 'duplicateEvent');
      for (const k of p.keywords) if (k.mask !== 0n && (k.mask & (k.mask - 1n)) !== 0n) this.error('badValue', `keyword '${k.name}' has mask 0x${k.mask.toString(16)}: a keyword is one bit`, k.at);
      for (const t of p.templates) this.checkMaps(t.fields, p);
      for (const x of [...p.channels, ...p.levels, ...p.opcodes, ...p.tasks, ...p.tasks.flatMap((t) => t.opcodes), ...p.keywords, ...p.maps, ...p.events])
        if (x.symbol && !('predefined' in x && x.predefined)) symbols.push({ symbol: x.symbol, at: x.at });
      unique(symbols, (s) => s.symbol, (s) => `symbol '${s.symbol}' used twice in provider '${p.name}'`, pos);
    }
  }

  private checkMaps(fields: readonly TemplateField[], p: Provider): void {
    for (const f of fields) {
      if (f.kind === 'struct') this.checkMaps(f.fields, p);
      else if (f.mapName !== undefined && !f.map) this.error('undefinedReference', `field '${f.name}' uses map '${f.mapName}', which is not defined`, attr(f.element!, 'map')!);
    }
  }
}

const NOWHERE = { line: 0, column: 0 };
const winMessage = (w: { messageId: number; text: string }): MessageRef | undefined =>
  w.messageId === 0xffffffff ? undefined : { stringId: '', messageId: w.messageId, predefinedText: w.text, at: NOWHERE };

function adopt<T>(list: T[], item: T | undefined): T | undefined {
  if (item !== undefined) list.push(item);
  return item;
}
function predefinedLevel(name: string): Level | undefined {
  const w = winLevel(name);
  return w && { name: w.name, value: w.value, symbol: w.symbol, message: winMessage(w), predefined: true, at: NOWHERE };
}
function predefinedTask(name: string): Task | undefined {
  const w = winTask(name);
  return w && { name: w.name, value: w.value, symbol: w.symbol, message: winMessage(w), opcodes: [], predefined: true, at: NOWHERE };
}
function predefinedOpcode(name: string): Opcode | undefined {
  const w = winOpcode(name);
  return w && { name: w.name, value: w.value, symbol: w.symbol, message: winMessage(w), predefined: true, at: NOWHERE };
}
function predefinedKeyword(name: string): Keyword | undefined {
  const w = winKeyword(name);
  return w && { name: w.name, mask: w.mask, symbol: w.symbol, message: winMessage(w), predefined: true, at: NOWHERE };
}

/** A provider's channel by chid or name: the first in document order that has either (corpus ReferenceChannels). */
function channelByIdOrName(channels: readonly Channel[], token: string): Channel | undefined {
  return channels.find((c) => c.chid === token || c.name === token);
}

/** A Windows channel an event names without importing it: imported on first use. */
function importPredefinedChannel(p: Provider, token: string): Channel | undefined {
  const w = winChannel(token);
  if (!w) return undefined;
  const c: Channel = {
    imported: true,
    predefined: true,
    implicit: true,
    name: w.name,
    chid: w.name,
    value: w.value,
    type: w.type,
    isolation: w.isolation,
    message: { stringId: '', messageId: w.messageId, predefinedText: w.text, at: NOWHERE },
    index: p.channels.length,
    at: NOWHERE,
  };
  p.channels.push(c);
  return c;
}

/** Decimal or 0x-hex, as the schema's number types allow; undefined when malformed. */
export function parseNumber(text: string): bigint | undefined {
  const s = text.trim();
  if (/^0[xX][0-9A-Fa-f]{1,16}$/.test(s)) return BigInt(s);
  if (/^[0-9]{1,20}$/.test(s)) return BigInt(s);
  return undefined;
}

/** `{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}` (braces optional) → Windows' GUID byte order. */
export function parseGuid(text: string): Guid | undefined {
  const m = /^\s*\{?([0-9A-Fa-f]{8})-([0-9A-Fa-f]{4})-([0-9A-Fa-f]{4})-([0-9A-Fa-f]{4})-([0-9A-Fa-f]{12})\}?\s*$/.exec(text);
  if (!m) return undefined;
  const bytes = new Uint8Array(16);
  const d1 = parseInt(m[1]!, 16);
  const d2 = parseInt(m[2]!, 16);
  const d3 = parseInt(m[3]!, 16);
  new DataView(bytes.buffer).setUint32(0, d1, true);
  new DataView(bytes.buffer).setUint16(4, d2, true);
  new DataView(bytes.buffer).setUint16(6, d3, true);
  const rest = m[4]! + m[5]!;
  for (let i = 0; i < 8; i++) bytes[8 + i] = parseInt(rest.slice(i * 2, i * 2 + 2), 16);
  return { text: text.trim(), bytes };
}

function hexOf(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
