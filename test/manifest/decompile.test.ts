// Reading a template back: decompileCrim's manifest, compiled again by compileManifest with the
// same generation, gives the same TEMP.BIN and message tables, byte for byte, for every corpus
// TEMP.BIN (with its MSG*.bin) and for ClrEtwAll.man compiled in each generation; what cannot come
// back is a located warning, never a silent difference.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileManifest, type ManifestFile } from '../../src/manifest/compile.js';
import { FormatError } from '../../src/binary/errors.js';
import { CrimFormatError, readCrim } from '../../src/manifest/crim.js';
import { crimGeneration, crimToManifest, decompileCrim, listCrim, type MessageTableInput } from '../../src/manifest/decompile.js';
import { MANIFEST_GENERATIONS, isManifestGeneration, type ManifestGeneration } from '../../src/manifest/generation.js';
import { readMessageTable } from '../../src/rc-gen/message-table.js';
import { corpusRoot, corpusSkipNote } from '../support/paths.js';

const manDir = join(corpusRoot, 'man');
const clr = join(corpusRoot, 'etl', 'ClrEtwAll.man');
const hasManCorpus = existsSync(manDir);

function firstDifference(a: Uint8Array, b: Uint8Array): string | undefined {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return `first difference at 0x${i.toString(16)} (sizes ${a.length}, ${b.length})`;
  return undefined;
}

const tablesOf = (files: { languageId: number; bytes: Uint8Array }[]): MessageTableInput[] =>
  files.map((f) => ({ languageId: f.languageId, entries: readMessageTable(f.bytes).entries }));

