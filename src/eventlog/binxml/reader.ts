// Binary XML as written into EVTX chunks (MS-EVEN6 §2.2.12, libevtx "Binary XML" notes).
//
// A record's event is a binary XML fragment that almost always consists of one template
// instance: a reference to a template definition stored once per chunk plus an array of typed
// substitution values. Names and template definitions are addressed by offsets relative to the
// chunk, so every read here goes through a ChunkContext that owns the 64 KiB chunk bytes and
// caches the names and templates already parsed in it.
//
// The reader turns a fragment into a small element tree whose leaves keep their binary types
// (a string array stays an array, a FILETIME stays a bigint), so the event model can take what
// it needs without going through XML text.

import { readerFormatError } from '../../binary/errors.js';
import { decodeUtf16leText, escapeText, formatGuid, toHexUpper } from '../../binary/codec.js';
import { ByteReader } from '../../binary/reader.js';

/** Malformed binary XML: a FormatError with format 'BinXML' whose offset is in its chunk. */
export class BinXmlError extends readerFormatError('BinXML', 'BinXmlError', atChunkOffset) {}

function atChunkOffset(offset: number): string {
  return ` at chunk offset 0x${offset.toString(16)}`;
}

export const TOKEN = {
  EOF: 0x00,
  OPEN_START_ELEMENT: 0x01,
  CLOSE_START_ELEMENT: 0x02,
  CLOSE_EMPTY_ELEMENT: 0x03,
  END_ELEMENT: 0x04,
  VALUE: 0x05,
  ATTRIBUTE: 0x06,
  CDATA: 0x07,
  CHAR_REF: 0x08,
  ENTITY_REF: 0x09,
  PI_TARGET: 0x0a,
  PI_DATA: 0x0b,
  TEMPLATE_INSTANCE: 0x0c,
  NORMAL_SUBSTITUTION: 0x0d,
  OPTIONAL_SUBSTITUTION: 0x0e,
  FRAGMENT_HEADER: 0x0f,
} as const;

/** Bit set on element, attribute, value and reference tokens: "has attributes" / "more follow". */
const MORE_FLAG = 0x40;

export const VALUE_TYPE = {
  NULL: 0x00,
  STRING: 0x01,
  ANSI_STRING: 0x02,
  INT8: 0x03,
  UINT8: 0x04,
  INT16: 0x05,
  UINT16: 0x06,
  INT32: 0x07,
  UINT32: 0x08,
  INT64: 0x09,
  UINT64: 0x0a,
  REAL32: 0x0b,
  REAL64: 0x0c,
  BOOL: 0x0d,
  BINARY: 0x0e,
  GUID: 0x0f,
  SIZE_T: 0x10,
  FILETIME: 0x11,
  SYSTEMTIME: 0x12,
  SID: 0x13,
  HEX_INT32: 0x14,
  HEX_INT64: 0x15,
  EVT_HANDLE: 0x20,
  BINXML: 0x21,
  EVT_XML: 0x23,
  ARRAY: 0x80,
} as const;

export type ScalarValue = string | number | bigint | boolean | Uint8Array | null;

/** A typed leaf: a literal value token or a substitution value after template instantiation. */
export interface XmlValue {
  kind: 'value';
  type: number;
  value: ScalarValue | ScalarValue[];
}

export interface XmlElement {
  kind: 'element';
  name: string;
  attributes: XmlAttribute[];
  children: XmlNode[];
}

export interface XmlAttribute {
  name: string;
  value: XmlNode[];
}

export interface XmlSubstitution {
  kind: 'substitution';
  index: number;
  type: number;
  optional: boolean;
}

export interface XmlCharRef {
  kind: 'charref';
  code: number;
}

export interface XmlEntityRef {
  kind: 'entityref';
  name: string;
}

export interface XmlProcessingInstruction {
  kind: 'pi';
  target: string;
  data: string;
}

export type XmlNode = XmlElement | XmlValue | XmlSubstitution | XmlCharRef | XmlEntityRef | XmlProcessingInstruction;

