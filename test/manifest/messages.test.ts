// The message tables (MSGnnnnn.bin) against every corpus case that kept mc.exe's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assignMessageIds } from '../../src/manifest/message-ids.js';
import { manifestMessageEntries, manifestMessageTables, messageTableFileName } from '../../src/manifest/messages.js';
import { parseManifest } from '../../src/manifest/parse.js';
import { readMessageTable } from '../../src/rc-gen/message-table.js';
import { corpusSkipNote, hasManifestCorpus as hasManCorpus, manifestCorpusCases, manifestCorpusDir as manDir } from '../support/paths.js';

interface MsgCase {
  name: string;
  input: string;
  baseName: string;
  binPrefix: boolean;
  tables: string[];
}

function msgCases(): MsgCase[] {
  return manifestCorpusCases().flatMap((c) => {
    const tables = c.expected.filter((f) => /MSG\d{5}\.bin$/i.test(f));
    return tables.length === 0 ? [] : [{ name: c.name, input: c.input, baseName: c.baseName, binPrefix: c.binPrefix, tables }];
  });
}

describe.skipIf(!hasManCorpus)(`message tables of the mc.exe corpus (${hasManCorpus ? manDir : corpusSkipNote})`, () => {
  const cases = msgCases();
  it('has the 14 cases that kept a message table', () => expect(cases.length).toBe(14));
  for (const c of cases) {
    it(c.name, () => {
      const r = parseManifest(new Uint8Array(readFileSync(c.input)), c.input);
      expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      assignMessageIds(r.manifest!);
      const tables = manifestMessageTables(r.manifest!, { baseName: c.baseName, binPrefix: c.binPrefix });
      for (const file of c.tables) {
        const t = tables.find((x) => x.name === file);
        expect(t, `${file} among ${tables.map((x) => x.name).join(', ')}`).toBeDefined();
        const expected = new Uint8Array(readFileSync(join(manDir, c.name, 'expected', file)));
        // Entries first, for a readable failure; then the bytes.
        expect(readMessageTable(t!.bytes).entries).toEqual(readMessageTable(expected).entries);
        expect(Buffer.from(t!.bytes).equals(Buffer.from(expected))).toBe(true);
      }
    });
  }
});

describe('manifest message tables', () => {
  const man = (body: string, resources: string) =>
    new TextEncoder().encode(`<?xml version="1.0"?>
<instrumentationManifest xmlns="http://schemas.microsoft.com/win/2004/08/events" xmlns:win="http://manifests.microsoft.com/win/2004/08/windows/events">
 <instrumentation><events>
  <provider name="P" guid="{01234567-89AB-CDEF-0123-456789ABCDEF}" symbol="P" resourceFileName="p.dll" messageFileName="p.dll" message="$(string.p)">
   ${body}
  </provider>
 </events></instrumentation>
 <localization>${resources}</localization>
</instrumentationManifest>`);

  it('names the tables MSGnnnnn.bin in culture order, with the base name and an underscore for -z/-b', () => {
    expect(messageTableFileName(0, { baseName: 'x', binPrefix: false })).toBe('MSG00001.bin');
    expect(messageTableFileName(1, { baseName: 'x', binPrefix: true })).toBe('x_MSG00002.bin');
  });

  it('a manifest without <localization> gets an en-US table for the predefined items it uses, and none without them', () => {
    const bare = (events: string) =>
      new TextEncoder().encode(`<instrumentationManifest xmlns="http://schemas.microsoft.com/win/2004/08/events" xmlns:win="http://manifests.microsoft.com/win/2004/08/windows/events"><instrumentation><events>
  <provider name="P" guid="{01234567-89AB-CDEF-0123-456789ABCDEF}" symbol="P" resourceFileName="p.dll" messageFileName="p.dll"><events>${events}</events></provider>
</events></instrumentation></instrumentationManifest>`);
    const tablesOf = (events: string) => {
      const r = parseManifest(bare(events), 'x.man');
      expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      assignMessageIds(r.manifest!);
      return manifestMessageTables(r.manifest!, { baseName: 'x', binPrefix: true });
    };
    const t = tablesOf('<event value="1" level="win:Error" opcode="win:Start"/>');
    expect(t.map((x) => [x.name, x.languageId])).toEqual([['x_MSG00001.bin', 0x409]]);
    expect(readMessageTable(t[0]!.bytes).entries.map((e) => [e.id >>> 0, e.text])).toEqual([
      [0x30000001, 'Start\r\n'],
      [0x50000002, 'Error\r\n'],
    ]);
    expect(tablesOf('<event value="1"/>')).toEqual([]);
  });

  it('one table per culture; a string used twice is one entry; texts end in CR LF, unchanged otherwise', () => {
    const r = parseManifest(
      man(
        `<events><event value="1" level="win:Error" message="$(string.e)"/><event value="2" message="$(string.e)"/></events>`,
        `<resources culture="en-US"><stringTable><string id="p" value="Prov"/><string id="e" value="100% %1 &amp; %n"/><string id="unused" value="u"/></stringTable></resources>
         <resources culture="de-DE"><stringTable><string id="p" value="Anbieter"/><string id="e" value="E"/></stringTable></resources>`,
      ),
      'x.man',
    );
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const m = r.manifest!;
    assignMessageIds(m);
    expect(m.providers[0]!.events.map((e) => e.message?.messageId)).toEqual([0xb0000001, 0xb0000001]);
    expect(manifestMessageEntries(m, 0).map((e) => [e.id >>> 0, e.text])).toEqual([
      [0x90000001, 'Prov\r\n'],
      [0x50000002, 'Error\r\n'],
      [0xb0000001, '100% %1 & %n\r\n'],
    ]);
    const tables = manifestMessageTables(m, { baseName: 'x', binPrefix: false });
    expect(tables.map((t) => [t.name, t.languageId])).toEqual([
      ['MSG00001.bin', 0x409],
      ['MSG00002.bin', 0x407],
    ]);
    expect(readMessageTable(tables[1]!.bytes).entries.map((e) => e.text)).toEqual(['Error\r\n', 'Anbieter\r\n', 'E\r\n']);
  });
});
