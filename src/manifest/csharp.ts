// The C# of mc.exe's `-cs NAMESPACE` (instance class) and `-css NAMESPACE` (static class): per
// provider a class holding an EventProviderVersionTwo, one EventDescriptor per event and an
// EventWrite<Event> method per event; then the EventProviderVersionTwo class with one
// Template<tid> method per template those methods use (docs/manifests-csharp-rc-build.md).
// The shape comes from the corpus (jytrace, -cs) and from public mc.exe -cs/-css outputs; what the
// corpus cannot confirm is listed in that document.

import { encodeAnsi } from '../mc/codepage.js';
import { loadTemplate, renderTemplate } from '../mc/render.js';
import { eventDescriptor, eventIdentifier, guidText, sanitizeIdentifier } from './codegen.js';
import type { ManifestGeneration } from './generation.js';
import type { DataField, Manifest, Template } from './model.js';

export interface ManifestCSharpOptions {
  /** The `-cs`/`-css` argument. */
  namespace: string;
  /** `-css`: a static class (static members, a static constructor, no Dispose). */
  staticClass: boolean;
  generation: ManifestGeneration;
  /** The output base name (`-z`, else the input's name without extension): the file is `<base>.cs`. */
  baseName: string;
  /** A handlebars template source in place of templates/manifest/csharp.cs.hbs. */
  template?: string;
  /** The ANSI code page the file is written in (names outside ASCII); 1252 when absent. */
  ansiCodepage?: number;
}

/** How a template field is passed to ETW: a string (pinned), a boolean (widened to int), a DateTime (as its FILETIME) or a value. */
export type CSharpFieldKind = 'string' | 'bool' | 'filetime' | 'value';

export interface CSharpField {
  index: number;
  name: string;
  /** The C# parameter type. */
  type: string;
  /** The type named in `sizeof(…)` for a value. */
  sizeType: string;
  kind: CSharpFieldKind;
  isString: boolean;
  isBool: boolean;
  isFiletime: boolean;
  isValue: boolean;
}

export interface CSharpTemplate {
  /** `Template<tid>`. */
  method: string;
  fields: CSharpField[];
  /** Comma-separated `a0 = Name, a1 = …` for the `fixed` statement; empty when no string field. */
  fixedDeclarations: string;
  /** The string fields with their `aN` pin, in order. */
  pinned: { index: number; pin: string }[];
  hasStrings: boolean;
}

export interface CSharpEvent {
  name: string;
  /** The template's fields cannot all be written from C# (mc.exe writes a comment instead of a method). */
  unsupported: boolean;
  /** No template: the event carries no data. */
  noData: boolean;
  /** One string field: written through EventProvider.WriteEvent(ref, string). */
  singleString: boolean;
  /** Written through a Template<tid> method of EventProviderVersionTwo. */
  viaTemplate: boolean;
  /** `string Module, string File` */
  parameters: string;
  /** `Module, File` */
  arguments: string;
  /** `, Module, File` after the descriptor in a template method call; empty for no data. */
  callArguments: string;
  templateMethod?: string;
}

export interface CSharpProvider {
  className: string;
  name: string;
  eventCount: number;
  guid: string;
  taskGuids: { name: string; guid: string }[];
  descriptors: { name: string; arguments: string }[];
  events: CSharpEvent[];
}

export interface ManifestCSharpModel {
  namespace: string;
  staticClass: boolean;
  generation: ManifestGeneration;
  /** `static ` for -css, else empty: put before members. */
  staticPrefix: string;
  /** The modifier of the descriptor and task GUID fields. */
  fieldModifier: string;
  providers: CSharpProvider[];
  templates: CSharpTemplate[];
}

interface CSharpType {
  type: string;
  sizeType: string;
  kind: CSharpFieldKind;
}

// inType → C# type. Confirmed by mc.exe outputs: UnicodeString, Int32, UInt32 (sizeof(int)),
// UInt16 (sizeof(short)), Int64, HexInt32, HexInt64 (signed), GUID, Boolean, FILETIME (DateTime);
// AnsiString unsupported. The others follow the same pattern and are unverified.
const CS_TYPES: Readonly<Record<string, CSharpType>> = {
  UnicodeString: { type: 'string', sizeType: 'char', kind: 'string' },
  Int8: { type: 'sbyte', sizeType: 'byte', kind: 'value' },
  UInt8: { type: 'byte', sizeType: 'byte', kind: 'value' },
  Int16: { type: 'short', sizeType: 'short', kind: 'value' },
  UInt16: { type: 'ushort', sizeType: 'short', kind: 'value' },
  Int32: { type: 'int', sizeType: 'int', kind: 'value' },
  UInt32: { type: 'uint', sizeType: 'int', kind: 'value' },
  HexInt32: { type: 'int', sizeType: 'int', kind: 'value' },
  Int64: { type: 'long', sizeType: 'long', kind: 'value' },
  UInt64: { type: 'ulong', sizeType: 'long', kind: 'value' },
  HexInt64: { type: 'long', sizeType: 'long', kind: 'value' },
  Float: { type: 'float', sizeType: 'float', kind: 'value' },
  Double: { type: 'double', sizeType: 'double', kind: 'value' },
  Boolean: { type: 'bool', sizeType: 'int', kind: 'bool' },
  FILETIME: { type: 'DateTime', sizeType: 'long', kind: 'filetime' },
  GUID: { type: 'Guid', sizeType: 'Guid', kind: 'value' },
  Pointer: { type: 'IntPtr', sizeType: 'IntPtr', kind: 'value' },
};

