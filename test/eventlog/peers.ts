// Reads the output of libyal's evtxexport (XML) and evtexport (text), the independent readers the
// differential tests compare against. Only the fields both sides model are extracted.

import { execFileSync, spawnSync } from 'node:child_process';

export function hasTool(name: string): boolean {
  return spawnSync(name, ['-V'], { stdio: 'ignore' }).error === undefined;
}

/**
 * evtxexport writes hex integers (HexInt32, HexInt64, SIZE_T) zero-padded to 8 or 16 digits;
 * Windows, and winmc, write `0x3e7` (docs/events.md, "Records without a template"). A value of
 * that padded form as Windows writes it; anything else unchanged.
 */
export function windowsHex(text: string): string {
  return /^0x(?:[0-9a-f]{8}){1,2}$/.test(text) ? `0x${text.slice(2).replace(/^0+(?=.)/, '')}` : text;
}

export interface PeerRecord {
  recordId: number;
  provider: string;
  eventId: number;
  qualifiers: number | null;
  strings: string[];
  /** Hex of `<Binary>` (evtxexport) — evtexport does not print the data. */
  binary: string | null;
}

const unescapeXml = (s: string): string =>
  s.replace(/&(lt|gt|quot|apos|amp|#x[0-9a-fA-F]+|#\d+);/g, (_, e: string) =>
    e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : e === 'apos' ? "'" : e === 'amp' ? '&'
      : String.fromCodePoint(e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)));

/** Leaf elements directly inside `body`: `<X ...>text</X>` or `<X .../>`, in order. */
function leafElements(body: string): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  const re = /<([\w:.-]+)(?:\s[^>]*?)?(?:\/>|>([^<]*)<\/\1>)/g;
  for (const m of body.matchAll(re)) out.push({ name: m[1]!, text: unescapeXml(m[2] ?? '') });
  return out;
}

export function evtxexportRecords(path: string): PeerRecord[] {
  const xml = execFileSync('evtxexport', ['-f', 'xml', path], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
  const records: PeerRecord[] = [];
  for (const m of xml.matchAll(/<Event xmlns[^>]*>([\s\S]*?)\n<\/Event>/g)) {
    const event = m[1]!;
    const id = /<EventID(?: Qualifiers="(\d+)")?>(\d+)<\/EventID>/.exec(event);
    const provider = /<Provider Name="([^"]*)"/.exec(event);
    const strings: string[] = [];
    let binary: string | null = null;
    const eventData = /<EventData(?:\s[^>]*)?>([\s\S]*?)<\/EventData>/.exec(event);
    const userData = /<UserData>\s*<([\w:.-]+)[^>]*>([\s\S]*?)<\/\1>\s*<\/UserData>/.exec(event);
    if (eventData) {
      for (const e of leafElements(eventData[1]!)) {
        if (e.name === 'Binary') binary = e.text;
        else strings.push(e.text);
      }
    } else if (userData) {
      for (const e of leafElements(userData[2]!)) strings.push(e.text);
    }
    records.push({
      recordId: Number(/<EventRecordID>(\d+)</.exec(event)?.[1]),
      provider: unescapeXml(provider?.[1] ?? ''),
      eventId: Number(id?.[2]),
      qualifiers: id?.[1] === undefined ? null : Number(id[1]),
      strings,
      binary,
    });
  }
  return records;
}

/**
 * evtexport prints "String: N<tabs>: text" lines; a string may hold line breaks, so each string
 * runs up to the next "String: N+1" header (or the blank line closing the record).
 */
export function evtexportRecords(path: string): PeerRecord[] {
  const text = execFileSync('evtexport', [path], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
  const records: PeerRecord[] = [];
  const blocks = text.split(/\n(?=Event number\t+: \d+\n)/).filter((b) => b.startsWith('Event number'));
  for (const [index, raw] of blocks.entries()) {
    // Each record ends with its last line's break plus a blank line; the split took one of them.
    const block = index === blocks.length - 1 ? raw.replace(/\n\n$/, '') : raw.replace(/\n$/, '');
    const field = (name: string) => new RegExp(`^${name}\\t+: (.*)$`, 'm').exec(block)?.[1];
    const count = Number(field('Number of strings') ?? 0);
    const strings: string[] = [];
    let rest = block.slice(block.indexOf('\n', block.indexOf('Number of strings')) + 1);
    for (let i = 1; i <= count; i++) {
      const head = new RegExp(`^String: ${i}\\t+: `);
      const h = head.exec(rest);
      if (!h) throw new Error(`evtexport output: string ${i} of record ${field('Event number')} not found`);
      rest = rest.slice(h[0].length);
      const next = i < count ? rest.search(new RegExp(`\\nString: ${i + 1}\\t+: `)) : -1;
      strings.push(next < 0 ? rest : rest.slice(0, next));
      rest = next < 0 ? '' : rest.slice(next + 1);
    }
    const fullId = Number(/\((\d+)\)/.exec(field('Event identifier') ?? '')?.[1]);
    records.push({
      recordId: Number(field('Event number')),
      provider: field('Source name') ?? '',
      eventId: fullId & 0xffff,
      qualifiers: fullId >>> 16,
      strings,
      binary: null,
    });
  }
  return records;
}
