// Public .evtx samples (fixtures/evtx-samples/SOURCE.md) read as Windows renders them.
//
// forwarded_4656.evtx holds Security 4656 events that Windows Event Forwarding stored without a
// template: every value is the text the sending Windows rendered. Those texts are the ground truth
// for how Windows writes a typed value; winmc must write the same text for the binary value of the
// field's type (Security's manifest: SubjectLogonId HexInt64, AccessMask HexInt32, ProcessId and
// HandleId Pointer, which a 64-bit Windows stores as an 8-byte SIZE_T; Keywords HexInt64).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeValue, formatValue, VALUE_TYPE, type XmlElement, type XmlNode } from '../../src/eventlog/binxml/reader.js';
import { EVTX_FLAG_DIRTY, EVTX_FLAG_NO_CRC32, readEvtxChunkHeader, readEvtxRecords, type EvtxRecord } from '../../src/eventlog/evtx.js';
import { memoryByteSource } from '../../src/eventlog/events.js';
import { evtxEventXml } from '../../src/cli/events-xml.js';
import { repoRoot } from '../support/paths.js';

const fixture = (name: string) => join(repoRoot, 'fixtures/evtx-samples', name);

async function records(name: string): Promise<{ records: EvtxRecord[]; warnings: string[] }> {
  const out: EvtxRecord[] = [];
  const warnings: string[] = [];
  for await (const r of readEvtxRecords(memoryByteSource(new Uint8Array(readFileSync(fixture(name)))), (w) => warnings.push(w.message))) out.push(r);
  return { records: out, warnings };
}

/** Every element of a tree, depth first. */
function* elements(nodes: readonly XmlNode[]): Generator<XmlElement> {
  for (const n of nodes) {
    if (n.kind !== 'element') continue;
    yield n;
    yield* elements(n.children);
  }
}

/** An element's name, or for `<Data Name="X">` its Name. */
function fieldName(e: XmlElement): string {
  const name = e.attributes.find((a) => a.name === 'Name')?.value[0];
  return e.name === 'Data' && name?.kind === 'value' ? String(name.value) : e.name;
}

const littleEndian = (value: bigint, size: number) => Uint8Array.from({ length: size }, (_, i) => Number((value >> BigInt(8 * i)) & 0xffn));

const HEX_FIELDS: Record<string, [type: number, size: number]> = {
  SubjectLogonId: [VALUE_TYPE.HEX_INT64, 8],
  AccessMask: [VALUE_TYPE.HEX_INT32, 4],
  ProcessId: [VALUE_TYPE.SIZE_T, 8],
  HandleId: [VALUE_TYPE.SIZE_T, 8],
  Keywords: [VALUE_TYPE.HEX_INT64, 8],
};

