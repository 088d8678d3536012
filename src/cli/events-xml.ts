// `winmc events --xml`: each record as one <Event> element, indented by two spaces per level, as
// libyal's evtxexport (-f xml) and wevtutil (/f:xml, pretty-printed) write them. An EVTX record is
// its element tree, templates instantiated; an EVT record (which has no XML) is written in the
// shape Windows gives a classic event it renders: Provider, EventID with Qualifiers, Level, Task,
// Keywords, TimeCreated, EventRecordID, Computer, and the strings and binary data as <Data> and
// <Binary> under <EventData>.
//
// With --manifest, an EVTX event its provider's manifest renders also gets the <RenderingInfo>
// that `wevtutil qe /f:RenderedXml` writes, after its other children: Culture, then Message,
// Level, Task, Opcode, Channel, Provider and Keywords, the order RenderedXml exports show (a
// RenderingInfo stored in a record by the event log service may order them otherwise). Channel and
// Provider are their strings when the manifest gives them, else their names; an item the manifest
// does not name is left out.

import { formatValue, VALUE_TYPE, type XmlElement, type XmlNode } from '../eventlog/binxml/reader.js';
import type { EventRecord } from '../eventlog/events.js';
import type { RenderedManifestEvent } from '../eventlog/render-manifest.js';

const EVENT_NS = 'http://schemas.microsoft.com/win/2004/08/events/event';

const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttribute = (s: string) => escapeText(s).replace(/"/g, '&quot;');

/** The text of value nodes: an array's items joined, charrefs and entity refs as the characters they stand for. */
function valueText(nodes: readonly XmlNode[]): string {
  let s = '';
  for (const n of nodes) {
    if (n.kind === 'value') s += Array.isArray(n.value) ? n.value.map((v) => xmlValue(n.type, v)).join(', ') : xmlValue(n.type, n.value);
    else if (n.kind === 'charref') s += String.fromCodePoint(n.code);
    else if (n.kind === 'entityref') s += ENTITIES[n.name] ?? '';
    else if (n.kind === 'element') s += valueText(n.children);
  }
  return s;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** A value as evtxexport writes it: binary data in upper-case hex, hex integers in lower case. */
function xmlValue(type: number, value: Parameters<typeof formatValue>[1]): string {
  const text = formatValue(type, value);
  const base = type & ~VALUE_TYPE.ARRAY;
  if (base === VALUE_TYPE.BINARY || value instanceof Uint8Array) return text.toUpperCase();
  return text;
}

/** Whether an attribute or element holds nothing: no nodes, or only NULL values (an optional substitution left out). */
function isEmptyValue(nodes: readonly XmlNode[]): boolean {
  return nodes.every((n) => n.kind === 'value' && (n.value === null || n.type === VALUE_TYPE.NULL));
}

/**
 * An element whose only content is an array value (a classic event's string array in one <Data>)
 * stands for one element per item, as Windows renders it.
 */
function expanded(element: XmlElement): XmlElement[] {
  // Content that is only an optional substitution left out (NULL): the element is left out too.
  if (element.children.length > 0 && isEmptyValue(element.children)) return [];
  const only = element.children.length === 1 ? element.children[0]! : undefined;
  if (only?.kind !== 'value' || !Array.isArray(only.value)) return [element];
  const type = only.type & ~VALUE_TYPE.ARRAY;
  return only.value.map((item) => ({ ...element, children: [{ kind: 'value', type, value: item }] }));
}

function writeElement(element: XmlElement, depth: number, out: string[], root: boolean): void {
  const indent = '  '.repeat(depth);
  let attributes = '';
  if (root && !element.attributes.some((a) => a.name === 'xmlns')) attributes += ` xmlns="${EVENT_NS}"`;
  for (const a of element.attributes) {
    if (isEmptyValue(a.value)) continue;
    attributes += ` ${a.name}="${escapeAttribute(valueText(a.value))}"`;
  }
  const content = element.children.filter((c) => c.kind !== 'pi' && c.kind !== 'substitution');
  const children = content.filter((c): c is XmlElement => c.kind === 'element').flatMap(expanded);
  if (children.length === 0) {
    const text = isEmptyValue(content) ? '' : valueText(content);
    out.push(text === '' ? `${indent}<${element.name}${attributes}/>` : `${indent}<${element.name}${attributes}>${escapeText(text)}</${element.name}>`);
    return;
  }
  out.push(`${indent}<${element.name}${attributes}>`);
  for (const child of children) writeElement(child, depth + 1, out, false);
  out.push(`${indent}</${element.name}>`);
}

/** The <Event> element of an EVTX record's tree, as text lines; with a rendering, its <RenderingInfo> before </Event>. */
export function evtxEventXml(nodes: readonly XmlNode[], rendering?: RenderedManifestEvent): string[] {
  const out: string[] = [];
  for (const n of nodes) if (n.kind === 'element') writeElement(n, 0, out, true);
  if (rendering !== undefined && out[out.length - 1] === '</Event>') {
    out.pop();
    out.push(...renderingInfoXml(rendering, 1), '</Event>');
  }
  return out;
}

/** <RenderingInfo> as wevtutil's RenderedXml writes it, indented `depth` levels. */
export function renderingInfoXml(r: RenderedManifestEvent, depth = 1): string[] {
  const indent = '  '.repeat(depth);
  const item = (name: string, value: string | null | undefined) =>
    value === undefined || value === null ? [] : [`${indent}  ${value === '' ? `<${name}/>` : `<${name}>${escapeText(value.replace(/\r\n/g, '\n'))}</${name}>`}`];
  return [
    `${indent}<RenderingInfo Culture="${escapeAttribute(r.culture)}">`,
    ...item('Message', r.message),
    ...item('Level', r.level),
    ...item('Task', r.task),
    ...item('Opcode', r.opcode),
    ...item('Channel', r.channelText ?? r.channel),
    ...item('Provider', r.providerText ?? r.provider),
    ...(r.keywords.length === 0 ? [`${indent}  <Keywords/>`] : [`${indent}  <Keywords>`, ...r.keywords.map((k) => `${indent}    <Keyword>${escapeText(k)}</Keyword>`), `${indent}  </Keywords>`]),
    `${indent}</RenderingInfo>`,
  ];
}

/** An EVT record as the <Event> Windows renders for a classic event (Keywords as Windows writes them: 0x, no padding). */
export function evtEventXml(e: EventRecord): string[] {
  const text = (name: string, value: string, depth = 2) => `${'  '.repeat(depth)}${value === '' ? `<${name}/>` : `<${name}>${escapeText(value)}</${name}>`}`;
  const lines = [
    `<Event xmlns="${EVENT_NS}">`,
    '  <System>',
    `    <Provider Name="${escapeAttribute(e.provider)}"/>`,
    `    <EventID Qualifiers="${e.qualifiers ?? 0}">${e.eventId}</EventID>`,
    text('Level', String(e.level)),
    text('Task', String(e.category)),
    '    <Keywords>0x80000000000000</Keywords>',
    `    <TimeCreated SystemTime="${e.timeCreated}"/>`,
    text('EventRecordID', String(e.recordId)),
    text('Channel', e.channel),
    text('Computer', e.computer),
    '  </System>',
  ];
  if (e.strings.length === 0 && e.data === null) return [...lines, '  <EventData/>', '</Event>'];
  lines.push('  <EventData>');
  for (const s of e.strings) lines.push(text('Data', s));
  if (e.data !== null) lines.push(text('Binary', Buffer.from(e.data).toString('hex').toUpperCase()));
  lines.push('  </EventData>', '</Event>');
  return lines;
}
