// The manifest-mode .rc against every corpus case that kept mc.exe's .rc.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderManifestRc } from '../../src/manifest/rc.js';
import { corpusSkipNote, hasManifestCorpus as hasManCorpus, manifestCorpusCases, manifestCorpusDir as manDir } from '../support/paths.js';

interface RcCase {
  name: string;
  rcFile: string;
  baseName: string;
  zPrefix: boolean;
}

function rcCases(): RcCase[] {
  return manifestCorpusCases().flatMap((c) => {
    const rcFile = c.expected.find((f) => f.toLowerCase().endsWith('.rc'));
    return rcFile ? [{ name: c.name, rcFile, baseName: c.baseName, zPrefix: c.zGiven }] : [];
  });
}

describe('renderManifestRc', () => {
  it('writes one LANGUAGE/MESSAGETABLE pair per table, in the order given, then WEVT_TEMPLATE, in CR LF', () => {
    const text = new TextDecoder().decode(
      renderManifestRc({
        baseName: 'app',
        tables: [
          { name: 'MSG00001.bin', languageId: 0x409 },
          { name: 'MSG00002.bin', languageId: 0x40d },
          { name: 'MSG00003.bin', languageId: 0x804 },
        ],
      }),
    );
    expect(text).toBe(
      'LANGUAGE 0x9,0x1\r\n1 11 "MSG00001.bin"\r\nLANGUAGE 0xd,0x1\r\n1 11 "MSG00002.bin"\r\nLANGUAGE 0x4,0x2\r\n1 11 "MSG00003.bin"\r\n1 WEVT_TEMPLATE "appTEMP.BIN"\r\n',
    );
  });

  it('writes only the template resource when there are no message tables', () => {
    expect(new TextDecoder().decode(renderManifestRc({ baseName: 'x', tables: [] }))).toBe('1 WEVT_TEMPLATE "xTEMP.BIN"\r\n');
  });

  it('doubles backslashes in file names and takes a user template', () => {
    const text = new TextDecoder().decode(renderManifestRc({ baseName: 'a\\b', tables: [{ name: 'd\\MSG00001.bin', languageId: 0x409 }] }));
    expect(text).toBe('LANGUAGE 0x9,0x1\r\n1 11 "d\\\\MSG00001.bin"\r\n1 WEVT_TEMPLATE "a\\\\bTEMP.BIN"\r\n');
    const custom = renderManifestRc({ baseName: 'x', tables: [{ name: 'M.bin', languageId: 0x409 }], template: '{{#each tables}}{{name}}={{languageId}};{{/each}}{{templateFile}}\n' });
    expect(new TextDecoder().decode(custom)).toBe('M.bin=1033;xTEMP.BIN\r\n');
  });
});

describe.skipIf(!hasManCorpus)(`mc.exe manifest .rc (${hasManCorpus ? manDir : corpusSkipNote})`, () => {
  for (const c of hasManCorpus ? rcCases() : []) {
    it(`${c.name}: ${c.rcFile}`, () => {
      const expected = readFileSync(join(manDir, c.name, 'expected', c.rcFile));
      // Every corpus manifest has one en-US <resources>: mc names its table MSG00001.bin (x_MSG00001.bin with -z x).
      const table = `${c.zPrefix ? `${c.baseName}_` : ''}MSG00001.bin`;
      const got = renderManifestRc({ baseName: c.baseName, tables: [{ name: table, languageId: 0x409 }] });
      expect(Buffer.from(got).toString('latin1')).toBe(expected.toString('latin1'));
    });
  }
});
