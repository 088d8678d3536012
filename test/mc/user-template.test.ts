// A user's --header-template that does not compile or render is a diagnostic located in the
// template (`FILE(line,col) : error MC1006: …`), exit 1, nothing written: for .mc files and for
// manifests, through the library and the CLI (issue 15).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileManifest } from '../../src/manifest/compile.js';
import { compileMc } from '../../src/mc/compile.js';
import { formatDiagnostic } from '../../src/mc/diagnostics.js';
import { repoRoot, winmcBin } from '../support/paths.js';

const mcInput = readFileSync(join(repoRoot, 'examples', 'app.mc'));
const manInput = readFileSync(join(repoRoot, 'examples', 'provider.man'));

const BAD: { name: string; source: string; expected: string }[] = [
  { name: 'unknown-helper.hbs', source: '// header\n{{frob baseName}}\n', expected: "(2,1) : error MC1006: unknown helper 'frob': a template can use only each, if, unless, with, lookup, log" },
  { name: 'unclosed.hbs', source: 'first\n  {{#each messages}}\n{{symbolicName}}\n', expected: '(2,3) : error MC1006: {{#each}} is never closed: {{/each}} missing before the end of the template' },
  { name: 'mismatched.hbs', source: '{{#each messages}}\n{{#if x}}\n{{/each}}\n', expected: '(2,4) : error MC1006: {{#if}} is closed by {{/each}}' },
];

describe('a bad user template is a located diagnostic (library)', () => {
  for (const bad of BAD) {
    it(`.mc: ${bad.name}`, () => {
      const r = compileMc(mcInput, { inputName: 'app.mc', headerTemplate: bad.source, headerTemplateName: bad.name });
      expect(r.files).toEqual([]);
      expect(r.diagnostics.map((d) => formatDiagnostic(d, 'app.mc'))).toEqual([`${bad.name}${bad.expected}`]);
    });

    it(`manifest: ${bad.name}`, () => {
      const r = compileManifest(manInput, { inputName: 'provider.man', userMode: true, templates: { header: bad.source }, templateNames: { header: bad.name } });
      expect(r.files).toEqual([]);
      expect(r.diagnostics.map((d) => formatDiagnostic(d, 'provider.man'))).toEqual([`${bad.name}${bad.expected}`]);
    });
  }

  it('without a name the diagnostic says which template', () => {
    const r = compileManifest(manInput, { inputName: 'provider.man', csharp: { namespace: 'App', staticClass: false }, templates: { csharp: '{{frob x}}' } });
    expect(formatDiagnostic(r.diagnostics[0]!, 'provider.man')).toMatch(/^csharp template\(1,1\) : error MC1006: unknown helper 'frob'/);
  });

  it('a good user template still renders, for both kinds', () => {
    const mc = compileMc(mcInput, { inputName: 'app.mc', headerTemplate: '{{#each messages}}{{symbolicName}}\n{{/each}}' });
    expect(new TextDecoder().decode(mc.files.find((f) => f.kind === 'header')!.bytes)).toBe('MSG_HELLO\r\nMSG_PROMPT\r\nMSG_FAIL\r\n');
    const man = compileManifest(manInput, { inputName: 'provider.man', templates: { header: '// {{#each providers}}{{name}}{{/each}}\n' } });
    expect(man.diagnostics).toEqual([]);
    expect(man.files.find((f) => f.kind === 'header')).toBeDefined();
  });
});

const built = existsSync(join(repoRoot, 'dist', 'cli', 'main.js'));
describe.skipIf(!built)(`a bad --header-template on the command line${built ? '' : ' (skipped: run npm run build first)'}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'winmc-user-template-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const [kind, input] of [
    ['.mc', join(repoRoot, 'examples', 'app.mc')],
    ['manifest', join(repoRoot, 'examples', 'provider.man')],
  ] as const) {
    for (const bad of BAD) {
      it(`${kind}: ${bad.name}: exit 1, the diagnostic, nothing written`, () => {
        const template = join(dir, bad.name);
        writeFileSync(template, bad.source);
        const out = join(dir, `out-${kind}-${bad.name}`);
        const r = spawnSync(process.execPath, [winmcBin, 'compile', '-h', out, '-r', out, '--header-template', template, input], { encoding: 'utf8' });
        expect(r.stderr).toBe(`${template}${bad.expected}\n`);
        expect(r.status).toBe(1);
        expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
      });
    }
  }
});
