// The XML layer of the manifest compiler: bytes → decoded text → an element tree in which every
// element and attribute keeps its line and column. saxes does the parsing (well-formedness,
// namespaces, positions); this module adds what a compiler facing hostile input needs: the
// encoding rules of XML 1.0 appendix F, no DTD (so no entity expansion and no external entities),
// and limits on depth and size. See docs/manifests.md.

import { SaxesParser, type SaxesTagNS } from 'saxes';
import iconv from 'iconv-lite';

export interface SourcePosition {
  line: number;
  column: number;
}

export interface XmlAttribute extends SourcePosition {
  /** As written, with its prefix: `xsi:schemaLocation`. */
  qname: string;
  prefix: string;
  local: string;
  /** Namespace URI; '' for an unprefixed attribute. */
  uri: string;
  value: string;
}

export interface XmlElement extends SourcePosition {
  kind: 'element';
  qname: string;
  prefix: string;
  local: string;
  uri: string;
  /** In document order, namespace declarations included. */
  attributes: XmlAttribute[];
  /** Element and text children in document order (comments and PIs dropped). */
  children: XmlNode[];
  /** Namespaces in scope at this element: prefix ('' for the default) → URI. */
  namespaces: Record<string, string>;
  /** Where the element's content ends (its end tag), for "missing child" diagnostics. */
  end?: SourcePosition;
}

export interface XmlText extends SourcePosition {
  kind: 'text';
  text: string;
  cdata: boolean;
}

export type XmlNode = XmlElement | XmlText;

export interface XmlLimits {
  /** Deepest element nesting accepted. */
  depth: number;
  /** Most characters in one attribute value or text run. */
  valueLength: number;
  /** Most elements in a document. */
  elements: number;
}

export const XML_LIMITS: Readonly<XmlLimits> = { depth: 64, valueLength: 1 << 20, elements: 4_000_000 };

export class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = 'XmlSyntaxError';
  }
}

/** The text of a manifest: BOM first, then the encoding declaration, else UTF-8 (XML 1.0 §4.3.3, appendix F). */
export function decodeXml(bytes: Uint8Array): { text: string; encoding: string } {
  const b = bytes;
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { text: strictUtf8(b.subarray(3)), encoding: 'utf-8' };
  if (b[0] === 0xff && b[1] === 0xfe) return { text: utf16(b.subarray(2), 'le'), encoding: 'utf-16le' };
  if (b[0] === 0xfe && b[1] === 0xff) return { text: utf16(b.subarray(2), 'be'), encoding: 'utf-16be' };
  // No BOM: `<?` in UTF-16 shows as 3C 00 3F 00 (LE) or 00 3C 00 3F (BE).
  if (b[0] === 0x3c && b[1] === 0x00 && b[2] === 0x3f && b[3] === 0x00) return { text: utf16(b, 'le'), encoding: 'utf-16le' };
  if (b[0] === 0x00 && b[1] === 0x3c && b[2] === 0x00 && b[3] === 0x3f) return { text: utf16(b, 'be'), encoding: 'utf-16be' };
  const head = new TextDecoder('latin1').decode(b.subarray(0, 200));
  const declared = /^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1]?.toLowerCase();
  if (declared === undefined || declared === 'utf-8' || declared === 'utf8') return { text: strictUtf8(b), encoding: 'utf-8' };
  if (declared === 'utf-16') throw new XmlSyntaxError('the document declares UTF-16 but has neither a byte order mark nor UTF-16 content', 1, 1);
  if (!iconv.encodingExists(declared)) throw new XmlSyntaxError(`unknown encoding '${declared}' in the XML declaration`, 1, 1);
  return { text: iconv.decode(Buffer.from(b.buffer, b.byteOffset, b.byteLength), declared), encoding: declared };
}

function strictUtf8(b: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    const at = firstBadUtf8(b);
    const { line, column } = positionOfByte(b, at);
    throw new XmlSyntaxError(`bytes not valid UTF-8 at byte offset ${at}`, line, column);
  }
}

