// BinXML's two forms of element start: with a dependency id (template definitions) and without
// (elements written straight into a record, and BinXML substitution values, type 0x21). A real
// forwarded-event log whose record uses no template, and synthetic chunks for each place.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChunkContext, readBinXml } from '../../src/eventlog/binxml/reader.js';
import { memoryByteSource, readEventRecords } from '../../src/eventlog/events.js';
import { repoRoot } from '../support/paths.js';

const u16 = (n: number) => [n & 0xff, (n >>> 8) & 0xff];
const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
/** A chunk-resident name: next offset, hash, length, UTF-16 text, NUL. */
const name = (text: string) => [...u32(0), 0, 0, ...u16(text.length), ...[...text].flatMap((c) => u16(c.charCodeAt(0))), 0, 0];
const FRAGMENT_HEADER = [0x0f, 0x01, 0x01, 0x00];
/** An element start token naming the name at `nameAt`; `dependencyId` as in template definitions. */
const start = (nameAt: number, dependencyId: boolean) => [0x01, ...(dependencyId ? [0xff, 0xff] : []), ...u32(0), ...u32(nameAt)];

function chunkWith(parts: [number, number[]][]): Uint8Array {
  const chunk = new Uint8Array(65536);
  for (const [at, bytes] of parts) chunk.set(bytes, at);
  return chunk;
}

describe('BinXML element starts with and without a dependency id', () => {
  it('an element written straight into the record has none', () => {
    const bytes = [...FRAGMENT_HEADER, ...start(0x100, false), 0x03, 0x00];
    const chunk = chunkWith([
      [0x100, name('Event')],
      [0x200, bytes],
    ]);
    expect(readBinXml(new ChunkContext(chunk), 0x200, 0x200 + bytes.length)).toEqual([{ kind: 'element', name: 'Event', attributes: [], children: [] }]);
  });

  it('a template body has them, the BinXML value substituted into it has none', () => {
    // Template: <UserData>%1</UserData>, %1 of type 0x21 (BinXML); the value: <Start/>.
    const body = [...FRAGMENT_HEADER, ...start(0x100, true), 0x02, 0x0d, ...u16(0), 0x21, 0x04, 0x00];
    const definition = [...u32(0), ...new Array(16).fill(0xaa), ...u32(body.length), ...body];
    const value = [...FRAGMENT_HEADER, ...start(0x120, false), 0x03, 0x00];
    const record = [0x0c, 0x01, ...u32(1), ...u32(0x300), ...u32(1), ...u16(value.length), 0x21, 0x00, ...value];
    const chunk = chunkWith([
      [0x100, name('UserData')],
      [0x120, name('Start')],
      [0x200, record],
      [0x300, definition],
    ]);
    expect(readBinXml(new ChunkContext(chunk), 0x200, 0x200 + record.length)).toEqual([
      { kind: 'element', name: 'UserData', attributes: [], children: [{ kind: 'element', name: 'Start', attributes: [], children: [] }] },
    ]);
  });
});

describe('a forwarded-event log whose record uses no template (fixtures/evtx-samples/issue_201.evtx)', () => {
  it('reads its one record, with its System values and its 27 Data strings', async () => {
    const bytes = new Uint8Array(readFileSync(join(repoRoot, 'fixtures', 'evtx-samples', 'issue_201.evtx')));
    const warnings: string[] = [];
    const events = [];
    for await (const e of readEventRecords(memoryByteSource(bytes), (w) => warnings.push(w.message))) events.push(e);
    expect(warnings).toEqual([]);
    expect(events.length).toBe(1);
    const e = events[0]!;
    expect(e).toMatchObject({ recordId: 3229, provider: 'MSExchange CmdletLogs', eventId: 1, qualifiers: 16384, level: 4, timeCreated: '2021-11-19T16:52:33.833733500Z', computer: 'WEC.ave.local', channel: 'MSExchange Management' });
    expect(e.strings.length).toBe(27);
    expect(e.strings.slice(0, 4)).toEqual([
      'Set-Mailbox',
      '-Identity "Administrateur" -DeliverToMailboxAndForward "False" -ForwardingSmtpAddress "smtp:test2@example.com"',
      'ave.local/Users/Administrateur',
      'S-1-5-21-186559946-3925841745-111227986-500',
    ]);
    expect(e.strings.at(-1)).toBe('fr-FR');
  });
});