/** Decompiles, compiles again, and expects the same template and tables. */
function roundTrip(temp: Uint8Array, bins: { languageId: number; bytes: Uint8Array }[], generation: ManifestGeneration) {
  const crim = readCrim(temp);
  const r = decompileCrim(crim, bins.length ? tablesOf(bins) : undefined, { generation });
  expect(r.warnings).toEqual([]);
  expect(r.exact).toBe(true);
  const again = compileManifest(new TextEncoder().encode(r.text), { inputName: 'back.man', generation });
  expect(again.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const t = again.files.find((f) => f.kind === 'template')!;
  expect(firstDifference(t.bytes, temp)).toBeUndefined();
  if (bins.length === 0) return r; // the case did not keep mc's tables
  const tables = again.files.filter((f) => f.kind === 'bin');
  expect(tables.map((f) => f.languageId)).toEqual(bins.map((b) => b.languageId));
  bins.forEach((b, i) => expect(firstDifference(tables[i]!.bytes, b.bytes)).toBeUndefined());
  return r;
}

interface Case {
  name: string;
  temp: string;
  bins: string[];
  generation: ManifestGeneration;
}

function cases(): Case[] {
  if (!hasManCorpus) return [];
  const out: Case[] = [];
  for (const name of readdirSync(manDir).sort()) {
    const c = JSON.parse(readFileSync(join(manDir, name, 'case.json'), 'utf8')) as { expected: string[]; generation: string };
    const temp = c.expected.find((f) => f.endsWith('TEMP.BIN'));
    if (!temp || !isManifestGeneration(c.generation)) continue;
    const dir = join(manDir, name, 'expected');
    out.push({ name, temp: join(dir, temp), bins: c.expected.filter((f) => /MSG\d{5}\.bin$/.test(f)).sort().map((f) => join(dir, f)), generation: c.generation });
  }
  return out;
}

describe.skipIf(!hasManCorpus)(`decompile → compile, every corpus TEMP.BIN (${hasManCorpus ? manDir : corpusSkipNote})`, () => {
  const all = cases();
  it('has the 21 cases that kept a TEMP.BIN', () => expect(all.length).toBe(21));
  for (const c of all) {
    it(c.name, () => {
      const temp = new Uint8Array(readFileSync(c.temp));
      // The corpus manifests are en-US: MSG00001.bin is 0x409.
      const bins = c.bins.map((f) => ({ languageId: 0x409, bytes: new Uint8Array(readFileSync(f)) }));
      expect(crimGeneration(readCrim(temp)) === c.generation || (c.generation === 'sdk10.0.10240' && crimGeneration(readCrim(temp)) === 'sdk10.0.10240')).toBe(true);
      roundTrip(temp, bins, c.generation);
      expect(listCrim(readCrim(temp))).toMatch(readCrim(temp).providers.length ? /^ {2}provider 0 \{/ : /^$/);
    });
  }
});

describe.skipIf(!hasManCorpus)('decompile → compile, every corpus manifest compiled by winmc in each generation', () => {
  const inputs = hasManCorpus
    ? readdirSync(manDir)
        .sort()
        .map((name) => ({ name, path: join(manDir, name, 'input', (JSON.parse(readFileSync(join(manDir, name, 'case.json'), 'utf8')) as { input: string }).input) }))
    : [];
  for (const { name, path } of inputs)
    it(name, () => {
      const source = new Uint8Array(readFileSync(path));
      for (const generation of MANIFEST_GENERATIONS) {
        const first = compileManifest(source, { inputName: path, generation });
        expect(first.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        const temp = first.files.find((f) => f.kind === 'template')!.bytes;
        roundTrip(temp, first.files.filter((f) => f.kind === 'bin').map((f) => ({ languageId: f.languageId!, bytes: f.bytes })), generation);
      }
    });
});

describe.skipIf(!existsSync(clr))(`ClrEtwAll.man, compiled by winmc in each generation (${existsSync(clr) ? clr : corpusSkipNote})`, () => {
  const source = existsSync(clr) ? new Uint8Array(readFileSync(clr)) : new Uint8Array();
  for (const generation of MANIFEST_GENERATIONS) {
    it(generation, () => {
      const first = compileManifest(source, { inputName: 'ClrEtwAll.man', generation });
      expect(first.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const temp = first.files.find((f) => f.kind === 'template')!.bytes;
      const bins = first.files.filter((f): f is ManifestFile & { languageId: number } => f.kind === 'bin' && f.languageId !== undefined);
      expect(crimGeneration(readCrim(temp))).toBe(generation === 'sdk-newest' ? 'sdk10.0.16299' : generation);
      roundTrip(temp, bins, generation);
    }, 60_000);
  }
});

const enc = (s: string) => new TextEncoder().encode(s);
const NS = 'xmlns="http://schemas.microsoft.com/win/2004/08/events" xmlns:win="http://manifests.microsoft.com/win/2004/08/windows/events" xmlns:xs="http://www.w3.org/2001/XMLSchema"';

function compiled(man: string, generation: ManifestGeneration = 'sdk10.0.16299') {
  const r = compileManifest(enc(man), { inputName: 'm.man', generation });
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return {
    temp: r.files.find((f) => f.kind === 'template')!.bytes,
    bins: r.files.filter((f) => f.kind === 'bin').map((f) => ({ languageId: f.languageId!, bytes: f.bytes })),
  };
}

describe('decompile → compile, made-up manifests', () => {
  // Event 2 comes first and owns the shared string; event 1, stored before it, must be written after it.
  // Map items are numbered in document order, stored by value. Two cultures, the second lacking a string.
  const man = `<?xml version="1.0"?>
<instrumentationManifest ${NS}>
 <instrumentation><events>
  <provider name="Contoso-Demo" guid="{11111111-2222-3333-4444-555555555555}" symbol="DEMO" resourceFileName="d.dll" messageFileName="d.dll" message="$(string.prov)">
   <channels>
    <importChannel name="System" chid="System"/>
    <channel name="Contoso-Demo/Operational" chid="op" type="Operational" message="$(string.op)"/>
   </channels>
   <levels><level name="Chatty" value="16" message="$(string.chatty)"/></levels>
   <tasks><task name="Work" value="7" message="$(string.work)"><opcodes><opcode name="Begin" value="20" message="$(string.begin)"/></opcodes></task></tasks>
   <keywords><keyword name="Disk" mask="0x4" message="$(string.disk)"/><keyword name="Net" mask="0x1" message="$(string.net)"/></keywords>
   <maps><valueMap name="Colors"><map value="9" message="$(string.nine)"/><map value="1" message="$(string.one)"/></valueMap>
         <bitMap name="Flags"><map value="0x2" message="$(string.two)"/><map value="0x1" message="$(string.shared)"/></bitMap></maps>
   <templates>
    <template tid="t1" name="Pair"><data name="A" inType="win:UInt32" map="Colors"/><data name="N" inType="win:UInt16"/><data name="B" inType="win:UnicodeString" count="N"/>
     <struct name="S" count="2"><data name="X" inType="win:Int32" outType="win:HResult"/></struct></template>
    <template tid="t2"><data name="V" inType="win:UInt32"/>
     <UserData><Evt xmlns="urn:demo"><V>%1</V></Evt></UserData></template>
   </templates>
   <events>
    <event value="2" version="1" channel="op" level="win:Error" task="Work" opcode="Begin" keywords="Disk Net" template="t1" message="$(string.shared)"/>
    <event value="1" channel="System" level="Chatty" template="t2" message="$(string.shared)"/>
    <event value="3" channel="Application" level="win:Warning" message="$(string.three)"/>
   </events>
  </provider>
 </events></instrumentation>
 <localization>
  <resources culture="en-US"><stringTable>
   <string id="prov" value="Demo"/><string id="op" value="Ops"/><string id="chatty" value="Chatty"/><string id="work" value="Work"/>
   <string id="begin" value="Begin"/><string id="disk" value="Disk"/><string id="net" value="Net"/><string id="nine" value="Nine &amp; &lt;tab&gt;&#x9;"/>
   <string id="one" value="One%n%1"/><string id="two" value="Two&#xD;&#xA;lines"/><string id="shared" value="Shared"/><string id="three" value="Three"/>
  </stringTable></resources>
  <resources culture="de-DE"><stringTable>
   <string id="prov" value="Demo"/><string id="op" value="Betrieb"/><string id="chatty" value="Gespr&#xE4;chig"/><string id="work" value="Arbeit"/>
   <string id="begin" value="Beginn"/><string id="disk" value="Platte"/><string id="net" value="Netz"/><string id="nine" value="Neun"/>
   <string id="one" value="Eins"/><string id="two" value="Zwei"/><string id="shared" value="Geteilt"/>
  </stringTable></resources>
 </localization>
</instrumentationManifest>`;

  for (const generation of MANIFEST_GENERATIONS) {
    it(`shared strings, implicit channels, map order, two cultures (${generation})`, () => {
      const { temp, bins } = compiled(man, generation);
      expect(bins.map((b) => b.languageId)).toEqual([0x409, 0x407]);
      const r = roundTrip(temp, bins, generation);
      expect(r.text).toContain('<resources culture="de-DE">');
      expect(r.text.indexOf('value="2" version="1"')).toBeLessThan(r.text.indexOf('value="1" version="0"'));
    });
  }

  it('a single Map of texts is taken as en-US, and no tables still give the same TEMP.BIN', () => {
    const { temp, bins } = compiled(man);
    const crim = readCrim(temp);
    const texts = new Map(readMessageTable(bins[0]!.bytes).entries.map((e) => [e.id, e.text]));
    const text = crimToManifest(crim, texts);
    const again = compiled(text);
    expect(firstDifference(again.temp, temp)).toBeUndefined();
    expect(firstDifference(again.bins[0]!.bytes, bins[0]!.bytes)).toBeUndefined();
    const bare = decompileCrim(crim);
    expect(bare.warnings).toEqual([]);
    expect(firstDifference(compiled(bare.text).temp, temp)).toBeUndefined();
  });

  it('two providers: a string shared across them, System imported by both, filters, pattern maps, task opcodes', () => {
    const two = `<?xml version="1.0"?>
<instrumentationManifest ${NS}><instrumentation><events>
 <provider name="A" guid="{31111111-2222-3333-4444-555555555555}" symbol="A" resourceFileName="a.dll" messageFileName="a.dll" message="$(string.common)">
  <channels><importChannel name="System" chid="System"/><channel name="A/Admin" chid="adm" type="Admin" value="20" message="$(string.adm)"/></channels>
  <levels><level name="L17" value="17" message="$(string.e5)"/></levels>
  <tasks><task name="T" value="9" message="$(string.t)"><opcodes><opcode name="Go" value="12" message="$(string.go)"/><opcode name="Went" value="11" message="$(string.go)"/></opcodes></task></tasks>
  <opcodes><opcode name="Top" value="200" message="$(string.top)"/></opcodes>
  <namedQueries><patternMaps><patternMap name="PM" format="a%1b"><map name="x" value="1"/><map name="y" value="two"/></patternMap></patternMaps></namedQueries>
  <templates><template tid="t"><data name="N" inType="win:UInt32"/></template></templates>
  <filters><filter name="F" value="3" version="1" tid="t" message="$(string.f)"/></filters>
  <events>
   <event value="5" channel="System" level="L17" task="T" opcode="Went" message="$(string.e5)"/>
   <event value="4" channel="adm" task="T" opcode="Go" keywords="" message="$(string.common)"/>
   <event value="6" opcode="Top" template="t" message="$(string.f)"/>
  </events>
 </provider>
 <provider name="B" guid="{41111111-2222-3333-4444-555555555555}" symbol="B" resourceFileName="b.dll" messageFileName="b.dll" message="$(string.b)">
  <channels><importChannel name="System" chid="System"/><importChannel name="A/Admin"/></channels>
  <events><event value="1" channel="System" level="win:Error" message="$(string.common)"/><event value="2" channel="A/Admin" message="$(string.adm)"/></events>
 </provider>
</events></instrumentation>
<localization><resources culture="en-US"><stringTable>
 <string id="common" value="Common"/><string id="adm" value="Admin"/><string id="e5" value="Five"/><string id="t" value="T"/><string id="go" value="Go"/>
 <string id="top" value="Top"/><string id="f" value="F"/><string id="b" value="B"/>
</stringTable></resources></localization></instrumentationManifest>`;
    for (const generation of MANIFEST_GENERATIONS) {
      const { temp, bins } = compiled(two, generation);
      roundTrip(temp, bins, generation);
    }
  });

  it('tells the generation of a CRIM 3 blob from its UserData GUIDs when it has no EventData template', () => {
    const ud = `<?xml version="1.0"?>
<instrumentationManifest ${NS}><instrumentation><events>
 <provider name="P" guid="{21111111-2222-3333-4444-555555555555}" symbol="P" resourceFileName="p.dll" messageFileName="p.dll">
  <templates><template tid="t"><data name="A" inType="win:UInt8"/><data name="B" inType="win:GUID"/>
   <UserData><u:Evt xmlns:u="urn:u"><u:A> %1 </u:A><u:B>%2</u:B>
   </u:Evt></UserData></template></templates>
  <events><event value="1" template="t"/></events>
 </provider></events></instrumentation></instrumentationManifest>`;
    for (const generation of ['sdk8.1', 'sdk10.0.10240'] as const) {
      const { temp } = compiled(ud, generation);
      const r = decompileCrim(readCrim(temp));
      expect(r.warnings).toEqual([]);
      expect(r.generation).toBe(generation);
      expect(firstDifference(compiled(r.text, generation).temp, temp)).toBeUndefined();
    }
  });

  it('a message id mc cannot number is a located warning, not a claim of exactness', () => {
    const { temp, bins } = compiled(man);
    const crim = readCrim(temp);
    const e = crim.providers[0]!.events.find((x) => x.id === 3)!;
    e.messageId = 0xb0001234;
    const r = decompileCrim(crim, tablesOf(bins));
    expect(r.exact).toBe(false);
    const w = r.warnings.find((x) => x.item === 'event 3 version 0')!;
    expect(w.block).toBe('EVNT of {11111111-2222-3333-4444-555555555555}');
    expect(w.message).toMatch(/message id 0xB0001234 cannot be produced: mc numbers this item's string 0x00000003/);
    expect(r.text.split('\r\n')[w.line! - 1]).toContain('<event value="3"');
    // The table entry nothing uses any more is reported too.
    expect(r.warnings.some((x) => x.block === 'message table 0x0409' && /0xB0001234|0x00000003/.test(x.item))).toBe(true);
  });

  it('an unknown LANGID and a text without CR LF are reported', () => {
    const { temp, bins } = compiled(man);
    const entries = readMessageTable(bins[0]!.bytes).entries.map((e) => (e.text === 'Demo\r\n' ? { ...e, text: 'Demo' } : e));
    const r = decompileCrim(readCrim(temp), [{ languageId: 0x7777, entries }]);
    expect(r.warnings.map((w) => w.block)).toContain('message table 0x7777');
    expect(r.warnings.some((w) => /does not end in CR LF/.test(w.message))).toBe(true);
  });
});

describe.skipIf(!hasManCorpus)('decompileCrim on damaged corpus blobs', () => {
  it('writes a manifest for every blob readCrim accepts, and reports instead of throwing', () => {
    let seed = 4242;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const blobs = cases()
      .filter((c) => /Large|nccgroup|wpf-etw__mc8|TaskOpcodes__mc15063|ImportChannelFromProvider__mc18362|EventAttributes/.test(c.name))
      .map((c) => new Uint8Array(readFileSync(c.temp)));
    let read = 0;
    let inexact = 0;
    for (let i = 0; i < 150; i++) {
      const b = blobs[i % blobs.length]!.slice();
      for (let k = 0, n = 1 + rnd(3); k < n; k++) b[rnd(b.length)] = rnd(3) === 0 ? 0xff : rnd(256);
      let crim;
      try {
        crim = readCrim(b);
      } catch {
        continue;
      }
      read++;
      const r = decompileCrim(crim);
      expect(r.text).toMatch(/^<\?xml/);
      if (!r.exact) {
        inexact++;
        for (const w of r.warnings) expect(w.block.length).toBeGreaterThan(0);
      }
    }
    expect(read).toBeGreaterThan(25);
    expect(inexact).toBeGreaterThan(0);
  }, 120_000);
});

describe('CrimFormatError', () => {
  it('is the project\'s FormatError, with its block and offset, and the same message', () => {
    let err: unknown;
    try {
      readCrim(new Uint8Array([0x43, 0x52, 0x49, 0x4d, 0xff, 0, 0, 0, 5, 0, 1, 0, 0, 0, 0, 0]));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CrimFormatError);
    expect(err).toBeInstanceOf(FormatError);
    const e = err as CrimFormatError;
    expect([e.format, e.structure, e.block, e.offset, e.detail]).toEqual(['CRIM', 'CRIM', 'CRIM', 4, 'size 255 exceeds the file (16 bytes)']);
    expect(e.message).toBe('CRIM: size 255 exceeds the file (16 bytes) (at file offset 0x4)');
  });
});