function utf16(b: Uint8Array, order: 'le' | 'be'): string {
  if (b.length % 2 !== 0) throw new XmlSyntaxError(`truncated UTF-16: the document has an odd number of bytes (${b.length})`, 1, 1);
  const text = new TextDecoder(order === 'le' ? 'utf-16le' : 'utf-16be', { fatal: false }).decode(b);
  const lone = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.exec(text);
  if (lone) {
    const { line, column } = positionInText(text, lone.index);
    throw new XmlSyntaxError('an unpaired UTF-16 surrogate', line, column);
  }
  return text;
}

function firstBadUtf8(b: Uint8Array): number {
  let lo = 0;
  let hi = b.length;
  // Binary search on the longest valid prefix (a prefix cut inside a sequence counts as invalid).
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(0, mid));
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return lo;
}

function positionOfByte(b: Uint8Array, offset: number): SourcePosition {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) if (b[i] === 0x0a) (line++, (start = i + 1));
  return { line, column: offset - start + 1 };
}

function positionInText(text: string, index: number): SourcePosition {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) (line++, (start = i + 1));
  return { line, column: index - start + 1 };
}

/**
 * Parses a whole document into its root element. Throws XmlSyntaxError (with a 1-based line and
 * column) on the first well-formedness error, on a DOCTYPE, or past a limit.
 */
export function parseXml(text: string, limits: XmlLimits = XML_LIMITS): XmlElement {
  const parser = newParser();
  const stack: Element[] = [];
  let root: Element | undefined;
  let failure: XmlSyntaxError | undefined;
  let elements = 0;
  let tagLine = 1;
  let tagColumn = 1;
  // The first error ends the parse: thrown out of the handler (saxes lets it through write()),
  // so nothing after it costs time (saxes' namespace lookups grow with depth).
  const fail = (message: string, line = parser.line, column = parser.column + 1): never => {
    failure ??= new XmlSyntaxError(message, line, column);
    throw failure;
  };

  parser.on('error', (err) => {
    // saxes puts "line:column: " in front of its message; the position is reported separately.
    fail(err.message.replace(/^\d+:\d+: /, ''));
  });
  parser.on('doctype', () => fail('a DOCTYPE is not allowed in a manifest (no DTDs, no entity declarations)', parser.line, 1));
  // saxes reports an attribute after its closing quote; its start is that far back on the same line.
  // Positions in the order saxes reports the attributes, which is the order of tag.attributes.
  const pending: { name: string; prefix: string; local: string; value: string; uri?: string }[] = [];
  const attributeLines: number[] = [];
  const attributeColumns: number[] = [];
  // Element and attribute names repeat: one copy of each is kept (the tree lives as long as the model).
  const names = new Map<string, string>();
  const intern = (s: string): string => {
    const known = names.get(s);
    if (known !== undefined) return known;
    names.set(s, s);
    return s;
  };
  parser.on('attribute', (a) => {
    pending.push(a);
    attributeLines.push(parser.line);
    attributeColumns.push(Math.max(1, parser.column - a.name.length - a.value.length - 2));
  });
  parser.on('opentagstart', () => {
    // saxes has read past the name; the tag starts at the '<' before it (columns are 1-based).
    const lt = text.lastIndexOf('<', parser.position - 1);
    tagLine = parser.line;
    tagColumn = lt - text.lastIndexOf('\n', lt);
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    if (++elements > limits.elements) return fail(`more than ${limits.elements} elements`);
    if (stack.length >= limits.depth) return fail(`elements nested deeper than ${limits.depth} levels`, tagLine, tagColumn);
    // The 'attribute' events came in document order, the order of tag.attributes; saxes has set
    // their uri. An array of the exact size: the tree is kept, slack would be too.
    const n = pending.length;
    const attributes: XmlAttribute[] = n === 0 ? [] : new Array<XmlAttribute>(n);
    for (let i = 0; i < n; i++) {
      const a = pending[i]!;
      const line = attributeLines[i]!;
      const column = attributeColumns[i]!;
      if (a.value.length > limits.valueLength) return fail(`attribute '${a.name}' longer than ${limits.valueLength} characters`, line, column);
      attributes[i] = { qname: intern(a.name), prefix: intern(a.prefix), local: intern(a.local), uri: a.uri ?? '', value: a.value, line, column };
    }
    pending.length = 0;
    attributeLines.length = 0;
    attributeColumns.length = 0;
    const parent = stack.length > 0 ? stack[stack.length - 1] : undefined;
    const el = new Element(intern(tag.name), intern(tag.prefix), intern(tag.local), tag.uri, attributes, inScope(parent?.namespaces, tag.ns), tagLine, tagColumn);
    if (parent) parent.children.push(el);
    else root = el;
    if (!tag.isSelfClosing) stack.push(el);
    else el.setEnd(parser.line, parser.column + 1);
  });
  parser.on('closetag', (tag) => {
    const top = stack[stack.length - 1];
    if (top && top.qname === tag.name && !tag.isSelfClosing) {
      top.setEnd(parser.line, parser.column + 1);
      if (top.children.length > 0) top.children = top.children.slice();
      stack.pop();
    }
  });
  const addText = (text: string, cdata: boolean) => {
    const parent = stack[stack.length - 1];
    if (!parent) return;
    if (text.length > limits.valueLength) return fail(`a text run longer than ${limits.valueLength} characters`);
    parent.children.push({ kind: 'text', text, cdata, line: parser.line, column: parser.column + 1 });
  };
  parser.on('text', (t) => addText(t, false));
  parser.on('cdata', (t) => addText(t, true));

  // Feed in slices so a limit or an error stops the work early on a huge input.
  try {
    parser.write(text).close();
  } catch (err) {
    if (err !== failure) throw failure ?? err;
  }
  if (failure) throw failure;
  if (!root) throw new XmlSyntaxError('no root element', 1, 1);
  return root;
}