describe('hex integers and pointers as Windows writes them', () => {
  it('the text a forwarding Windows wrote is what winmc writes for the binary value', async () => {
    const { records: all, warnings } = await records('forwarded_4656.evtx');
    expect(warnings).toEqual([]);
    expect(all.length).toBe(29);
    const seen = new Map<string, Set<string>>();
    for (const r of all) {
      for (const e of elements(r.nodes)) {
        const field = HEX_FIELDS[fieldName(e)];
        const only = e.children.length === 1 ? e.children[0]! : undefined;
        if (field === undefined || only?.kind !== 'value') continue;
        // A record without a template: the value is the string Windows rendered.
        expect(only.type).toBe(VALUE_TYPE.STRING);
        const windows = String(only.value);
        const [type, size] = field;
        expect(formatValue(type, decodeValue(type, littleEndian(BigInt(windows), size)) as bigint), `${fieldName(e)} of record ${r.recordId}`).toBe(windows);
        seen.set(fieldName(e), (seen.get(fieldName(e)) ?? new Set()).add(windows));
      }
    }
    // Small and large values of each type, zero among them: no padding, lower case.
    expect([...seen.keys()].sort()).toEqual(['AccessMask', 'HandleId', 'Keywords', 'ProcessId', 'SubjectLogonId']);
    expect(seen.get('HandleId')).toEqual(new Set(['0x0', '0x1ed8']));
    expect(seen.get('AccessMask')).toEqual(new Set(['0x7', '0x13019f']));
    expect(seen.get('SubjectLogonId')!.has('0xdbc0ec1f9')).toBe(true);
    expect(seen.get('Keywords')).toEqual(new Set(['0x8020000000000000']));
  });

  it('a classic event forwarded without a template has Keywords 0x80000000000000 (14 digits)', async () => {
    const { records: all } = await records('issue_201.evtx');
    const keywords = [...elements(all[0]!.nodes)].find((e) => e.name === 'Keywords')!;
    expect(keywords.children).toEqual([{ kind: 'value', type: VALUE_TYPE.STRING, value: '0x80000000000000' }]);
    expect(formatValue(VALUE_TYPE.HEX_INT64, 0x80000000000000n)).toBe('0x80000000000000');
  });

  it('a log written with templates: every HexInt32, HexInt64 and SIZE_T value in that form', async () => {
    const { records: all } = await records('Security_short_selected.evtx');
    expect(all.length).toBe(7);
    let hexValues = 0;
    for (const r of all) {
      for (const e of elements(r.nodes)) {
        for (const n of [...e.children, ...e.attributes.flatMap((a) => a.value)]) {
          if (n.kind !== 'value' || ![VALUE_TYPE.HEX_INT32, VALUE_TYPE.HEX_INT64, VALUE_TYPE.SIZE_T].includes(n.type as 0x14)) continue;
          hexValues++;
          expect(formatValue(n.type, n.value as bigint | number)).toBe(`0x${(n.value as bigint | number).toString(16)}`);
        }
      }
    }
    expect(hexValues).toBe(15);
    // Record 4625 (a failed logon) as its XML: HexInt32 statuses and HexInt64 ids, unpadded.
    const failed = all.find((r) => evtxEventXml(r.nodes).includes('    <EventID>4625</EventID>'))!;
    const xml = evtxEventXml(failed.nodes);
    expect(xml).toContain('    <Data Name="SubjectLogonId">0x3e7</Data>');
    expect(xml).toContain('    <Data Name="Status">0xc000006d</Data>');
    expect(xml).toContain('    <Data Name="SubStatus">0xc000006a</Data>');
    expect(xml).toContain('    <Data Name="ProcessId">0xc38</Data>');
    expect(xml).toContain('    <Keywords>0x8010000000000000</Keywords>');
  });
});

describe('logs written without CRC32s (file and chunk flag 0x4)', () => {
  it('Application_no_crc32.evtx: every record, no checksum warnings', async () => {
    const bytes = new Uint8Array(readFileSync(fixture('Application_no_crc32.evtx')));
    // The flags as Windows wrote them: file 0x4, the chunk 0x5 (dirty too); every CRC32 field 0.
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    expect([view.getUint32(120, true), view.getUint32(124, true)]).toEqual([EVTX_FLAG_NO_CRC32, 0]);
    expect(readEvtxChunkHeader(bytes.subarray(4096, 4096 + 65536))).toMatchObject({ flags: EVTX_FLAG_NO_CRC32 | EVTX_FLAG_DIRTY, headerChecksum: 0, dataChecksum: 0 });
    const { records: all, warnings } = await records('Application_no_crc32.evtx');
    expect(warnings).toEqual([]);
    // omerbenamram/evtx's test_sample_with_no_crc32 and evtxinfo both count 17.
    expect(all.length).toBe(17);
    expect(all.map((r) => Number(r.recordId))).toEqual(Array.from({ length: 17 }, (_, i) => 426 + i));
  });

  it('without the flags the same zero checksums are damage', async () => {
    const bytes = new Uint8Array(readFileSync(fixture('Application_no_crc32.evtx')));
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    view.setUint32(120, 0, true);
    view.setUint32(4096 + 120, EVTX_FLAG_DIRTY, true);
    const warnings: string[] = [];
    let count = 0;
    for await (const _ of readEvtxRecords(memoryByteSource(bytes), (w) => warnings.push(w.message))) count++;
    expect(count).toBe(17);
    expect(warnings.map((w) => w.replace(/computed 0x[0-9a-f]+/, 'computed …'))).toEqual([
      'file header CRC32 mismatch (stored 0x00000000, computed …)',
      'chunk 0 (file offset 0x1000): header CRC32 mismatch (stored 0x00000000, computed …)',
      'chunk 0 (file offset 0x1000): record data CRC32 mismatch (stored 0x00000000, computed …)',
    ]);
  });
});