interface TemplateDefinition {
  /** The template's body with unresolved substitutions. */
  body: XmlNode[];
  /** Bytes of the definition: 24-byte header plus the fragment. */
  size: number;
  /** How deep the body's elements nest (its template instances expanded). */
  depth: number;
}

/**
 * How deep elements, template instances and nested BinXML values may nest. Real events nest a
 * handful of levels; a 64 KiB chunk could encode thousands, enough to exhaust the stack.
 */
export const BINXML_MAX_DEPTH = 96;
/**
 * Most nodes the records of one chunk may expand to. A template may instantiate other templates,
 * each of them several times: without a budget a few hundred bytes could expand exponentially,
 * and every record of the chunk could instantiate the largest again; a BinXML value substituted
 * many times counts its whole tree each time, and a value one node per 256 bytes beyond its own.
 * The corpus chunks expand to at most 6,766 nodes.
 */
export const BINXML_MAX_NODES = 1 << 17;

/**
 * The chunk that a fragment lives in. Names and template definitions are cached by their chunk
 * offset; both caches die with the chunk, which bounds memory to one chunk's worth.
 */
export class ChunkContext {
  readonly view: DataView;
  /** Every read of the chunk is bounds-checked here; offsets are chunk offsets. */
  readonly reader: ByteReader;
  private readonly names = new Map<number, string>();
  private readonly templates = new Map<number, TemplateDefinition>();
  /** Template definitions being parsed: one that uses itself, directly or not, is a cycle. */
  private readonly parsing = new Set<number>();
  /** Current nesting of elements, template instances and BinXML values. */
  private depth = 0;
  /** Nodes left in the budget of the chunk (see BINXML_MAX_NODES). */
  private budget = BINXML_MAX_NODES;

  constructor(readonly bytes: Uint8Array) {
    this.reader = new ByteReader(bytes, {
      format: 'BinXML',
      error: (detail, offset, structure) => new BinXmlError(detail, offset, structure),
      short: (what, length) => `${what} of ${length} bytes runs past the end of the chunk`,
    });
    this.view = this.reader.view;
  }

  /** Name structure: next offset u32, hash u16, character count u16, UTF-16 characters, NUL. */
  name(offset: number): { name: string; size: number } {
    const count = this.u16(offset + 6);
    const size = 8 + count * 2 + 2;
    let name = this.names.get(offset);
    if (name === undefined) {
      name = this.utf16(offset + 8, count * 2);
      this.names.set(offset, name);
    }
    return { name, size };
  }

  template(offset: number, usedAt: number): TemplateDefinition {
    let def = this.templates.get(offset);
    if (def === undefined) {
      if (this.parsing.has(offset)) {
        throw new BinXmlError(`template instance uses the template definition at chunk offset 0x${offset.toString(16)}, which is being defined (a template cycle)`, usedAt, 'template instance');
      }
      // Definition header: next offset u32, GUID (16 bytes), data size u32, then the fragment.
      const size = 24 + this.u32(offset + 20);
      this.need(offset, size, 'template definition');
      this.parsing.add(offset);
      try {
        const body = new BinXmlReader(this, offset + 24, offset + size, true).readFragment();
        def = { body, size, depth: treeDepth(body) };
      } finally {
        this.parsing.delete(offset);
      }
      this.templates.set(offset, def);
    }
    return def;
  }

  /** Starts a record (the node budget is the chunk's; templates already parsed stay cached). */
  startRecord(): void {
    this.depth = 0;
  }

  /** One level deeper at `at`; throws past BINXML_MAX_DEPTH. Pair with `leave`. */
  enter(at: number, structure: string): void {
    if (++this.depth > BINXML_MAX_DEPTH) {
      this.depth = 0;
      throw new BinXmlError(`${structure} nested deeper than ${BINXML_MAX_DEPTH} levels`, at, structure);
    }
  }

  leave(): void {
    if (this.depth > 0) this.depth--;
  }

