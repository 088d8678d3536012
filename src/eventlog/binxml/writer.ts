// BinXML of the template fragments in a CRIM (WEVT_TEMPLATE) TEMP block, as mc.exe writes them:
// unlike an .evtx chunk, names are stored inline (hash u16, length u16, UTF-16, NUL) with no
// name offsets, and there are no template instances. See docs/manifests.md.
//
//   fragment   0x0F 0x01 0x01 0x00, one element, 0x00 (EOF), zero padding to 4 bytes
//   element    0x01|0x40 if attributes, dependency id u16 (0xFFFF), size u32 (bytes after it up
//              to and including the end token), name, [attribute list size u32, attributes],
//              0x02 (close start), content, 0x04 (end element)
//   attribute  0x06|0x40 unless last, name, value
//   value      0x05, type 0x01 (string), length u16, UTF-16 (no NUL)
//   subst.     0x0D (0x0E optional), index u16, value type u8

import { decodeUtf16le } from '../../binary/codec.js';
import { ByteWriter } from '../../binary/writer.js';
import type { XmlElement, XmlNode } from './reader.js';
import { FRAGMENT_MAJOR, FRAGMENT_MINOR, MORE_FLAG, TOKEN, VALUE_TYPE, nameHash } from './tokens.js';

export class TemplateBinXmlError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {
    super(`${reason} at offset 0x${offset.toString(16)}`);
    this.name = 'TemplateBinXmlError';
  }
}

/** Encodes a template fragment (header, the element, EOF, padding to a multiple of 4). */
export function writeTemplateFragment(root: XmlElement): Uint8Array {
  const out = new ByteWriter();
  out.u8(TOKEN.FRAGMENT_HEADER);
  out.u8(FRAGMENT_MAJOR);
  out.u8(FRAGMENT_MINOR);
  out.u8(0);
  writeElement(out, root);
  out.u8(TOKEN.EOF);
  out.align(4);
  return out.finish();
}

function writeName(out: ByteWriter, name: string): void {
  out.u16(nameHash(name));
  out.u16(name.length);
  out.utf16(name);
  out.u16(0);
}

function writeElement(out: ByteWriter, e: XmlElement): void {
  const hasAttributes = e.attributes.length > 0;
  out.u8(TOKEN.OPEN_START_ELEMENT | (hasAttributes ? MORE_FLAG : 0));
  out.u16(0xffff);
  const sizeAt = out.offset;
  out.u32(0);
  writeName(out, e.name);
  if (hasAttributes) {
    const listAt = out.offset;
    out.u32(0);
    e.attributes.forEach((a, i) => {
      out.u8(TOKEN.ATTRIBUTE | (i < e.attributes.length - 1 ? MORE_FLAG : 0));
      writeName(out, a.name);
      for (const v of a.value) writeContent(out, v);
    });
    out.patchU32(listAt, out.offset - listAt - 4);
  }
  out.u8(TOKEN.CLOSE_START_ELEMENT);
  for (const child of e.children) {
    if (child.kind === 'element') writeElement(out, child);
    else writeContent(out, child);
  }
  out.u8(TOKEN.END_ELEMENT);
  out.patchU32(sizeAt, out.offset - sizeAt - 4);
}

function writeContent(out: ByteWriter, n: XmlNode): void {
  switch (n.kind) {
    case 'value': {
      const text = String(n.value ?? '');
      out.u8(TOKEN.VALUE);
      out.u8(VALUE_TYPE.STRING);
      out.u16(text.length);
      out.utf16(text);
      return;
    }
    case 'substitution':
      out.u8(n.optional ? TOKEN.OPTIONAL_SUBSTITUTION : TOKEN.NORMAL_SUBSTITUTION);
      out.u16(n.index);
      out.u8(n.type);
      return;
    case 'charref':
      out.u8(TOKEN.CHAR_REF);
      out.u16(n.code);
      return;
    default:
      throw new TemplateBinXmlError(`cannot write a ${n.kind} node into a template fragment`, out.offset);
  }
}

/** Decodes the template fragment at [offset, end) of `bytes`; padding after EOF must be zero. */
export function readTemplateFragment(bytes: Uint8Array, offset: number, end: number): XmlElement {
  const r = new In(bytes, offset, end);
  if (r.u8() !== TOKEN.FRAGMENT_HEADER) r.fail('fragment does not start with a fragment header', offset);
  const major = r.u8();
  const minor = r.u8();
  r.u8();
  if (major !== FRAGMENT_MAJOR || minor !== FRAGMENT_MINOR) r.fail(`fragment version ${major}.${minor} (expected 1.1)`, offset + 1);
  const root = readElement(r);
  if (r.u8() !== TOKEN.EOF) r.fail('expected the end-of-fragment token', r.pos - 1);
  while (r.pos < end) if (r.u8() !== 0) r.fail('non-zero padding after the fragment', r.pos - 1);
  return root;
}

