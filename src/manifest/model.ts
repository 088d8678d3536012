// The resolved instrumentation manifest: what every generator (header, .rc, CRIM template,
// message tables, C#) reads. Built by parse.ts from the XML tree; references are resolved to
// the objects they name, predefined `win:` items (winmeta.ts) included, and message ids are
// assigned by message-ids.ts. Every item keeps where it was written, for diagnostics.

import type { SourcePosition, XmlElement } from './xml.js';

/** A reference to a localized string: `$(string.id)`, or a message id given outright. */
export interface MessageRef {
  /** The string table id (`id` of `<string>`), without `$(string.` and `)`. */
  stringId: string;
  /** The message id the item gets in the message tables (message-ids.ts; preset for predefined items). */
  messageId?: number;
  /** For a predefined (winmeta) item: the en-US text of Windows' own message (stringId is then ''). */
  predefinedText?: string;
  at: SourcePosition;
}

interface Item {
  at: SourcePosition;
  /** The element the item came from (generators that need the raw XML, e.g. the BinXML writer). */
  element?: XmlElement;
}

export interface Guid {
  /** As written in the manifest, braces included when written so. */
  text: string;
  /** The 16 bytes in Windows' in-memory (mixed-endian) order. */
  bytes: Uint8Array;
}

export type ChannelType = 'Admin' | 'Operational' | 'Analytic' | 'Debug';

export interface Channel extends Item {
  /** `<channel>` defined by this provider, or `<importChannel>` of a predefined/other channel. */
  imported: boolean;
  name: string;
  /** The `chid` attribute (references use it or the name); undefined when absent. */
  chid?: string;
  symbol?: string;
  /** The channel value written into events (attribute `value`, else assigned 16, 17, …; winmeta's for imported). */
  value: number;
  type?: ChannelType;
  enabled?: boolean;
  isolation?: string;
  access?: string;
  message?: MessageRef;
  /** A Windows channel (winmeta: System, Application, …), imported or named by an event. */
  predefined?: boolean;
  /** Added because an event named a Windows channel without an `<importChannel>` (appended to the list). */
  implicit?: boolean;
  /** For an `<importChannel>` of a channel another provider of the manifest defines: that channel. */
  source?: Channel;
  /** Index of the channel in the provider's channel list (document order). */
  index: number;
}

// Predefined (`win:`) levels, tasks, opcodes and keywords that events use are appended to their
// provider's list on first use, with `predefined: true` and their winmeta message; generators that
// write only the provider's own items skip them.

export interface Level extends Item {
  name: string;
  value: number;
  symbol?: string;
  message?: MessageRef;
  predefined: boolean;
}

export interface Task extends Item {
  name: string;
  value: number;
  symbol?: string;
  eventGuid?: Guid;
  message?: MessageRef;
  /** Task-specific opcodes (`<task><opcodes>`). */
  opcodes: Opcode[];
  predefined: boolean;
}

export interface Opcode extends Item {
  name: string;
  value: number;
  symbol?: string;
  message?: MessageRef;
  /** The task a task-specific opcode belongs to. */
  task?: Task;
  predefined: boolean;
}

export interface Keyword extends Item {
  name: string;
  mask: bigint;
  symbol?: string;
  message?: MessageRef;
  predefined: boolean;
}

export interface MapItem extends Item {
  value: number;
  symbol?: string;
  message: MessageRef;
}

export interface ValueOrBitMap extends Item {
  kind: 'valueMap' | 'bitMap';
  name: string;
  symbol?: string;
  items: MapItem[];
}

export interface PatternMapItem extends Item {
  name: string;
  value: string;
}

export interface PatternMap extends Item {
  name: string;
  format: string;
  symbol?: string;
  items: PatternMapItem[];
}

/** A count or length: a fixed number, or the name of an earlier field that holds it. */
export type SizeSpec = { kind: 'fixed'; value: number; text: string } | { kind: 'field'; name: string; index: number };

export interface DataField extends Item {
  kind: 'data';
  name: string;
  /** Qualified as written (`win:UInt32`), and resolved. */
  inType: TypeRef;
  outType?: TypeRef;
  map?: ValueOrBitMap;
  /** Name of the map as written, kept when the map is defined elsewhere (e.g. another provider). */
  mapName?: string;
  length?: SizeSpec;
  count?: SizeSpec;
}

export interface StructField extends Item {
  kind: 'struct';
  name: string;
  count?: SizeSpec;
  length?: SizeSpec;
  fields: DataField[];
}

export type TemplateField = DataField | StructField;

export interface TypeRef {
  /** As written: `win:UInt32`, `xs:unsignedInt`. */
  text: string;
  /** The local name after the prefix. */
  name: string;
  /** The numeric type code (inType: TDH_INTYPE_*, outType: TDH_OUTTYPE_*). */
  value: number;
}

export interface Template extends Item {
  tid: string;
  name?: string;
  /** The top-level fields in order. */
  fields: TemplateField[];
  /** The `<UserData>` child, kept as XML. */
  userData?: XmlElement;
  /** Index in the provider's template list. */
  index: number;
}

export interface Event extends Item {
  value: number;
  version: number;
  symbol?: string;
  name?: string;
  channel?: Channel;
  level?: Level;
  task?: Task;
  opcode?: Opcode;
  keywords: Keyword[];
  template?: Template;
  message?: MessageRef;
  notLogged?: boolean;
  suppressProjection?: boolean;
  /** The `attributes` attribute as written (`key=value;…`), v5 CRIM EVTA. */
  attributes?: string;
  /** Index in the provider's event list. */
  index: number;
}

export interface Filter extends Item {
  name: string;
  value: number;
  version: number;
  symbol?: string;
  tid?: string;
  template?: Template;
  message?: MessageRef;
}

export interface ProviderTraits extends Item {
  groupGuid?: Guid;
  includeName: boolean;
}

export interface Provider extends Item {
  /** Index in the manifest (document order); message ids embed it. */
  index: number;
  name: string;
  guid: Guid;
  symbol: string;
  resourceFileName?: string;
  messageFileName?: string;
  parameterFileName?: string;
  message?: MessageRef;
  namespace?: string;
  controlGuid?: Guid;
  traits?: ProviderTraits;
  channels: Channel[];
  levels: Level[];
  tasks: Task[];
  /** Provider-wide opcodes (task-specific ones are on their task). */
  opcodes: Opcode[];
  keywords: Keyword[];
  maps: ValueOrBitMap[];
  namedQueries: PatternMap[];
  templates: Template[];
  events: Event[];
  filters: Filter[];
}

export interface LocalizedString extends Item {
  id: string;
  value: string;
  stringType?: string;
}

export interface Resources extends Item {
  /** As written: `en-US`. */
  culture: string;
  /** The Windows LANGID of the culture (0x0409 for en-US). */
  languageId: number;
  strings: Map<string, LocalizedString>;
  /** Strings in document order. */
  stringList: LocalizedString[];
}

export interface Manifest {
  providers: Provider[];
  /** `<localization><resources>` in document order. */
  resources: Resources[];
  /** The root element, for generators that need the raw XML. */
  root: XmlElement;
}
