// Text outputs through handlebars templates. The sources come from the caller (the default ones
// from templates/ through ./templates.js); their line ends are normalised to CR LF before
// compiling, so a template saved with LF still gives mc.exe's CR LF output, while the data
// (comment text, message text) is never touched. No file system access here.

import type HandlebarsCompiler from 'handlebars';
import HandlebarsRuntime from 'handlebars/runtime.js';
import { createRequire } from 'node:module';
import { encodeAnsi, encodeUtf16le } from './codepage.js';
import { precompiledSpec } from './precompiled.js';

export type TextEncoding = 'ansi' | 'utf-8' | 'utf-16';

const compiled = new Map<string, HandlebarsTemplateDelegate>();

// The loader of the package's templates, for callers that import it from here.
export { loadTemplate, templatePath } from './templates.js';

// Templates can use handlebars' built-in helpers only (winmc registers none, and there is no way
// to pass one in); declaring them lets the compiled template call them directly instead of
// looking every mustache up as a possible helper first.
export const TEMPLATE_OPTIONS = {
  noEscape: true,
  strict: false,
  knownHelpers: { each: true, if: true, unless: true, with: true, lookup: true, log: true },
  knownHelpersOnly: true,
} as const;

/** The CR LF form every template is compiled from. */
export function normalizeTemplate(source: string): string {
  return source.replace(/\r?\n/g, '\r\n');
}

// `npm run build` precompiles templates/*.hbs (scripts/bundle.js) so that a compile needs only the
// handlebars runtime: parsing and compiling a template, and loading the compiler, cost more than
// rendering a small file. Specs are keyed by the template's source, so an edited template (or a
// user's --header-template) is never served a stale spec; it is compiled here instead.
const handlebars = HandlebarsRuntime as unknown as typeof HandlebarsCompiler;

function compileTemplate(source: string): HandlebarsTemplateDelegate {
  const spec = precompiledSpec(source);
  if (spec !== undefined) {
    try {
      return handlebars.template(new Function(`return ${spec}`)());
    } catch {
      // A spec from another handlebars version: compile it afresh.
    }
  }
  const compiler = createRequire(import.meta.url)('handlebars') as typeof HandlebarsCompiler;
  return compiler.compile(normalizeTemplate(source), TEMPLATE_OPTIONS);
}

export function renderTemplate(source: string, model: object): string {
  let template = compiled.get(source);
  if (!template) {
    template = compileTemplate(source);
    compiled.set(source, template);
  }
  return template(model);
}

/** Encodes a generated text file per -cp: ANSI (the code page), or UTF-8/UTF-16LE with a BOM. */
export function encodeText(text: string, encoding: TextEncoding, ansiCodepage: number): Uint8Array {
  switch (encoding) {
    case 'ansi':
      return encodeAnsi(text, ansiCodepage);
    case 'utf-8': {
      const body = new TextEncoder().encode(text);
      const out = new Uint8Array(body.length + 3);
      out.set([0xef, 0xbb, 0xbf]);
      out.set(body, 3);
      return out;
    }
    case 'utf-16':
      return encodeUtf16le(text, { bom: true });
  }
}
