// TraceLogging self-describing events, decoded from their own metadata (EVENT_SCHEMA_TL and
// PROV_TRAITS extended data): primitive-types (every primitive in-type) against TraceEvent's
// baseline, lxcore_kernel against the values its SOURCE.txt gives, and the in-types and arrays the
// samples lack on synthetic metadata.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeTlPayload, readTlSchema } from '../../src/eventlog/etl/index.js';
import { baselineEvents, baselineValue, cleanupUnzipped, etlSkipNote, hasEtlCorpus, readAll, readFile, sampleDir, unzipped } from './etl-support.js';

afterAll(cleanupUnzipped);

const PRIMITIVE = 'microsoft__perfview__primitive-types';

describe.skipIf(!hasEtlCorpus)('primitive-types.etl', () => {
  it('decodes the 5 PrimitiveTypesTest events to the baseline\'s values', async () => {
    const path = unzipped(PRIMITIVE, 'primitive-types.etl.zip', 'primitive-types.etl');
    if (!path) return console.warn(etlSkipNote);
    const { events, warnings } = await readAll(readFile(path));
    expect(warnings).toEqual([]);
    const tl = events.filter((e) => e.eventName === 'PrimitiveTypesTest');
    expect(tl.length).toBe(5);
    expect(tl.every((e) => e.provider === 'solar_system' && e.providerGuid === 'd3dd3dd4-aac2-4e2a-8dd4-a8fb61b77615')).toBe(true);
    const want = baselineEvents(readFileSync(join(sampleDir(PRIMITIVE), 'primitive-types.baseline.txt'), 'utf8')).filter((b) => b.name === 'solar_system/PrimitiveTypesTest');
    expect(want.length).toBe(5);
    for (const [i, e] of tl.entries()) {
      const got: Record<string, string> = {};
      for (const [k, v] of Object.entries(e.fields!)) got[k] = baselineValue(v);
      const expected = { ...want[i]!.fields };
      // The provider declares int64_type with in-type UINT64 (10), read here as declared; TraceEvent
      // reads every 64-bit integer as signed, so its baseline shows the two's complement.
      expect(BigInt.asIntN(64, BigInt(e.fields!.int64_type as string)).toString()).toBe(expected.int64_type);
      delete expected.int64_type;
      delete got.int64_type;
      // TraceEvent reads SYSTEMTIME's milliseconds from the seconds' slot (its DynamicTraceEventData
      // does not advance the offset), so its value ends .0ss; the seconds are compared, and the
      // milliseconds against the FILETIME of the same moment.
      expect(got.system_time_type!.slice(0, 17)).toBe(expected.system_time_type!.slice(0, 17));
      expect((e.fields!.system_time_type as string).slice(0, 22)).toBe((e.fields!.file_time_type as string).slice(0, 22));
      delete expected.system_time_type;
      delete got.system_time_type;
      expect(got).toEqual(expected);
    }
  });

  it('has the baseline\'s logfile header values', async () => {
    const path = unzipped(PRIMITIVE, 'primitive-types.etl.zip', 'primitive-types.etl');
    if (!path) return;
    const { events } = await readAll(readFile(path));
    const header = baselineEvents(readFileSync(join(sampleDir(PRIMITIVE), 'primitive-types.baseline.txt'), 'utf8'))[0]!;
    expect(header.name).toBe('Windows Kernel/EventTrace');
    const got: Record<string, string> = {};
    for (const [k, v] of Object.entries(events[0]!.fields!)) got[k] = baselineValue(v);
    expect(got).toEqual(header.fields);
  });
});

