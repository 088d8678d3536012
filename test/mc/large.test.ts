// The big real message files: all compile (ru-RU in code page 1251) except Wine's winerror.mc,
// which uses a facility only Wine's wmc predefines and which mc.exe rejects.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileMc } from '../../src/mc/compile.js';
import { formatDiagnostic } from '../../src/mc/diagnostics.js';
import { readMessageTable } from '../../src/rc-gen/message-table.js';
import { corpusRoot, corpusSkipNote, hasCorpus, largeInputs } from '../support/paths.js';

const dir = join(corpusRoot, 'large');
describe.skipIf(!hasCorpus)(`large real .mc files (${hasCorpus ? dir : corpusSkipNote})`, () => {
  for (const input of hasCorpus ? largeInputs() : []) {
    const file = input.path.split('/').pop()!;
    if (input.name.endsWith('winerror')) {
      it(`${input.name} is rejected with a located undefined-facility error`, () => {
        const result = compileMc(readFileSync(input.path), { inputName: file, ansiCodepage: input.codepage });
        expect(result.files).toEqual([]);
        expect(formatDiagnostic(result.diagnostics[0]!, file)).toBe(
          "winerror.mc(3946,10) : error MC0011: facility 'Null' is not defined (known: Application, System, Trust, Security)",
        );
      });
      continue;
    }
    it(`${input.name} compiles, and its tables read back`, () => {
      const result = compileMc(readFileSync(input.path), { inputName: file, ansiCodepage: input.codepage });
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const bins = result.files.filter((f) => f.kind === 'bin');
      expect(bins.length).toBeGreaterThan(0);
      for (const bin of bins) {
        const lang = result.model!.languages.find((l) => l.binName === bin.name)!;
        const { entries } = readMessageTable(bin.bytes);
        expect(entries.map((e) => [e.id, e.text])).toEqual(
          [...lang.messages].sort((a, b) => a.value - b.value).map((m) => [m.value, m.text]),
        );
      }
    });
  }
});