  /** Throws unless a tree `depth` levels deep fits under the current nesting. */
  fits(depth: number, at: number, structure: string): void {
    if (this.depth + depth > BINXML_MAX_DEPTH) {
      this.depth = 0;
      throw new BinXmlError(`${structure} nested deeper than ${BINXML_MAX_DEPTH} levels`, at, structure);
    }
  }

  /** Takes `n` nodes from the record's budget; throws when it runs out. */
  spend(n: number, at: number): void {
    this.budget -= n;
    if (this.budget < 0) {
      throw new BinXmlError(`the chunk's records expand to more than ${BINXML_MAX_NODES} nodes (templates instantiated inside templates)`, at, 'template instance');
    }
  }

  need(offset: number, length: number, what: string): void {
    this.reader.need(offset, length, what);
  }

  u8(offset: number): number {
    return this.reader.u8(offset, 'byte');
  }

  u16(offset: number): number {
    return this.reader.u16(offset, 'u16');
  }

  u32(offset: number): number {
    return this.reader.u32(offset, 'u32');
  }

  utf16(offset: number, byteLength: number): string {
    this.need(offset, byteLength, 'UTF-16 string');
    return decodeUtf16(this.bytes.subarray(offset, offset + (byteLength & ~1)));
  }
}

const latin1Decoder = new TextDecoder('latin1');

/** UTF-16LE as text, lone surrogates replaced (the shared codec's decodeUtf16leText). */
export const decodeUtf16 = decodeUtf16leText;

/** Reads tokens from [pos, end) of a chunk. */
class BinXmlReader {
  /**
   * @param dependencyIds whether element start tokens carry a dependency id (u16): they do in
   * template definitions, not in elements written directly into a record or into a BinXML
   * substitution value (events forwarded or written without a template; docs/events.md).
   */
  constructor(
    private readonly chunk: ChunkContext,
    public pos: number,
    private readonly end: number,
    private readonly dependencyIds: boolean,
  ) {}

  /** A fragment: optional fragment header, then an element or a template instance, then EOF. */
  readFragment(): XmlNode[] {
    const nodes: XmlNode[] = [];
    while (this.pos < this.end) {
      const token = this.chunk.u8(this.pos);
      const base = token & ~MORE_FLAG;
      if (base === TOKEN.EOF) {
        this.pos++;
        break;
      } else if (base === TOKEN.FRAGMENT_HEADER) {
        this.pos += 4; // token, major version, minor version, flags
      } else if (base === TOKEN.OPEN_START_ELEMENT) {
        nodes.push(this.readElement());
      } else if (base === TOKEN.TEMPLATE_INSTANCE) {
        nodes.push(...this.readTemplateInstance());
      } else if (base === TOKEN.PI_TARGET) {
        nodes.push(this.readProcessingInstruction());
      } else {
        throw new BinXmlError(`unexpected token 0x${token.toString(16).padStart(2, '0')} in fragment`, this.pos, 'fragment');
      }
    }
    return nodes;
  }

  private readName(offset: number, at: number): string {
    const { name, size } = this.chunk.name(offset);
    // The first use of a name in a chunk stores it inline, right where its offset points.
    if (offset === at) this.pos = at + size;
    return name;
  }

  private readElement(): XmlElement {
    const start = this.pos;
    this.chunk.enter(start, 'element');
    try {
      return this.readElementBody(start);
    } finally {
      this.chunk.leave();
    }
  }