describe.skipIf(!hasEtlCorpus)('lxcore_kernel.etl', () => {
  it('decodes the 2 BreakPoint events to the values of SOURCE.txt', async () => {
    const { events, warnings } = await readAll(readFile(join(sampleDir('airbus-cert__etl-parser__lxcore_kernel'), 'lxcore_kernel.etl')));
    expect(warnings).toEqual([]);
    const bp = events.filter((e) => e.eventName === 'BreakPoint');
    expect(bp.length).toBe(2);
    expect(bp.every((e) => e.providerGuid === '0cd1c309-0878-4515-83db-749843b3f5c9' && e.provider === 'Microsoft.Windows.Subsystem.LxCore')).toBe(true);
    expect(Object.keys(bp[0]!.fields!)).toEqual(['ErrorLevel', 'instanceId', 'LxPid', 'LxTid', 'LxNs', 'ExecutablePath', 'Function', 'Line', 'Message']);
    expect(bp.map((e) => e.fields!.Function)).toEqual(['LxpInstanceStart', 'LxpDrvFsTypeMount']);
    expect(bp.map((e) => e.fields!.Message)).toEqual(['[0xc0000034] LxpInstanceInitialize\n', 'Failed to open volume C:\\WINDOWS\\system32\\lxss\\tools, result -2\n']);
  });
});

/** TraceLogging metadata: u16 size, a tag byte, the event name, then the fields. */
function schema(event: string, fields: (string | number[])[]): Uint8Array {
  const bytes: number[] = [0, 0, 0];
  const text = (s: string) => bytes.push(...new TextEncoder().encode(s), 0);
  text(event);
  for (const f of fields) {
    if (typeof f === 'string') text(f);
    else bytes.push(...f);
  }
  bytes[0] = bytes.length & 0xff;
  bytes[1] = bytes.length >> 8;
  return Uint8Array.from(bytes);
}

describe('TraceLogging in-types, structs and arrays', () => {
  it('reads counted strings, binary, hex, SIDs, pointers, floats and a struct', () => {
    const meta = schema('Many', [
      'cs', [22], 'ca', [23], 'bin', [14 | 0x80, 0], 'h32', [20], 'h64', [21], 'sid', [19], 'p', [16], 'f', [11], 'd', [12], 'b32', [13],
      's', [24 | 0x80, 2], 'x', [7], 'y', [1],
    ]);
    const sch = readTlSchema(meta);
    expect(sch.name).toBe('Many');
    expect(sch.fields.map((f) => f.name)).toEqual(['cs', 'ca', 'bin', 'h32', 'h64', 'sid', 'p', 'f', 'd', 'b32', 's']);
    const p: number[] = [];
    const u16 = (n: number) => p.push(n & 0xff, n >> 8);
    const u32 = (n: number) => p.push(n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24);
    u16(4); p.push(0x68, 0, 0x69, 0); // "hi"
    u16(2); p.push(0x6f, 0x6b); // "ok"
    u16(3); p.push(1, 2, 3);
    u32(0xdeadbeef);
    u32(1); u32(2);
    p.push(1, 1, 0, 0, 0, 0, 0, 5); u32(18); // S-1-5-18
    u32(0x1000); u32(0);
    const f = new DataView(new ArrayBuffer(12));
    f.setFloat32(0, 1.5, true);
    f.setFloat64(4, -2.25, true);
    p.push(...new Uint8Array(f.buffer));
    u32(1);
    u32(-7 >>> 0); p.push(0x7a, 0, 0, 0); // struct { x = -7, y = "z" }
    expect(decodeTlPayload(sch, Uint8Array.from(p), 8)).toEqual({
      cs: 'hi', ca: 'ok', bin: '010203', h32: '0xdeadbeef', h64: '0x200000001', sid: 'S-1-5-18', p: '0x00001000', f: 1.5, d: -2.25, b32: true, s: { x: -7, y: 'z' },
    });
  });

  it('reads variable and constant count arrays, of structs too', () => {
    const sch = readTlSchema(schema('Arr', ['v', [8 | 0x40], 'c', [6 | 0x20, 2, 0], 'sa', [24 | 0x80 | 0x40, 1], 'n', [4]]));
    const p = [2, 0, 1, 0, 0, 0, 2, 0, 0, 0, 7, 0, 8, 0, 2, 0, 5, 6];
    expect(decodeTlPayload(sch, Uint8Array.from(p), 8)).toEqual({ v: [1, 2], c: [7, 8], sa: [{ n: 5 }, { n: 6 }] });
  });

  it('names the field when the user data is short', () => {
    const sch = readTlSchema(schema('Short', ['a', [7], 'b', [9]]));
    expect(() => decodeTlPayload(sch, Uint8Array.from([1, 0, 0, 0, 1, 2]), 8)).toThrow(/b needs 8 bytes, only 2 remain/);
  });
});