describe('a chunk with a broken record: reading resumes at its next intact record', () => {
  // Application_no_crc32.evtx has no CRC32s, so the damage below is reported only where it
  // breaks a record. Its chunk lists records 426-442 (offsets 0x200-0x5780, the free-space
  // offset); older records (415…) lie after that and must never be read.
  const CHUNK = 4096;
  async function damaged(edit: (bytes: Uint8Array, view: DataView) => void): Promise<{ ids: number[]; warnings: string[] }> {
    const bytes = new Uint8Array(readFileSync(fixture('Application_no_crc32.evtx')));
    edit(bytes, new DataView(bytes.buffer, bytes.byteOffset));
    const ids: number[] = [];
    const warnings: string[] = [];
    for await (const r of readEvtxRecords(memoryByteSource(bytes), (w) => warnings.push(w.message))) ids.push(Number(r.recordId));
    return { ids, warnings };
  }
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

  it('a record size overwritten with 0 (as in omerbenamram/evtx sample-with-zero-data-size-event.evtx)', async () => {
    const { ids, warnings } = await damaged((_, view) => view.setUint32(CHUNK + 0x948 + 4, 0, true));
    expect(warnings).toEqual(['chunk 0 (file offset 0x1000), offset 0x948, record 428: size 0 does not fit the chunk; record 428 lost, reading resumes with record 429 at offset 0xd20']);
    expect(ids).toEqual([426, 427, ...range(429, 442)]);
  });

  it('a 4 KiB page of the chunk never written (zeros), as in unflushed logs', async () => {
    const { ids, warnings } = await damaged((bytes) => bytes.fill(0, CHUNK + 0x1000, CHUNK + 0x2000));
    expect(warnings).toEqual([
      'chunk 0 (file offset 0x1000), offset 0xd20, record 429: trailing size copy differs from size 888; records 429-435 lost, reading resumes with record 436 at offset 0x3ad8',
    ]);
    expect(ids).toEqual([426, 427, 428, ...range(436, 442)]);
  });

  it('zeros exactly where records were', async () => {
    const { ids, warnings } = await damaged((bytes) => bytes.fill(0, CHUNK + 0x1098, CHUNK + 0x1320));
    expect(warnings).toEqual(['chunk 0 (file offset 0x1000), offset 0x1098: zero fill where a record should be; records 430-431 lost, reading resumes with record 432 at offset 0x1320']);
    expect(ids).toEqual([...range(426, 429), ...range(432, 442)]);
  });

  it('a record whose id is outside the chunk header range (a page of another version of the chunk) does not stop the resumption', async () => {
    // As in omerbenamram/evtx's 2-vss_0-…RemoteConnectionManager%4Operational.evtx, whose chunk 1
    // (records 401513-401596) holds a page of records 462980-463010 from a later use of the chunk.
    // Record 430 given id 900: the chunk's 430 was never read, so it counts as lost.
    const { ids, warnings } = await damaged((bytes, view) => {
      view.setBigUint64(CHUNK + 0x1098 + 8, 900n, true);
      bytes.fill(0, CHUNK + 0x11d8 + 328 - 4, CHUNK + 0x11d8 + 328);
    });
    expect(warnings).toEqual(['chunk 0 (file offset 0x1000), offset 0x11d8, record 431: trailing size copy differs from size 328; records 430-431 lost, reading resumes with record 432 at offset 0x1320']);
    expect(ids).toEqual([...range(426, 429), 900, ...range(432, 442)]);
  });

  it('no intact record after the damage: the rest of the chunk is skipped, stale records stay unread', async () => {
    const { ids, warnings } = await damaged((bytes) => bytes.fill(0, CHUNK + 0x577c, CHUNK + 0x5780));
    expect(warnings).toEqual(['chunk 0 (file offset 0x1000), offset 0x5660, record 442: trailing size copy differs from size 288; rest of chunk skipped']);
    expect(ids).toEqual(range(426, 441));
  });
});