  private readElementBody(start: number): XmlElement {
    const token = this.chunk.u8(start);
    // token u8, [dependency id u16,] data size u32, name offset u32
    const nameAt = start + (this.dependencyIds ? 7 : 5);
    const nameOffset = this.chunk.u32(nameAt);
    this.pos = nameAt + 4;
    const name = this.readName(nameOffset, this.pos);
    const shown = escapeText(name);
    this.chunk.spend(1, start);
    const element: XmlElement = { kind: 'element', name, attributes: [], children: [] };
    if (token & MORE_FLAG) {
      const listSize = this.chunk.u32(this.pos);
      this.pos += 4;
      const listEnd = this.pos + listSize;
      while (this.pos < listEnd) {
        const attrToken = this.chunk.u8(this.pos);
        if ((attrToken & ~MORE_FLAG) !== TOKEN.ATTRIBUTE) break;
        const attrNameOffset = this.chunk.u32(this.pos + 1);
        this.pos += 5;
        const attrName = this.readName(attrNameOffset, this.pos);
        element.attributes.push({ name: attrName, value: this.readAttributeValue() });
        if (!(attrToken & MORE_FLAG)) break;
      }
    }
    const close = this.chunk.u8(this.pos);
    if (close === TOKEN.CLOSE_EMPTY_ELEMENT) {
      this.pos++;
      return element;
    }
    if (close !== TOKEN.CLOSE_START_ELEMENT) {
      throw new BinXmlError(`element <${shown}>: expected close-start token, found 0x${close.toString(16)}`, this.pos, 'element');
    }
    this.pos++;
    for (;;) {
      if (this.pos >= this.end) throw new BinXmlError(`element <${shown}> is not closed`, this.pos, 'element');
      const t = this.chunk.u8(this.pos);
      const base = t & ~MORE_FLAG;
      if (base === TOKEN.END_ELEMENT) {
        this.pos++;
        return element;
      }
      if (base === TOKEN.OPEN_START_ELEMENT) element.children.push(this.readElement());
      else if (base === TOKEN.PI_TARGET) element.children.push(this.readProcessingInstruction());
      else element.children.push(this.readContentItem(`element <${shown}>`));
    }
  }

  /** Attribute values are one or more value, substitution or reference tokens. */
  private readAttributeValue(): XmlNode[] {
    const nodes: XmlNode[] = [];
    for (;;) {
      const t = this.chunk.u8(this.pos) & ~MORE_FLAG;
      if (
        t !== TOKEN.VALUE &&
        t !== TOKEN.NORMAL_SUBSTITUTION &&
        t !== TOKEN.OPTIONAL_SUBSTITUTION &&
        t !== TOKEN.CHAR_REF &&
        t !== TOKEN.ENTITY_REF
      ) {
        return nodes;
      }
      nodes.push(this.readContentItem('attribute'));
    }
  }

  private readContentItem(where: string): XmlNode {
    const at = this.pos;
    const token = this.chunk.u8(at);
    switch (token & ~MORE_FLAG) {
      case TOKEN.VALUE: {
        const type = this.chunk.u8(at + 1);
        if (type !== VALUE_TYPE.STRING) {
          throw new BinXmlError(`${where}: value token of type 0x${type.toString(16)} (only strings are defined)`, at, 'value');
        }
        const count = this.chunk.u16(at + 2);
        this.pos = at + 4 + count * 2;
        return { kind: 'value', type, value: this.chunk.utf16(at + 4, count * 2) };
      }
      case TOKEN.CDATA: {
        const count = this.chunk.u16(at + 1);
        this.pos = at + 3 + count * 2;
        return { kind: 'value', type: VALUE_TYPE.STRING, value: this.chunk.utf16(at + 3, count * 2) };
      }
      case TOKEN.CHAR_REF:
        this.pos = at + 3;
        return { kind: 'charref', code: this.chunk.u16(at + 1) };
      case TOKEN.ENTITY_REF: {
        this.pos = at + 5;
        return { kind: 'entityref', name: this.readName(this.chunk.u32(at + 1), this.pos) };
      }
      case TOKEN.NORMAL_SUBSTITUTION:
      case TOKEN.OPTIONAL_SUBSTITUTION:
        this.pos = at + 4;
        return {
          kind: 'substitution',
          index: this.chunk.u16(at + 1),
          type: this.chunk.u8(at + 3),
          optional: (token & ~MORE_FLAG) === TOKEN.OPTIONAL_SUBSTITUTION,
        };
      case TOKEN.TEMPLATE_INSTANCE: {
        const nodes = this.readTemplateInstance();
        if (nodes.length === 1) return nodes[0]!;
        return { kind: 'element', name: '', attributes: [], children: nodes };
      }
      default:
        throw new BinXmlError(`${where}: unexpected token 0x${token.toString(16).padStart(2, '0')}`, at, where === 'attribute' ? 'attribute' : 'element');
    }
  }

