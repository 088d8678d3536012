// compileMc takes its templates from its caller; without them the default loader reads templates/.
import { describe, expect, it } from 'vitest';
import { compileMc } from '../../src/mc/compile.js';
import { defaultMcTemplates } from '../../src/mc/templates.js';

const source = new TextEncoder().encode('MessageId=1\r\nSymbolicName=MSG_ONE\r\nLanguage=English\r\nOne.\r\n.\r\n');

describe('compileMc templates', () => {
  it('renders the templates it is given', () => {
    const result = compileMc(source, { inputName: 'x.mc', debugFile: true, templates: { header: 'H{{#each messages}} {{symbolicName}}{{/each}}', rc: 'R', dbg: 'D\n' } });
    const text = (name: string) => new TextDecoder().decode(result.files.find((f) => f.name === name)!.bytes);
    expect([text('x.h'), text('x.rc'), text('x.dbg')]).toEqual(['H MSG_ONE', 'R', 'D\r\n']);
  });

  it('without templates uses the package ones, the same as passing them', () => {
    const a = compileMc(source, { inputName: 'x.mc' });
    const b = compileMc(source, { inputName: 'x.mc', templates: defaultMcTemplates() });
    expect(a.files).toEqual(b.files);
    expect(a.files.map((f) => f.name)).toEqual(['x.h', 'x.rc', 'MSG00001.bin']);
  });

  it('finds two languages writing one .bin in the resolver (MC0028), with the model', () => {
    const clash = new TextEncoder().encode('LanguageNames=(German=0x407:msg00001)\r\nMessageId=1\r\nLanguage=English\r\nx\r\n.\r\nLanguage=German\r\ny\r\n.\r\n');
    const result = compileMc(clash, { inputName: 'x.mc' });
    expect(result.files).toEqual([]);
    expect(result.diagnostics.map((d) => `${d.code}: ${d.message}`)).toEqual(["MC0028: languages 'English' and 'German' both write msg00001.bin"]);
    expect(result.model?.languages.map((l) => l.name)).toEqual(['English', 'German']);
  });
});
