// Damaged and unusual logs: the readable records come out, each problem is a warning naming the
// chunk/record (or a located error for an unreadable header), and nothing throws, hangs or reads
// past the end. Also the circular EVT case and memory use on a large EVTX log.

import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryByteSource, readEventLogFile, readEventRecords, type EventRecord } from '../../src/eventlog/events.js';
import { EVTX_CHUNK_SIZE, EVTX_FILE_HEADER_BLOCK_SIZE, largeEvtxPieces, makeLargeEvtx, readEvtxFileHeader } from '../../src/eventlog/evtx.js';
import { readEvtFileHeader } from '../../src/eventlog/evt.js';
import { evtxCorpusFile as corpusFile, hasEvtxCorpus as hasCorpus } from '../support/paths.js';

async function readBytes(bytes: Uint8Array): Promise<{ events: EventRecord[]; warnings: string[] }> {
  const events: EventRecord[] = [];
  const warnings: string[] = [];
  for await (const e of readEventRecords(memoryByteSource(bytes), (w) => warnings.push(w.message))) events.push(e);
  return { events, warnings };
}

const summary = (e: EventRecord) => `${e.recordId} ${e.provider} ${e.eventId} ${JSON.stringify(e.strings)}`;

describe('not an event log', () => {
  it('rejects a file without either signature', async () => {
    await expect(readBytes(new TextEncoder().encode('hello, this is not a log at all'))).rejects.toThrow(/not an event log/);
  });

  it('rejects an EVTX header cut short, naming the size', async () => {
    await expect(readBytes(new TextEncoder().encode('ElfFile\0abc'))).rejects.toThrow(/11 bytes, too short for the 128-byte EVTX header/);
  });

  it('an EVTX header with no chunks yields nothing', async () => {
    const header = new Uint8Array(EVTX_FILE_HEADER_BLOCK_SIZE);
    header.set(new TextEncoder().encode('ElfFile\0'));
    const v = new DataView(header.buffer);
    v.setUint16(38, 3, true);
    v.setUint16(40, 4096, true);
    const { events, warnings } = await readBytes(header);
    expect(events).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(/file header CRC32 mismatch/)]);
  });
});