  private readProcessingInstruction(): XmlProcessingInstruction {
    // token u8, name offset u32; the name follows inline only on its first use in the chunk.
    const at = this.pos;
    this.pos = at + 5;
    this.chunk.spend(1, at);
    const target = this.readName(this.chunk.u32(at + 1), at + 5);
    if (this.pos < this.end && this.chunk.u8(this.pos) === TOKEN.PI_DATA) {
      const count = this.chunk.u16(this.pos + 1);
      const data = this.chunk.utf16(this.pos + 3, count * 2);
      this.pos += 3 + count * 2;
      return { kind: 'pi', target, data };
    }
    return { kind: 'pi', target, data: '' };
  }

  /**
   * Template instance: token u8, unknown u8, template id u32, definition offset u32, the
   * definition itself when it is stored inline, then the value count u32, one descriptor
   * (size u16, type u8, padding u8) per value, and the values back to back.
   */
  private readTemplateInstance(): XmlNode[] {
    const at = this.pos;
    this.chunk.enter(at, 'template instance');
    try {
      return this.readTemplateInstanceBody(at);
    } finally {
      this.chunk.leave();
    }
  }

  private readTemplateInstanceBody(at: number): XmlNode[] {
    const defOffset = this.chunk.u32(at + 6);
    this.pos = at + 10;
    const def = this.chunk.template(defOffset, at);
    this.chunk.fits(def.depth, at, 'template instance');
    if (defOffset === this.pos) this.pos += def.size;
    const count = this.chunk.u32(this.pos);
    this.pos += 4;
    this.chunk.need(this.pos, count * 4, `template instance with ${count} values`);
    const values: SubstitutionValue[] = [];
    let data = this.pos + count * 4;
    for (let i = 0; i < count; i++) {
      const size = this.chunk.u16(this.pos + i * 4);
      const type = this.chunk.u8(this.pos + i * 4 + 2);
      this.chunk.need(data, size, `substitution value ${i}`);
      values.push(this.readSubstitutionValue(type, data, size));
      data += size;
    }
    this.pos = data;
    return instantiate(def.body, values, false, (n) => this.chunk.spend(n, at));
  }

  private readSubstitutionValue(type: number, offset: number, size: number): SubstitutionValue {
    if (type === VALUE_TYPE.BINXML) {
      this.chunk.enter(offset, 'BinXML substitution value');
      try {
        return { kind: 'fragment', nodes: new BinXmlReader(this.chunk, offset, offset + size, false).readFragment() };
      } finally {
        this.chunk.leave();
      }
    }
    return { kind: 'value', type, value: decodeValueAt(this.chunk.view, offset, size, type) };
  }
}

/** Parses the binary XML fragment at [offset, end) of a chunk into nodes. */
export function readBinXml(chunk: ChunkContext, offset: number, end: number): XmlNode[] {
  chunk.startRecord();
  return new BinXmlReader(chunk, offset, end, false).readFragment();
}

/** A substitution value: a typed leaf, or a nested binary XML fragment (type 0x21). */
type SubstitutionValue = XmlValue | { kind: 'fragment'; nodes: XmlNode[] };

/**
 * Replaces every substitution of a template body by its value; a nested binary XML value is
 * spliced in as nodes. An attribute whose optional substitution is null disappears (the way
 * `<Security UserID=…>` loses its attribute when there is no SID). In element content a null
 * stays as a NULL value, so that "no value" (a classic event without strings) can be told
 * apart from an empty string.
 */
