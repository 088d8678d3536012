// The CRIM blob (<base>TEMP.BIN) against every corpus case that kept mc.exe's: written from the
// parsed manifest, and read back (the reader's description re-encodes to the same bytes and equals
// what the writer describes). Malformed blobs are refused with the block and file offset.
import { readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTemplateFragment, writeTemplateFragment } from '../../src/eventlog/binxml/writer.js';
import { nameHash } from '../../src/eventlog/binxml/tokens.js';
import { CrimFormatError, describeManifest, encodeCrim, guidFromText, guidToText, readCrim, writeCrim } from '../../src/manifest/crim.js';
import { md5From } from '../../src/manifest/crim-hash.js';
import { crimToManifest } from '../../src/manifest/decompile.js';
import { manifestMessageTables } from '../../src/manifest/messages.js';
import { readMessageTable } from '../../src/rc-gen/message-table.js';
import { isManifestGeneration } from '../../src/manifest/generation.js';
import { assignMessageIds } from '../../src/manifest/message-ids.js';
import { parseManifest } from '../../src/manifest/parse.js';
import { corpusSkipNote, hasManifestCorpus as hasManCorpus, manifestCorpusCases, manifestCorpusDir as manDir } from '../support/paths.js';

interface TempCase {
  name: string;
  input: string;
  expected: string;
  generation: string;
}

function tempCases(): TempCase[] {
  return manifestCorpusCases().flatMap((c) => {
    const file = c.expected.find((f) => f.endsWith('TEMP.BIN'));
    return file ? [{ name: c.name, input: c.input, expected: join(c.dir, 'expected', file), generation: c.generation }] : [];
  });
}

function compile(c: TempCase) {
  const r = parseManifest(new Uint8Array(readFileSync(c.input)), c.input);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  assignMessageIds(r.manifest!);
  if (!isManifestGeneration(c.generation)) throw new Error(`unknown generation ${c.generation}`);
  return { manifest: r.manifest!, generation: c.generation };
}

function firstDifference(a: Uint8Array, b: Uint8Array): string | undefined {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return `first difference at 0x${i.toString(16)} (sizes ${a.length}, ${b.length})`;
  return undefined;
}

describe.skipIf(!hasManCorpus)(`TEMP.BIN of the mc.exe corpus (${hasManCorpus ? manDir : corpusSkipNote})`, () => {
  const cases = tempCases();
  it('has the 21 cases that kept a TEMP.BIN', () => expect(cases.length).toBe(21));
  for (const c of cases) {
    describe(c.name, () => {
      const expected = new Uint8Array(readFileSync(c.expected));
      it('writeCrim is byte-identical', () => {
        const { manifest, generation } = compile(c);
        expect(firstDifference(writeCrim(manifest, generation), expected)).toBeUndefined();
      });
      it('crimToManifest writes a manifest that compiles back to the same TEMP.BIN (and message table)', () => {
        const dir = join(c.expected, '..');
        const table = readdirSync(dir).find((f) => /MSG\d{5}\.bin$/.test(f));
        const strings = new Map<number, string>();
        if (table) for (const e of readMessageTable(new Uint8Array(readFileSync(join(dir, table)))).entries) strings.set(e.id >>> 0, e.text);
        const read = readCrim(expected);
        const r = parseManifest(new TextEncoder().encode(crimToManifest(read, strings, { generation: c.generation as never, verify: false })), 'decompiled.man');
        expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        assignMessageIds(r.manifest!);
        expect(firstDifference(writeCrim(r.manifest!, c.generation as never), expected)).toBeUndefined();
        if (table) {
          const again = manifestMessageTables(r.manifest!, { baseName: 'x', binPrefix: false })[0]!;
          expect(firstDifference(again.bytes, new Uint8Array(readFileSync(join(dir, table))))).toBeUndefined();
        }
      });
      it('readCrim gives back what writeCrim describes, and re-encodes to the same bytes', () => {
        const read = readCrim(expected);
        expect(firstDifference(encodeCrim(read), expected)).toBeUndefined();
        const { manifest, generation } = compile(c);
        expect(read).toEqual(describeManifest(manifest, generation));
      });
    });
  }
});