const EMPTY_TEMPLATE = 'TemplateEventDescriptor';

const identifier = sanitizeIdentifier;

const hex = (n: number | bigint): string => `0x${n.toString(16)}`;

// Arrays and sized fields are not written from C# (unverified: the corpus has none).
function fieldType(f: DataField): CSharpType | undefined {
  if (f.count || f.length) return undefined;
  return CS_TYPES[f.inType.name];
}

function templateFields(t: Template): CSharpField[] | undefined {
  const out: CSharpField[] = [];
  for (const [index, f] of t.fields.entries()) {
    if (f.kind !== 'data') return undefined;
    const ct = fieldType(f);
    if (!ct) return undefined;
    out.push({ index, name: identifier(f.name), type: ct.type, sizeType: ct.sizeType, kind: ct.kind, isString: ct.kind === 'string', isBool: ct.kind === 'bool', isFiletime: ct.kind === 'filetime', isValue: ct.kind === 'value' });
  }
  return out;
}

function isSingleString(t: Template, fields: CSharpField[]): boolean {
  const f = t.fields[0];
  return fields.length === 1 && fields[0]!.isString && f?.kind === 'data' && (f.outType === undefined || f.outType.name === 'string');
}

export function manifestCSharpModel(manifest: Manifest, opts: ManifestCSharpOptions): ManifestCSharpModel {
  const templates: CSharpTemplate[] = [];
  const templateByKey = new Map<Template, CSharpTemplate>();
  const usedTemplates = new Set<Template>();
  let needsEmpty = false;
  const providers: CSharpProvider[] = manifest.providers.map((p) => {
    const events: CSharpEvent[] = p.events.map((e) => {
      const name = eventIdentifier(e, p);
      const base = { name, unsupported: false, noData: false, singleString: false, viaTemplate: false, parameters: '', arguments: '', callArguments: '' };
      // No data: through a template method without fields, named as the older C header names its
      // function for such events (unverified).
      if (!e.template || e.template.fields.length === 0) {
        needsEmpty = true;
        return { ...base, noData: true, viaTemplate: true, templateMethod: EMPTY_TEMPLATE };
      }
      const fields = templateFields(e.template);
      if (!fields) return { ...base, unsupported: true };
      const parameters = fields.map((f) => `${f.type} ${f.name}`).join(', ');
      const args = fields.map((f) => f.name).join(', ');
      if (isSingleString(e.template, fields)) return { ...base, singleString: true, parameters, arguments: args };
      usedTemplates.add(e.template);
      return { ...base, viaTemplate: true, parameters, arguments: args, callArguments: `, ${args}`, templateMethod: `Template${identifier(e.template.tid)}` };
    });
    return {
      className: identifier(p.symbol),
      name: p.name,
      eventCount: p.events.length,
      guid: guidText(p.guid),
      taskGuids: p.tasks.filter((t) => t.eventGuid).map((t) => ({ name: `${identifier(t.name)}Id`, guid: guidText(t.eventGuid!) })),
      descriptors: p.events.map((e) => {
        const d = eventDescriptor(e, p);
        return { name: eventIdentifier(e, p), arguments: `${[d.value, d.version, d.channel, d.level, d.opcode, d.task].map(hex).join(', ')}, (long)${hex(d.keyword)}` };
      }),
      events,
    };
  });
  if (needsEmpty) templates.push({ method: EMPTY_TEMPLATE, fields: [], fixedDeclarations: '', pinned: [], hasStrings: false });
  // The template methods in the providers' template order, each once; a second provider's
  // template of the same tid and field types shares the first one's method.
  const signatures = new Set<string>();
  for (const p of manifest.providers) {
    for (const t of p.templates) {
      if (!usedTemplates.has(t) || templateByKey.has(t)) continue;
      const fields = templateFields(t)!;
      const signature = `${identifier(t.tid)}(${fields.map((f) => f.type).join(',')})`;
      if (signatures.has(signature)) continue;
      signatures.add(signature);
      const strings = fields.filter((f) => f.isString);
      const ct: CSharpTemplate = {
        method: `Template${identifier(t.tid)}`,
        fields,
        fixedDeclarations: strings.map((f, i) => `a${i} = ${f.name}`).join(', '),
        pinned: strings.map((f, i) => ({ index: f.index, pin: `a${i}` })),
        hasStrings: strings.length > 0,
      };
      templateByKey.set(t, ct);
      templates.push(ct);
    }
  }
  return {
    namespace: opts.namespace,
    staticClass: opts.staticClass,
    generation: opts.generation,
    staticPrefix: opts.staticClass ? 'static ' : '',
    fieldModifier: opts.staticClass ? 'private static' : 'protected',
    providers,
    templates,
  };
}

export function renderManifestCSharp(manifest: Manifest, opts: ManifestCSharpOptions): { name: string; bytes: Uint8Array } {
  const source = opts.template ?? loadTemplate('manifest/csharp.cs.hbs');
  const text = renderTemplate(source, manifestCSharpModel(manifest, opts));
  return { name: `${opts.baseName}.cs`, bytes: encodeAnsi(text, opts.ansiCodepage ?? 1252) };
}