function instantiate(body: readonly XmlNode[], values: readonly SubstitutionValue[], inAttribute: boolean, spend: (n: number) => void): XmlNode[] {
  const out: XmlNode[] = [];
  spend(body.length);
  for (const node of body) {
    if (node.kind === 'substitution') {
      const v = values[node.index];
      if (v === undefined || (v.kind === 'value' && v.type === VALUE_TYPE.NULL)) {
        if (!(inAttribute && node.optional)) out.push({ kind: 'value', type: VALUE_TYPE.NULL, value: null });
        continue;
      }
      if (v.kind === 'fragment') {
        // A fragment value is shared, not copied, but whoever walks the result walks it once per
        // substitution that uses it: its whole tree counts each time.
        spend(treeWeight(v.nodes));
        out.push(...v.nodes);
      } else if (!(inAttribute && node.optional && isEmptyValue(v))) {
        spend(valueWeight(v));
        out.push(v);
      }
    } else if (node.kind === 'element') {
      const attributes: XmlAttribute[] = [];
      for (const a of node.attributes) {
        const value = instantiate(a.value, values, true, spend);
        if (value.length > 0) attributes.push({ name: a.name, value });
      }
      out.push({ kind: 'element', name: node.name, attributes, children: instantiate(node.children, values, false, spend) });
    } else {
      out.push(node);
    }
  }
  return out;
}

/** What a value adds to the budget beyond its node: one per 256 bytes of it (a string's UTF-16). */
function valueWeight(v: XmlValue): number {
  const bytes = (x: ScalarValue): number => (typeof x === 'string' ? x.length * 2 : x instanceof Uint8Array ? x.length : 8);
  const total = Array.isArray(v.value) ? v.value.reduce((sum: number, x) => sum + bytes(x), 0) : bytes(v.value);
  return total >> 8;
}

const treeWeights = new WeakMap<readonly XmlNode[], number>();
/** The nodes of a tree, every element, attribute value and child, with its values' weights. */
function treeWeight(nodes: readonly XmlNode[]): number {
  let w = treeWeights.get(nodes);
  if (w !== undefined) return w;
  w = nodes.length;
  for (const n of nodes) {
    if (n.kind === 'element') {
      for (const a of n.attributes) w += treeWeight(a.value);
      w += treeWeight(n.children);
    } else if (n.kind === 'value') {
      w += valueWeight(n);
    }
  }
  treeWeights.set(nodes, w);
  return w;
}

/** Levels of element nesting in `nodes` (bounded: every tree is built under BINXML_MAX_DEPTH). */
function treeDepth(nodes: readonly XmlNode[]): number {
  let depth = 0;
  for (const n of nodes) {
    if (n.kind !== 'element') continue;
    let d = treeDepth(n.children);
    for (const a of n.attributes) d = Math.max(d, treeDepth(a.value));
    depth = Math.max(depth, d + 1);
  }
  return depth;
}

function isEmptyValue(v: XmlValue): boolean {
  return v.value === null || (v.type === VALUE_TYPE.STRING && v.value === '');
}

function trimNuls(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0) end--;
  return end === s.length ? s : s.slice(0, end);
}

const FIXED_SIZE: Record<number, number> = {
  [VALUE_TYPE.INT8]: 1,
  [VALUE_TYPE.UINT8]: 1,
  [VALUE_TYPE.INT16]: 2,
  [VALUE_TYPE.UINT16]: 2,
  [VALUE_TYPE.INT32]: 4,
  [VALUE_TYPE.UINT32]: 4,
  [VALUE_TYPE.INT64]: 8,
  [VALUE_TYPE.UINT64]: 8,
  [VALUE_TYPE.REAL32]: 4,
  [VALUE_TYPE.REAL64]: 8,
  [VALUE_TYPE.BOOL]: 4,
  [VALUE_TYPE.GUID]: 16,
  [VALUE_TYPE.FILETIME]: 8,
  [VALUE_TYPE.SYSTEMTIME]: 16,
  [VALUE_TYPE.HEX_INT32]: 4,
  [VALUE_TYPE.HEX_INT64]: 8,
};