// A class (one hidden class for every element) with the end position as two numbers, read
// through `end` (few readers: "missing child" diagnostics).
class Element implements XmlElement {
  readonly kind = 'element' as const;
  children: XmlNode[] = [];
  private endLine = 0;
  private endColumn = 0;
  constructor(
    readonly qname: string,
    readonly prefix: string,
    readonly local: string,
    readonly uri: string,
    readonly attributes: XmlAttribute[],
    readonly namespaces: Record<string, string>,
    readonly line: number,
    readonly column: number,
  ) {}
  setEnd(line: number, column: number): void {
    this.endLine = line;
    this.endColumn = column;
  }
  get end(): SourcePosition | undefined {
    return this.endLine === 0 ? undefined : { line: this.endLine, column: this.endColumn };
  }
}

// saxes keeps each handler in a property that on() adds to the parser with a keyed store. Added
// one by one after its many fields, they turn the parser into a dictionary-mode object, and
// every field read of its per-character loop into a hash lookup: parsing took 2-4 times as long.
// The same properties first added by name (saxes' own names for them) keep the parser's fast
// properties; on() then only replaces their values.
type HandlerSlot = 'errorHandler' | 'doctypeHandler' | 'attributeHandler' | 'openTagStartHandler' | 'openTagHandler' | 'closeTagHandler' | 'textHandler' | 'cdataHandler';

function newParser(): SaxesParser<{ xmlns: true; position: true }> {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const slots = parser as unknown as Record<HandlerSlot, undefined>;
  slots.errorHandler = undefined;
  slots.doctypeHandler = undefined;
  slots.attributeHandler = undefined;
  slots.openTagStartHandler = undefined;
  slots.openTagHandler = undefined;
  slots.closeTagHandler = undefined;
  slots.textHandler = undefined;
  slots.cdataHandler = undefined;
  return parser;
}

const NO_NAMESPACES: Record<string, string> = {};

function inScope(parent: Record<string, string> | undefined, declared: Record<string, string>): Record<string, string> {
  for (const _ in declared) return { ...parent, ...declared };
  return parent ?? NO_NAMESPACES;
}

// ---- Navigation helpers used by the manifest reader ----

export function childElements(el: XmlElement, local?: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) if (c.kind === 'element' && (local === undefined || c.local === local)) out.push(c);
  return out;
}

export function attr(el: XmlElement, local: string): XmlAttribute | undefined {
  for (const a of el.attributes) if (a.local === local && (a.uri === '' || a.prefix === '')) return a;
  return undefined;
}

export function textContent(el: XmlElement): string {
  let s = '';
  for (const c of el.children) s += c.kind === 'text' ? c.text : textContent(c);
  return s;
}

/** The namespace URI a prefix maps to at `el` (saxes records the in-scope map on each element). */
export function resolvePrefix(el: XmlElement, prefix: string): string | undefined {
  return el.namespaces[prefix];
}
