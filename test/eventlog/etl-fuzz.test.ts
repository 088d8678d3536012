// Damaged and truncated .etl files: the reader warns (naming the buffer and its file offset) and
// goes on; it never throws anything but for a caller's own errors, never hangs, never reads past
// the end. A fast-check property mutates real samples (uncompressed, compressed, TraceLogging).

import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { WMI_BUFFER_HEADER } from '../../src/eventlog/etl/index.js';
import { cleanupUnzipped, etlSkipNote, firstBuffers, hasEtlCorpus, LXCORE_ETL as LXCORE, mutableSamples as samples, readAll, readFile, sampleDir, SHUTDOWN_ETL as SHUTDOWN, unzipped } from './etl-support.js';

afterAll(cleanupUnzipped);

describe.skipIf(!hasEtlCorpus)('damaged .etl files', () => {
  it('skips a buffer whose record does not fit, naming the buffer and its offset, and reads the others', async () => {
    const bytes = readFile(join(sampleDir('.'), SHUTDOWN));
    const whole = (await readAll(bytes)).events.length;
    const bad = bytes.slice();
    // buffer 3's first record gets a Size that runs past the buffer
    const at = 3 * 65536 + WMI_BUFFER_HEADER.size;
    new DataView(bad.buffer).setUint16(at + 4, 0xfff0, true);
    const { events, warnings } = await readAll(bad);
    expect(warnings.length).toBe(1);
    expect(warnings[0]).toMatch(/^buffer 3 \(file offset 0x30000\), record at buffer offset 0x48: .*Size 65520 runs past the buffer's data \(65400 bytes left\); the rest of the buffer is skipped$/);
    expect(events.length).toBeLessThan(whole);
    expect(events.length).toBeGreaterThan(whole - 1000);
  });

  it('skips a compressed buffer that does not decompress', async () => {
    const net = unzipped('microsoft__perfview__net.4.5.2.x64', 'net.4.5.2.x64.etl.zip', 'net.4.5.2.x64.etl');
    if (!net) return console.warn(etlSkipNote);
    const bytes = firstBuffers(readFile(net), 4);
    const second = new DataView(bytes.buffer).getUint32(0, true);
    const bad = bytes.slice();
    bad.fill(0xff, second + WMI_BUFFER_HEADER.size, second + WMI_BUFFER_HEADER.size + 8); // flags all "match", matches reach back past the start
    const { events, warnings } = await readAll(bad);
    expect(warnings.length).toBe(2);
    expect(warnings[0]).toMatch(new RegExp(`^buffer 1 \\(file offset 0x${second.toString(16)}\\): plain LZ77: .*; buffer skipped$`));
    // and the cut: 4 of the 360 buffers are there
    expect(warnings[1]).toMatch(/^buffer 4 \(file offset 0x[0-9a-f]+\): the file ends after 4 buffers; its logfile header says 360 were written$/);
    expect(events.length).toBeGreaterThan(0);
  });

  it('reads a file cut anywhere, with a warning about the cut', async () => {
    for (const { name, bytes } of samples()) {
      for (const cut of [1, 0x47, 0x48, 0x100, 0x1000, bytes.length >> 1, bytes.length - 1]) {
        const { warnings } = await readAll(bytes.subarray(0, cut));
        if (cut < bytes.length) expect(warnings.length, `${name} cut at ${cut}`).toBeGreaterThan(0);
        for (const w of warnings) expect(w, name).toMatch(/^buffer \d+ \(file offset 0x[0-9a-f]+\)/);
      }
    }
  });

  it('property: mutated samples give events and warnings, never an exception or a hang', async () => {
    const all = samples();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: all.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 24 }),
        fc.option(fc.nat(), { nil: undefined }),
        fc.boolean(),
        async (which, edits, cut, options) => {
          const src = all[which]!.bytes;
          const bytes = src.slice(0, cut === undefined ? src.length : cut % (src.length + 1));
          for (const [at, value] of edits) if (bytes.length) bytes[at % bytes.length] = value;
          const started = Date.now();
          // (half the runs with the first pass over the Thread events and TraceLog's sample rule)
          const { events, warnings } = await readAll(bytes, options ? { threadsAhead: true, dropIdleSamples: true } : {});
          expect(Date.now() - started).toBeLessThan(20_000);
          for (const w of warnings) expect(w).toMatch(/^buffer \d+ \(file offset 0x[0-9a-f]+\)/);
          for (const e of events) {
            expect(e.offset).toBeLessThanOrEqual(bytes.length);
            expect(typeof e.eventName).toBe('string');
          }
        },
      ),
      { numRuns: Number(process.env.ETL_FUZZ_RUNS ?? 300), seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined },
    );
  });

  it('property: random bytes after a valid first buffer are warnings, not errors', async () => {
    const head = readFile(join(sampleDir('.'), LXCORE)).slice(0, 8192);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 20000 }), async (tail) => {
        const bytes = new Uint8Array(head.length + tail.length);
        bytes.set(head);
        bytes.set(tail, head.length);
        const { events } = await readAll(bytes);
        expect(events.length).toBeGreaterThanOrEqual(2);
      }),
      { numRuns: 200 },
    );
  });
});

describe.skipIf(!hasEtlCorpus)('warnings quote what the file says, escaped', () => {
  it('a TraceLogging event name with a control character, in the warning of a field that does not fit (npm run fuzz, seed 20261201, .etl input 800)', async () => {
    const bytes = readFile(join(sampleDir('.'), LXCORE));
    // lxcore_kernel's first BreakPoint event: its name's "e" becomes BEL (the name is at file
    // offset 8420), and the u16 length of its ExecutablePath counted string (at 8549) 0xFFFF
    expect(new TextDecoder().decode(bytes.subarray(8420, 8430))).toBe('BreakPoint');
    const bad = bytes.slice();
    bad[8422] = 0x07;
    bad[8549] = 0xff;
    bad[8550] = 0xff;
    const { warnings } = await readAll(bad);
    expect(warnings).toEqual(['buffer 1 (file offset 0x2000), record at buffer offset 0x48: TraceLogging event Br\\x07akPoint: ExecutablePath needs 65535 bytes, only 57 remain; its payload is kept as hex']);
  });
});