/** Decodes a substitution value of the given type from exactly its bytes. */
export function decodeValue(type: number, bytes: Uint8Array): ScalarValue | ScalarValue[] {
  return decodeValueAt(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), 0, bytes.length, type);
}

function decodeValueAt(view: DataView, offset: number, size: number, type: number): ScalarValue | ScalarValue[] {
  const bytes = new Uint8Array(view.buffer, view.byteOffset + offset, size);
  if (type & VALUE_TYPE.ARRAY) {
    const base = type & ~VALUE_TYPE.ARRAY;
    if (base === VALUE_TYPE.STRING) {
      // NUL-terminated strings back to back; an empty item is a lone NUL and must survive.
      if (size < 2) return [];
      const text = decodeUtf16(bytes.subarray(0, size & ~1));
      return (text.endsWith('\0') ? text.slice(0, -1) : text).split('\0');
    }
    if (base === VALUE_TYPE.ANSI_STRING) {
      if (size === 0) return [];
      const text = latin1Decoder.decode(bytes);
      return (text.endsWith('\0') ? text.slice(0, -1) : text).split('\0');
    }
    const itemSize = FIXED_SIZE[base] ?? (base === VALUE_TYPE.SIZE_T ? 8 : 0);
    if (itemSize === 0) return [bytes.slice()];
    const items: ScalarValue[] = [];
    for (let o = 0; o + itemSize <= size; o += itemSize) items.push(decodeScalar(view, offset + o, itemSize, base));
    return items;
  }
  return decodeScalar(view, offset, size, type);
}

function decodeScalar(view: DataView, offset: number, size: number, type: number): ScalarValue {
  const need = FIXED_SIZE[type];
  const bytes = () => new Uint8Array(view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + size));
  if (need !== undefined && size < need) return bytes();
  switch (type) {
    case VALUE_TYPE.NULL:
      return null;
    case VALUE_TYPE.STRING:
      return trimNuls(decodeUtf16(new Uint8Array(view.buffer, view.byteOffset + offset, size & ~1)));
    case VALUE_TYPE.ANSI_STRING:
      return trimNuls(latin1Decoder.decode(new Uint8Array(view.buffer, view.byteOffset + offset, size)));
    case VALUE_TYPE.INT8:
      return view.getInt8(offset);
    case VALUE_TYPE.UINT8:
      return view.getUint8(offset);
    case VALUE_TYPE.INT16:
      return view.getInt16(offset, true);
    case VALUE_TYPE.UINT16:
      return view.getUint16(offset, true);
    case VALUE_TYPE.INT32:
      return view.getInt32(offset, true);
    case VALUE_TYPE.UINT32:
    case VALUE_TYPE.HEX_INT32:
      return view.getUint32(offset, true);
    case VALUE_TYPE.INT64:
      return view.getBigInt64(offset, true);
    case VALUE_TYPE.UINT64:
    case VALUE_TYPE.HEX_INT64:
    case VALUE_TYPE.FILETIME:
      return view.getBigUint64(offset, true);
    case VALUE_TYPE.REAL32:
      return view.getFloat32(offset, true);
    case VALUE_TYPE.REAL64:
      return view.getFloat64(offset, true);
    case VALUE_TYPE.BOOL:
      return view.getUint32(offset, true) !== 0;
    case VALUE_TYPE.SIZE_T:
      if (size === 4) return view.getUint32(offset, true);
      if (size === 8) return view.getBigUint64(offset, true);
      return bytes();
    default:
      // Binary, GUID, SYSTEMTIME, SID and unknown types keep (a copy of) their bytes; formatValue renders them.
      return bytes();
  }
}

const hex = toHexUpper;

