import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileMc } from '../../src/mc/compile.js';
import { readMessageTable, writeMessageTable, type MessageTableEntry } from '../../src/rc-gen/message-table.js';
import { encodeMcSource, messageTablesToMc, type McSourceTable } from '../../src/rc-gen/mc-source.js';
import { corpusRoot, corpusTables, hasCorpus, hasTool, run, tempDir } from './peers.js';

const WINDMC = 'x86_64-w64-mingw32-windmc';
const WMC = '/usr/lib/wine/wmc';
const hasWindmc = hasTool(WINDMC);
const hasWmc = hasTool(WMC);
const work = tempDir('mc-source');
afterAll(() => rmSync(work, { recursive: true, force: true }));

if (!hasCorpus) console.warn(`mc-source.test: corpus not found at ${corpusRoot}; the corpus round trips are skipped`);

/** Compiles generated .mc text with the switches it asks for; returns the .bin per LANGID. */
function compileBack(tables: readonly McSourceTable[], codepage = 1252): Map<number, Uint8Array> {
  const mc = messageTablesToMc(tables, { source: 'test' });
  const result = compileMc(encodeMcSource(mc.text), {
    inputName: 'dumped.mc',
    noTrailingNewline: mc.switches.includes('-n'),
    ansiBins: mc.switches.includes('-A'),
    customerBit: mc.switches.includes('-c'),
    ansiCodepage: codepage,
  });
  expect(result.diagnostics.filter((d) => d.severity === 'error'), mc.text.slice(0, 2000)).toEqual([]);
  return new Map(result.files.filter((f) => f.kind === 'bin').map((f) => [f.languageId!, f.bytes]));
}

const cases = hasCorpus
  ? readdirSync(join(corpusRoot, 'mc'))
      .map((name) => ({ name, tables: corpusTables(join(corpusRoot, 'mc', name)), json: JSON.parse(readFileSync(join(corpusRoot, 'mc', name, 'case.json'), 'utf8')) }))
      .filter((c) => c.tables !== undefined)
  : [];

describe.skipIf(!hasCorpus)('genuine mc.exe tables → .mc → compile gives the same .bin (skipped without corpus)', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const codepage: number = c.json.ansiCodepage ?? 1252;
    const tables = c.tables!.map((t) => ({ languageId: t.languageId, entries: readMessageTable(t.data, codepage).entries }));
    const mc = messageTablesToMc(tables);
    if (mc.problems.length > 0) {
      // Only the devcon .bin (a 2016 mc.exe stored blank lines as a bare LF, MC-SPEC.md §4.1) is not expressible.
      expect(c.name).toBe('kenjinote__devcon__msg');
      expect(mc.problems[0]!.message).toMatch(/line break other than CR LF/);
      return;
    }
    const bins = compileBack(tables, codepage);
    for (const t of c.tables!) expect(Buffer.from(bins.get(t.languageId)!).equals(Buffer.from(t.data)), `language 0x${t.languageId.toString(16)}`).toBe(true);
  });
});

/** The .bin files a compiler wrote, by LANGID, read from the LANGUAGE lines of its .rc. */
function binsOfRc(dir: string, rcName: string): Map<number, Uint8Array> {
  const bins = new Map<number, Uint8Array>();
  let language = -1;
  for (const line of readFileSync(join(dir, rcName), 'latin1').split(/\r?\n/)) {
    const lang = /^LANGUAGE\s+0x([0-9a-f]+),\s*0x([0-9a-f]+)/i.exec(line);
    if (lang) language = (parseInt(lang[2]!, 16) << 10) | parseInt(lang[1]!, 16);
    const res = /^1\s+(?:11|MESSAGETABLE)\s+"([^"]+)"/.exec(line);
    if (res) bins.set(language, readFileSync(join(dir, res[1]!)));
  }
  return bins;
}

describe.skipIf(!hasCorpus || !hasWindmc || !hasWmc)('windmc and wmc compile the dumped .mc to the same tables (skipped without corpus, windmc or wmc)', () => {
  // Both read only plain ASCII here (windmc knows no BOM); -n, -A and -c differ between the tools.
  const portable = cases
    .map((c) => ({ ...c, mc: messageTablesToMc(c.tables!.map((t) => ({ languageId: t.languageId, entries: readMessageTable(t.data, c.json.ansiCodepage).entries }))) }))
    .filter((c) => c.mc.problems.length === 0 && c.mc.switches.length === 0 && /^[\x00-\x7f]*$/.test(c.mc.text));

  it('covers several corpus cases', () => expect(portable.length).toBeGreaterThan(5));

  it.each(portable.map((c) => [c.name, c] as const))('%s', (name, c) => {
    const dir = join(work, name);
    for (const tool of ['windmc', 'wmc']) mkdirSync(join(dir, tool), { recursive: true });
    writeFileSync(join(dir, 'dumped.mc'), c.mc.text);
    run(WINDMC, ['-U', '-r', 'windmc', '-h', 'windmc', 'dumped.mc'], dir);
    run(WMC, ['-o', 'dumped.rc', '../dumped.mc'], join(dir, 'wmc'));
    for (const [tool, bins] of [['windmc', binsOfRc(join(dir, 'windmc'), 'dumped.rc')], ['wmc', binsOfRc(join(dir, 'wmc'), 'dumped.rc')]] as const) {
      expect([...bins.keys()].sort(), tool).toEqual(c.tables!.map((t) => t.languageId).sort());
      for (const t of c.tables!) expect(Buffer.from(bins.get(t.languageId)!).equals(Buffer.from(t.data)), `${tool} 0x${t.languageId.toString(16)}`).toBe(true);
    }
  });
});