describe('readCrim refuses malformed blobs with the block and the file offset', () => {
  const sample = () => {
    // A provider with a channel, a level, a template and an event, written by the encoder.
    const file = readCrim(
      encodeCrim({
        major: 5,
        minor: 1,
        providers: [
          {
            guid: '{01234567-89AB-CDEF-0123-456789ABCDEF}',
            messageId: 0x90000001,
            lists: ['channel', 'template', 'providerAttributes', 'opcode', 'level', 'task', 'keyword', 'event'],
            channels: [{ flags: 0, name: 'P/Op', value: 16, messageId: 0x90000002 }],
            levels: [{ name: 'win:Error', value: 2, messageId: 0x50000002 }],
            opcodes: [],
            tasks: [],
            keywords: [],
            maps: [],
            namedQueries: [],
            templates: [
              {
                guid: '{00000000-0000-5000-0000-000000000000}',
                flags: 1,
                paramCount: 1,
                xml: {
                  kind: 'element',
                  name: 'EventData',
                  attributes: [],
                  children: [{ kind: 'element', name: 'Data', attributes: [{ name: 'Name', value: [{ kind: 'value', type: 1, value: 'x' }] }], children: [{ kind: 'substitution', index: 0, type: 8, optional: false }] }],
                },
                properties: [{ name: 'x', flags: 0, inType: 8, outType: 8, count: 0, length: 0 }],
              },
            ],
            events: [{ id: 1, version: 0, channel: 16, level: 2, opcode: 0, task: 0, keywords: 1n << 63n, messageId: 0xb0000001, template: 0, levelRef: 0, channelRef: 0, keywordRefs: [] }],
            filters: [],
            providerAttributes: [{ flags: 0x10000001, value: 'P' }],
            eventAttributes: [],
          },
        ],
      }),
    );
    return encodeCrim(file);
  };

  const expectError = (bytes: Uint8Array, block: RegExp, offset: number) => {
    let err: unknown;
    try {
      readCrim(bytes);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CrimFormatError);
    const e = err as CrimFormatError;
    expect(e.block).toMatch(block);
    expect(e.offset).toBe(offset);
    expect(e.message).toContain(`0x${offset.toString(16)}`);
  };

  it('round-trips the sample', () => {
    const b = sample();
    expect(firstDifference(encodeCrim(readCrim(b)), b)).toBeUndefined();
  });

  it('not a CRIM blob', () => expectError(new TextEncoder().encode('MZ\x90\x00 not a template at all'), /^CRIM$/, 0));

  it('a truncated file', () => {
    const b = sample();
    expectError(b.subarray(0, 30), /^CRIM/, 4);
  });

  it('a list tag that is not there', () => {
    const b = sample();
    const view = new DataView(b.buffer);
    const wevt = view.getUint32(32, true);
    const chan = view.getUint32(wevt + 20, true); // first descriptor's offset
    b[chan] = 0x58; // 'X' instead of 'C'
    expectError(b, /^CHAN of \{01234567/, chan);
  });

  it('an event pointing at no level entry', () => {
    const b = sample();
    const view = new DataView(b.buffer);
    const wevt = view.getUint32(32, true);
    const count = view.getUint32(wevt + 12, true);
    let evnt = 0;
    for (let i = 0; i < count; i++) if (view.getUint32(wevt + 16 + i * 8, true) === 4) evnt = view.getUint32(wevt + 20 + i * 8, true);
    view.setUint32(evnt + 16 + 28, 0x12345, true);
    expectError(b, /^EVNT of /, evnt + 16 + 28);
  });

  it('a BinXML name whose hash does not match', () => {
    const b = sample();
    const view = new DataView(b.buffer);
    const wevt = view.getUint32(32, true);
    const ttbl = view.getUint32(wevt + 28, true); // second descriptor
    const temp = ttbl + 12;
    b[temp + 40 + 4 + 7] ^= 0xff; // the hash of <EventData>
    expectError(b, /^TTBL of /, temp + 40 + 4 + 7);
  });
});

describe.skipIf(!hasManCorpus)('readCrim on damaged corpus blobs', () => {
  it('either reads them or throws a CrimFormatError, never anything else', () => {
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const blobs = tempCases()
      .filter((c) => /Large|nccgroup|wpf-etw__mc8|TaskOpcodes__mc15063/.test(c.name))
      .map((c) => new Uint8Array(readFileSync(c.expected)));
    let refused = 0;
    for (let i = 0; i < 300; i++) {
      const b = blobs[i % blobs.length]!.slice();
      for (let k = 0, n = 1 + rnd(4); k < n; k++) {
        const at = rnd(b.length);
        b[at] = rnd(3) === 0 ? 0xff : rnd(256);
      }
      const cut = rnd(10) === 0 ? b.subarray(0, rnd(b.length)) : b;
      try {
        readCrim(cut);
      } catch (e) {
        if (!(e instanceof CrimFormatError)) throw e;
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(25);
  });
});

describe('template BinXML and hashes', () => {
  it('writes and reads a fragment with attributes, text and substitutions', () => {
    const root = {
      kind: 'element' as const,
      name: 'Root',
      attributes: [{ name: 'xmlns', value: [{ kind: 'value' as const, type: 1, value: 'urn:x' }] }],
      children: [{ kind: 'element' as const, name: 'A', attributes: [], children: [{ kind: 'substitution' as const, index: 6, type: 0x84, optional: false }] }],
    };
    const bytes = writeTemplateFragment(root);
    expect(bytes.length % 4).toBe(0);
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0x0f, 1, 1, 0]);
    expect(readTemplateFragment(bytes, 0, bytes.length)).toEqual(root);
  });

  it('hashes names as mc does', () => {
    expect(nameHash('EventData')).toBe(nameHash('EventData'));
    expect(nameHash('SimpleEvent')).toBe(0xffa8);
  });

  it('MD5 from the standard state is MD5', () => {
    for (const s of ['', 'abc', 'x'.repeat(55), 'y'.repeat(56), 'z'.repeat(1000)]) {
      const data = new TextEncoder().encode(s);
      expect(Buffer.from(md5From(data)).toString('hex')).toBe(createHash('md5').update(data).digest('hex'));
    }
  });

  it('GUID text and bytes convert both ways', () => {
    const t = '{9CDE86C9-DFB9-463F-B2C5-71EEC232A69C}';
    expect(Array.from(guidFromText(t).subarray(0, 4))).toEqual([0xc9, 0x86, 0xde, 0x9c]);
    expect(guidToText(guidFromText(t))).toBe(t);
  });
});