class In {
  view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    public pos: number,
    readonly end: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  fail(message: string, at = this.pos): never {
    throw new TemplateBinXmlError(message, at);
  }
  need(n: number): void {
    if (this.pos + n > this.end) this.fail(`${n} bytes needed, fragment ends`);
  }
  u8(): number {
    this.need(1);
    return this.bytes[this.pos++]!;
  }
  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  utf16(count: number): string {
    this.need(count * 2);
    const s = decodeUtf16le(this.bytes, this.pos, this.pos + count * 2);
    this.pos += count * 2;
    return s;
  }
  name(): string {
    const at = this.pos;
    const hash = this.u16();
    const name = this.utf16(this.u16());
    if (this.u16() !== 0) this.fail(`name "${name}" is not NUL-terminated`, this.pos - 2);
    if (nameHash(name) !== hash) this.fail(`name "${name}" has hash 0x${hash.toString(16)}, expected 0x${nameHash(name).toString(16)}`, at);
    return name;
  }
}

/** Deepest element nesting read (a template fragment from a hostile file could nest without end). */
const MAX_DEPTH = 256;

function readElement(r: In, depth = 0): XmlElement {
  const at = r.pos;
  if (depth >= MAX_DEPTH) r.fail(`elements nested deeper than ${MAX_DEPTH}`, at);
  const token = r.u8();
  if ((token & ~MORE_FLAG) !== TOKEN.OPEN_START_ELEMENT) r.fail(`expected an element, found token 0x${token.toString(16)}`, at);
  if (r.u16() !== 0xffff) r.fail('element dependency id is not 0xFFFF', at + 1);
  const size = r.u32();
  const bodyStart = r.pos;
  const element: XmlElement = { kind: 'element', name: r.name(), attributes: [], children: [] };
  if (token & MORE_FLAG) {
    const listSize = r.u32();
    const listEnd = r.pos + listSize;
    for (;;) {
      const t = r.u8();
      if ((t & ~MORE_FLAG) !== TOKEN.ATTRIBUTE) r.fail(`expected an attribute, found token 0x${t.toString(16)}`, r.pos - 1);
      const name = r.name();
      const value: XmlNode[] = [];
      while (r.pos < listEnd && isContentToken(r.bytes[r.pos]!)) value.push(readContent(r));
      element.attributes.push({ name, value });
      if (!(t & MORE_FLAG)) break;
    }
    if (r.pos !== listEnd) r.fail(`attribute list of <${element.name}> does not end at its size`, r.pos);
  }
  const close = r.u8();
  if (close !== TOKEN.CLOSE_START_ELEMENT) r.fail(`<${element.name}>: expected the close-start token, found 0x${close.toString(16)}`, r.pos - 1);
  for (;;) {
    const t = r.bytes[r.pos];
    if (t === undefined || r.pos >= r.end) r.fail(`<${element.name}> is not closed`);
    if (t === TOKEN.END_ELEMENT) {
      r.pos++;
      break;
    }
    if ((t & ~MORE_FLAG) === TOKEN.OPEN_START_ELEMENT) element.children.push(readElement(r, depth + 1));
    else if (isContentToken(t)) element.children.push(readContent(r));
    else r.fail(`<${element.name}>: unexpected token 0x${t.toString(16)}`);
  }
  if (r.pos - bodyStart !== size) r.fail(`<${element.name}>: element size ${size} does not match its content (${r.pos - bodyStart})`, at + 3);
  return element;
}

function isContentToken(t: number): boolean {
  const b = t & ~MORE_FLAG;
  return b === TOKEN.VALUE || b === TOKEN.NORMAL_SUBSTITUTION || b === TOKEN.OPTIONAL_SUBSTITUTION || b === TOKEN.CHAR_REF;
}

function readContent(r: In): XmlNode {
  const at = r.pos;
  const t = r.u8() & ~MORE_FLAG;
  if (t === TOKEN.VALUE) {
    const type = r.u8();
    if (type !== VALUE_TYPE.STRING) r.fail(`value of type 0x${type.toString(16)} (only strings are written)`, at + 1);
    return { kind: 'value', type, value: r.utf16(r.u16()) };
  }
  if (t === TOKEN.CHAR_REF) return { kind: 'charref', code: r.u16() };
  const index = r.u16();
  const type = r.u8();
  return { kind: 'substitution', index, type, optional: t === TOKEN.OPTIONAL_SUBSTITUTION };
}