describe('what an .mc can and cannot say', () => {
  const u = (id: number, text: string): MessageTableEntry => ({ id, text, unicode: true });

  it('keeps severities, facilities and codes of full 32-bit values', () => {
    const entries = [u(1, 'one\r\n'), u(0xc0ff0002, 'two %1\r\n'), u(0x80070005, 'five\r\n\r\n'), u(0x4fff_ffff & ~0x10000000, 'max\r\n')];
    const bins = compileBack([{ languageId: 0x409, entries }]);
    expect(bins.get(0x409)).toEqual(writeMessageTable(entries));
  });

  it('uses -n when a text does not end in CR LF, and still keeps the ones that do', () => {
    const entries = [u(1, 'prompt: '), u(2, 'line\r\n'), u(3, ''), u(4, 'a\r\nb')];
    const mc = messageTablesToMc([{ languageId: 0x409, entries }]);
    expect(mc.switches).toEqual(['-n']);
    expect(compileBack([{ languageId: 0x409, entries }]).get(0x409)).toEqual(writeMessageTable(entries));
  });

  it('writes an empty text as an empty block', () => {
    const entries = [u(1, ''), u(2, 'x\r\n')];
    expect(messageTablesToMc([{ languageId: 0x409, entries }]).switches).toEqual([]);
    expect(compileBack([{ languageId: 0x409, entries }]).get(0x409)).toEqual(writeMessageTable(entries));
  });

  it('carries several languages, with messages missing in some', () => {
    const tables = [
      { languageId: 0x409, entries: [u(1, 'one\r\n'), u(2, 'two\r\n')] },
      { languageId: 0x40c, entries: [u(1, 'un é\r\n')] },
      { languageId: 0x0, entries: [u(2, 'neutral\r\n')] },
    ];
    const bins = compileBack(tables);
    for (const t of tables) expect(bins.get(t.languageId)).toEqual(writeMessageTable(t.entries));
  });

  it('needs -c when every message has the Customer bit, and -A for ANSI tables', () => {
    const entries = [{ id: 0xe0010001, text: 'caf\u00e9\r\n', unicode: false }];
    const mc = messageTablesToMc([{ languageId: 0x409, entries }]);
    expect(mc.switches).toEqual(['-A', '-c']);
    expect(compileBack([{ languageId: 0x409, entries }]).get(0x409)).toEqual(writeMessageTable(entries));
  });

  it.each([
    ['a bare LF', [u(1, 'a\nb\r\n')], /line break other than CR LF/],
    ["a lone '.' line", [u(1, 'a\r\n.\r\n')], /single '\.'/],
    ['bit 28', [u(0x10000001, 'x\r\n')], /bit 28/],
    ['a Customer bit on some messages only', [u(0x20000001, 'x\r\n'), u(2, 'y\r\n')], /Customer bit/],
    ['ANSI and Unicode mixed', [u(1, 'x\r\n'), { id: 2, text: 'y\r\n', unicode: false }], /ANSI/],
  ])('reports %s', (_what, entries, message) => {
    const mc = messageTablesToMc([{ languageId: 0x409, entries }]);
    expect(mc.problems.map((p) => p.message).join('\n')).toMatch(message);
  });

  it('--lossy gives an .mc whose FormatMessage output matches where the bytes cannot', () => {
    const entries = [u(1, 'a\nb\n'), u(2, 'x\r\n.\r\n'), u(0x10000003, 'gone\r\n')];
    const mc = messageTablesToMc([{ languageId: 0x409, entries }], { lossy: true });
    expect(mc.problems).toHaveLength(3);
    const result = compileMc(encodeMcSource(mc.text), { noTrailingNewline: mc.switches.includes('-n') });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const back = readMessageTable(result.files.find((f) => f.kind === 'bin')!.bytes).entries;
    expect(back.map((e) => [e.id, e.text])).toEqual([
      [1, 'a\r\nb\r\n'],
      [2, 'x\r\n%.\r\n'],
    ]);
  });
});
