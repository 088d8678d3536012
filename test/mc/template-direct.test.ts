// The .mc templates as plain functions (src/mc/template-direct.ts, made by `npm run build`)
// against handlebars itself: the same text for the model of every fixture and corpus .mc file
// under each output generation and banner, and on small templates, either handlebars' text or a
// FALLBACK (render.ts then lets handlebars render) for every kind of value.
import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileMc, type CompileOptions } from '../../src/mc/compile.js';
import { normalizeTemplate, renderTemplate, TEMPLATE_OPTIONS } from '../../src/mc/render.js';
import { compileDirect, directRenderer, FALLBACK, type DirectRenderer } from '../../src/mc/template-direct.js';
import { loadTemplate } from '../../src/mc/templates.js';
import { corpusRoot, hasCorpus, largeInputs, mcFilesUnder, repoRoot } from '../support/paths.js';

function bothWays(source: string) {
  const normalized = normalizeTemplate(source);
  // As scripts/bundle.js parses it (compile options carry nothing the parser reads).
  const body = compileDirect(Handlebars.parse(normalized));
  const handlebars = Handlebars.compile(normalized, TEMPLATE_OPTIONS);
  return { direct: body === undefined ? undefined : directRenderer(body), handlebars: (model: unknown) => handlebars(model) };
}

/** The plain function's text, or FALLBACK where it hands the model to handlebars. */
function renderOrFallback(direct: DirectRenderer, model: unknown, plain: boolean): string | typeof FALLBACK {
  try {
    return direct(model, plain);
  } catch (err) {
    if (err !== FALLBACK) throw err;
    return FALLBACK;
  }
}

const TEMPLATES = ['header.h.hbs', 'rc.hbs', 'dbg.hbs'];
const OPTION_SETS: CompileOptions[] = [{}, { compat: 'legacy', hresultBanner: true }, { compat: 'middle', decimal: true, customerBit: true }];

function expectSameOnFiles(files: string[]): number {
  const renderers = TEMPLATES.map((t) => ({ name: t, ...bothWays(loadTemplate(t)) }));
  for (const r of renderers) expect(r.direct, `${r.name} is covered`).toBeDefined();
  let models = 0;
  for (const file of files) {
    const bytes = readFileSync(file);
    for (const options of OPTION_SETS) {
      const model = compileMc(bytes, { ...options, inputName: file, ansiCodepage: file.endsWith('ru-RU.mc') ? 1251 : 1252 }).model;
      if (!model) continue;
      models++;
      for (const r of renderers) {
        const expected = r.handlebars(model);
        expect(r.direct!(model), `${r.name} on ${file}`).toBe(expected);
        // compileMc's models are plain: the check-free reading gives the same text.
        expect(r.direct!(model, true), `${r.name} on ${file}, plain`).toBe(expected);
      }
    }
  }
  return models;
}

describe('the .mc templates as plain functions = handlebars', () => {
  it('on the model of every fixture .mc file, each generation and banner', () => {
    expect(expectSameOnFiles(mcFilesUnder(join(repoRoot, 'fixtures')))).toBeGreaterThan(90);
  });

  it.skipIf(!hasCorpus)('on the model of every corpus .mc file, the large ones included', () => {
    expect(expectSameOnFiles([...mcFilesUnder(join(corpusRoot, 'mc')), ...largeInputs().map((l) => l.path)])).toBeGreaterThan(90);
  });

  it('on every kind of value: handlebars\' text, or a fallback', () => {
    const source = [
      '{{#each xs}}[{{this}}|{{@root.r.s}}]{{else}}none{{/each}}',
      '{{#if a}}A{{else if b}}B{{else}}C{{/if}}{{#unless a}}u{{else}}U{{/unless}}',
      '<{{a}}><{{a.b}}><{{@root.a.b}}><{{this.b}}>{{> p a}}{{#*inline "p"}}({{b}}){{/inline}}',
    ].join('\n');
    const { direct, handlebars } = bothWays(source);
    expect(direct).toBeDefined();
    class WithProto {
      get b() {
        return 'inherited';
      }
    }
    const values: unknown[] = [undefined, null, '', 'x', 0, 1, false, true, [], ['p', 'q'], [, 'hole'], {}, { b: 'own' }, { b: 0 }, { b: '' }, new WithProto(), () => 'f', new Map([[1, 2]])];
    let fallbacks = 0;
    let same = 0;
    for (const a of values) {
      for (const xs of values) {
        for (const r of [undefined, { s: 'S' }, { s: 0 }, 0, '']) {
          const model = { a, b: a, xs, r };
          // A model of plain objects and arrays only may also be read without the own-property check.
          const plain = [a, xs, r].every((v) => v === null || typeof v !== 'object' || Array.isArray(v) || Object.getPrototypeOf(v) === Object.prototype);
          for (const checkFree of plain ? [false, true] : [false]) {
            const got = renderOrFallback(direct!, model, checkFree);
            if (got === FALLBACK) fallbacks++;
            else {
              expect(got, JSON.stringify(model)).toBe(handlebars(model));
              same++;
            }
          }
        }
      }
    }
    expect(same).toBeGreaterThan(150);
    expect(fallbacks).toBeGreaterThan(0);
  });

  it('reads a plain model without the own-property check, and falls back on an inherited value with it', () => {
    const { direct, handlebars } = bothWays('{{a.b}}[{{#each xs}}{{this.b}},{{/each}}]{{@root.r.s}}');
    class WithProto {
      get b() {
        return 'inherited';
      }
    }
    const plainValues: unknown[] = [undefined, null, '', 'x', {}, { b: 'own' }, { b: '' }, [], [{ b: 'p' }, {}, { b: 'q' }], { s: 'S' }];
    let compared = 0;
    for (const a of plainValues) {
      for (const xs of plainValues) {
        for (const r of plainValues) {
          const model = { a, xs, r };
          const got = renderOrFallback(direct!, model, true);
          if (got !== FALLBACK) {
            expect(got, JSON.stringify(model)).toBe(handlebars(model));
            compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(500);
    // An inherited value: handlebars refuses it; with the check, the plain function hands over.
    const inherited = { a: new WithProto(), xs: [new WithProto()], r: {} };
    expect(() => direct!(inherited)).toThrow();
    expect(handlebars(inherited)).toBe('[,]');
  });

  it('leaves what it does not cover to handlebars', () => {
    for (const source of ['{{../a}}', '{{#with a}}{{b}}{{/with}}', '{{lookup a "b"}}', '{{#each a as |x|}}{{x}}{{/each}}', '{{@index}}', '{{> missing}}', '{{#if a}}{{#*inline "p"}}x{{/inline}}{{/if}}', '{{a.constructor}}']) {
      expect(bothWays(source).direct, source).toBeUndefined();
    }
  });

  it('renderTemplate gives handlebars\' text when the plain function falls back', () => {
    // No precompiled entry in a source run: renderTemplate is handlebars here; the text a number gives is its.
    expect(renderTemplate('{{a}}{{b}}', { a: 1, b: 2 })).toBe(Handlebars.compile('{{a}}{{b}}', TEMPLATE_OPTIONS)({ a: 1, b: 2 }));
  });
});