describe.skipIf(!hasCorpus)('damaged EVTX (skipped without the corpus)', () => {
  const sample = hasCorpus ? new Uint8Array(readFileSync(corpusFile('system.evtx'))) : new Uint8Array();

  it('plaso_System2.evtx: the readable records and a warning naming the truncated chunk', async () => {
    const events: EventRecord[] = [];
    const warnings: string[] = [];
    for await (const e of readEventLogFile(corpusFile('plaso_System2.evtx'), (w) => warnings.push(w.message))) events.push(e);
    expect(events.length).toBe(194);
    expect(warnings).toEqual([expect.stringMatching(/^chunk 2 \(file offset 0x21000\): file ends after 64832 of its 65536 bytes \(truncated\)/)]);
  });

  it('a flipped byte in a record: CRC warning naming the chunk, the other records intact', async () => {
    const good = await readBytes(sample);
    const bad = sample.slice();
    const chunk1 = EVTX_FILE_HEADER_BLOCK_SIZE + EVTX_CHUNK_SIZE;
    // Inside the first record's string data of chunk 1 would be fragile to locate; the record
    // header's written-time field is safe to change and is covered by the data CRC.
    bad[chunk1 + 512 + 16] ^= 0xff;
    const { events, warnings } = await readBytes(bad);
    expect(warnings).toEqual([expect.stringMatching(/^chunk 1 \(file offset 0x11000\): record data CRC32 mismatch/)]);
    expect(events.map(summary)).toEqual(good.events.map(summary));
  });

  it('a broken record size: warning naming chunk, offset and record id; later chunks still read', async () => {
    const good = await readBytes(sample);
    const bad = sample.slice();
    const chunk1 = EVTX_FILE_HEADER_BLOCK_SIZE + EVTX_CHUNK_SIZE;
    const view = new DataView(bad.buffer);
    const firstId = view.getBigUint64(chunk1 + 512 + 8, true);
    view.setUint32(chunk1 + 512 + 4, 0x7fffffff, true);
    const { events, warnings } = await readBytes(bad);
    expect(warnings).toContainEqual(expect.stringMatching(new RegExp(`^chunk 1 \\(file offset 0x11000\\), offset 0x200, record ${firstId}: size 2147483647 does not fit the chunk`)));
    const lostIds = new Set(good.events.filter((e) => !events.some((x) => x.recordId === e.recordId && x.offset === e.offset)).map((e) => e.offset));
    // Exactly chunk 1's records are lost.
    for (const offset of lostIds) expect(offset >= chunk1 && offset < chunk1 + EVTX_CHUNK_SIZE).toBe(true);
    expect(events.length).toBeGreaterThan(good.events.length - 200);
  });

  it('a chunk with a wrong signature is skipped with a warning', async () => {
    const bad = sample.slice();
    bad[EVTX_FILE_HEADER_BLOCK_SIZE + 2 * EVTX_CHUNK_SIZE] = 0x58;
    const { warnings } = await readBytes(bad);
    expect(warnings).toEqual(['chunk 2 (file offset 0x21000): no "ElfChnk" signature; chunk skipped']);
  });

  it('random damage anywhere never throws past the header and always ends', async () => {
    const small = sample.subarray(0, EVTX_FILE_HEADER_BLOCK_SIZE + 2 * EVTX_CHUNK_SIZE);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ at: fc.integer({ min: 128, max: small.length - 1 }), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 128, max: small.length }),
        async (edits, length) => {
          const bytes = small.slice(0, length);
          for (const e of edits) if (e.at < length) bytes[e.at] = e.value;
          const { events } = await readBytes(bytes);
          expect(events.length).toBeLessThanOrEqual(2 * 200);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('makeLargeEvtx repeats the chunks under a valid header', async () => {
    const big = makeLargeEvtx(sample, 40 * EVTX_CHUNK_SIZE);
    const header = readEvtxFileHeader(big);
    expect(header.checksum).toBe(header.computedChecksum);
    expect(header.chunkCount).toBe(40);
    expect(big.length).toBe(EVTX_FILE_HEADER_BLOCK_SIZE + 40 * EVTX_CHUNK_SIZE);
    const good = await readBytes(sample);
    const { events, warnings } = await readBytes(big);
    expect(warnings).toEqual([]);
    const perChunk = (sample.length - EVTX_FILE_HEADER_BLOCK_SIZE) / EVTX_CHUNK_SIZE;
    // 40 chunks = two full passes over the sample's chunks plus the first 40 - 2n of them.
    expect(events.slice(0, good.events.length).map(summary)).toEqual(good.events.map(summary));
    expect(events.length).toBeGreaterThan(good.events.length * Math.floor(40 / perChunk));
  });
});

describe.skipIf(!hasCorpus)('EVT circular buffer (skipped without the corpus)', () => {
  /** The same log with its record area rotated by `shift` bytes, as if the writer had wrapped elsewhere. */
  function rotate(evt: Uint8Array, shift: number): Uint8Array {
    const span = evt.length - 0x30;
    const out = new Uint8Array(evt.length);
    out.set(evt.subarray(0, 0x30));
    for (let p = 0; p < span; p++) out[0x30 + ((p + shift) % span)] = evt[0x30 + p]!;
    const v = new DataView(out.buffer);
    const moved = (offset: number) => 0x30 + ((offset - 0x30 + shift) % span);
    v.setUint32(16, moved(v.getUint32(16, true)), true);
    v.setUint32(20, moved(v.getUint32(20, true)), true);
    return out;
  }

  it('reads the same records whichever way the ring is rotated, records split at the end included', async () => {
    const evt = new Uint8Array(readFileSync(corpusFile('plaso_SysEvent.Evt')));
    const header = readEvtFileHeader(evt);
    expect(header.flags & 0x2).toBe(0x2); // the sample has itself wrapped
    const good = await readBytes(evt);
    expect(good.warnings).toEqual([]);
    const span = evt.length - 0x30;
    // Records are DWORD-aligned, so the end of the file falls on a DWORD of a record: right
    // after its size, inside its fixed header, and in its strings.
    for (const into of [4, 8, 28, 100]) {
      const shift = (span - (header.firstRecordOffset - 0x30) - into + span) % span;
      const { events, warnings } = await readBytes(rotate(evt, shift));
      expect(warnings, `split ${into} bytes into the first record`).toEqual([]);
      expect(events.map(summary)).toEqual(good.events.map(summary));
    }
  });

  it('a record with a bad size ends the walk with a warning naming its offset', async () => {
    const evt = new Uint8Array(readFileSync(corpusFile('plaso_SysEvent.Evt')));
    const header = readEvtFileHeader(evt);
    const good = await readBytes(evt);
    const bad = evt.slice();
    // The 11th record from the oldest.
    let pos = header.firstRecordOffset;
    const v = new DataView(bad.buffer);
    for (let i = 0; i < 10; i++) pos += v.getUint32(pos, true);
    v.setUint32(pos, 3, true);
    const { events, warnings } = await readBytes(bad);
    expect(events.map(summary)).toEqual(good.events.slice(0, 10).map(summary));
    expect(warnings).toEqual([`record at file offset 0x${pos.toString(16)}: no valid record header (size 3); reading stopped`]);
  });

  it('random damage in an EVT log never throws past the header and always ends', async () => {
    const evt = new Uint8Array(readFileSync(corpusFile('plaso_SysEvent.Evt')));
    const header = readEvtFileHeader(evt);
    // Oldest record moved to offset 0x30, then cut to 300 kB so each run stays short.
    const span = evt.length - 0x30;
    const base = rotate(evt, (span - (header.firstRecordOffset - 0x30)) % span).slice(0, 300_000);
    expect(readEvtFileHeader(base).firstRecordOffset).toBe(0x30);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ at: fc.integer({ min: 0x30, max: base.length - 1 }), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 30 }),
        async (edits) => {
          const bytes = base.slice();
          for (const e of edits) bytes[e.at] = e.value;
          const { events } = await readBytes(bytes);
          expect(events.length).toBeLessThan(2000);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe.skipIf(!hasCorpus)('memory stays flat on a large EVTX log (skipped without the corpus)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'winmc-events-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a 48 MB log with far less than 48 MB of extra memory', async () => {
    const path = join(dir, 'large.evtx');
    const fd = openSync(path, 'w');
    let written = 0;
    for (const piece of largeEvtxPieces(readFileSync(corpusFile('system.evtx')), 48 * 1024 * 1024)) {
      writeSync(fd, piece);
      written += piece.length;
    }
    closeSync(fd);
    expect(written).toBeGreaterThanOrEqual(48 * 1024 * 1024);
    const memory = () => process.memoryUsage();
    const baseline = memory();
    let peakBuffers = baseline.arrayBuffers;
    let peakTotal = baseline.heapUsed + baseline.arrayBuffers;
    let records = 0;
    for await (const _e of readEventLogFile(path)) {
      if (++records % 500 !== 0) continue;
      const m = memory();
      peakBuffers = Math.max(peakBuffers, m.arrayBuffers);
      peakTotal = Math.max(peakTotal, m.heapUsed + m.arrayBuffers);
    }
    expect(records).toBeGreaterThan(90_000);
    // Reading the file whole would add 48 MB of array buffers; streaming holds one 64 KiB chunk
    // (plus small value copies awaiting collection). Uncollected garbage makes the total loose.
    console.log(`memory growth reading 48 MB: array buffers ${((peakBuffers - baseline.arrayBuffers) / 1048576).toFixed(1)} MB, heap + buffers ${((peakTotal - baseline.heapUsed - baseline.arrayBuffers) / 1048576).toFixed(1)} MB`);
    expect(peakBuffers - baseline.arrayBuffers).toBeLessThan(12 * 1024 * 1024);
    expect(peakTotal - baseline.heapUsed - baseline.arrayBuffers).toBeLessThan(40 * 1024 * 1024);
  });
});