/** FILETIME (100 ns ticks since 1601) as ISO 8601 with all seven fractional digits. */
export function formatFiletime(ticks: bigint): string {
  const epochDelta = 116444736000000000n;
  const sinceUnix = ticks - epochDelta;
  const ms = sinceUnix >= 0n ? sinceUnix / 10000n : -((-sinceUnix + 9999n) / 10000n);
  const date = new Date(Number(ms));
  if (Number.isNaN(date.getTime())) return `0x${ticks.toString(16).padStart(16, '0')}`;
  const fraction = (((ticks % 10000000n) + 10000000n) % 10000000n).toString().padStart(7, '0');
  return `${date.toISOString().slice(0, 19)}.${fraction}Z`;
}

/** SID: revision u8, sub-authority count u8, 48-bit big-endian authority, u32 sub-authorities. */
export function formatSid(b: Uint8Array): string {
  if (b.length < 8) return hex(b);
  const count = b[1]!;
  let authority = 0;
  for (let i = 2; i < 8; i++) authority = authority * 256 + b[i]!;
  const parts = [`S-${b[0]}-${authority}`];
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < count && 8 + i * 4 + 4 <= b.length; i++) parts.push(String(v.getUint32(8 + i * 4, true)));
  return parts.join('-');
}

function formatSystemtime(b: Uint8Array): string {
  const v = new DataView(b.buffer, b.byteOffset, 16);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  // year, month, day of week, day, hour, minute, second, milliseconds
  return `${p(v.getUint16(0, true), 4)}-${p(v.getUint16(2, true))}-${p(v.getUint16(6, true))}T${p(v.getUint16(8, true))}:${p(v.getUint16(10, true))}:${p(v.getUint16(12, true))}.${p(v.getUint16(14, true), 3)}Z`;
}

/** Text of a typed value the way Event Viewer's XML view shows it. */
export function formatValue(type: number, value: ScalarValue): string {
  if (value === null) return '';
  const base = type & ~VALUE_TYPE.ARRAY;
  switch (base) {
    // Hex integers and pointers as Windows renders them: `0x`, lower case, no padding
    // (`0x3e7`, `0x12019f`, a classic event's Keywords `0x80000000000000`), the text that
    // forwarded records carry (docs/events.md, "Records without a template").
    case VALUE_TYPE.HEX_INT32:
    case VALUE_TYPE.HEX_INT64:
    case VALUE_TYPE.SIZE_T:
      return typeof value === 'bigint' || typeof value === 'number' ? `0x${value.toString(16)}` : hex(value as Uint8Array);
    case VALUE_TYPE.FILETIME:
      return typeof value === 'bigint' ? formatFiletime(value) : hex(value as Uint8Array);
    case VALUE_TYPE.BOOL:
      return value ? 'true' : 'false';
    case VALUE_TYPE.GUID:
      return value instanceof Uint8Array && value.length === 16 ? formatGuid(value) : String(value);
    case VALUE_TYPE.SID:
      return value instanceof Uint8Array ? formatSid(value) : String(value);
    case VALUE_TYPE.SYSTEMTIME:
      return value instanceof Uint8Array && value.length >= 16 ? formatSystemtime(value) : String(value);
  }
  if (value instanceof Uint8Array) return hex(value);
  return String(value);
}

/** Concatenated text content of nodes (values, references and child elements, depth first). */
export function textOf(nodes: readonly XmlNode[]): string {
  let s = '';
  for (const n of nodes) {
    if (n.kind === 'value') {
      s += Array.isArray(n.value) ? n.value.map((v) => formatValue(n.type, v)).join(', ') : formatValue(n.type, n.value);
    } else if (n.kind === 'charref') s += String.fromCharCode(n.code);
    else if (n.kind === 'entityref') s += ENTITIES[n.name] ?? `&${n.name};`;
    else if (n.kind === 'element') s += textOf(n.children);
  }
  return s;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function childElements(element: XmlElement, name?: string): XmlElement[] {
  return element.children.filter((c): c is XmlElement => c.kind === 'element' && (name === undefined || c.name === name));
}

export function attribute(element: XmlElement, name: string): XmlNode[] | undefined {
  return element.attributes.find((a) => a.name === name)?.value;
}
