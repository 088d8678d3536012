// Text outputs through handlebars templates. The sources come from the caller (the default ones
// from templates/ through ./templates.js); their line ends are normalised to CR LF before
// compiling, so a template saved with LF still gives mc.exe's CR LF output, while the data
// (comment text, message text) is never touched. No file system access here.

import type HandlebarsCompiler from 'handlebars';
import HandlebarsRuntime from 'handlebars/runtime.js';
import { createRequire } from 'node:module';
import { encodeAnsi, encodeUtf16le } from './codepage.js';
import { precompiledDirect, precompiledSpec } from './precompiled.js';
import { directRenderer, type DirectRenderer } from './template-direct.js';

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

/**
 * A template that does not compile or render: handlebars' message with the place it names (1-based
 * line and column in the template's source) when it names one. `source` is the template's text,
 * so a caller holding several templates can tell which one failed.
 */
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly source: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
    this.name = 'TemplateError';
  }
}

// The built-in #each with each iteration's text flattened as soon as it is made. Handlebars builds
// an iteration's text by `+`, a rope of one node per piece: a header of 50k events is millions of
// nodes that all outlive young-generation GCs until the whole file is flattened at the end (most
// of the render's time went to that GC and that flattening). charCodeAt flattens a rope in place;
// the text is the same.
const builtinEach = handlebars.helpers.each as (this: unknown, context: unknown, options: Handlebars.HelperOptions) => string;
const flat = (s: string): string => {
  if (s.length > 0) s.charCodeAt(0);
  return s;
};
const RENDER_OPTIONS: Handlebars.RuntimeOptions = {
  helpers: {
    each(this: unknown, context: unknown, options: Handlebars.HelperOptions): string {
      const fn = options.fn;
      return builtinEach.call(this, context, { ...options, fn: (ctx: unknown, o?: Handlebars.RuntimeOptions) => flat(fn(ctx, o)) });
    },
  },
};

// The package's templates as plain functions (./template-direct.js), made at build time; a
// template or model they do not cover throws, and handlebars renders it instead.
const direct = new Map<string, DirectRenderer | null>();

function directFor(source: string): DirectRenderer | null {
  let d = direct.get(source);
  if (d === undefined) {
    const body = precompiledDirect(source);
    d = body === undefined ? null : directRenderer(body);
    direct.set(source, d);
  }
  return d;
}

/**
 * Renders `source` over `model` as handlebars does. `plainModel`: every object in the model is a
 * plain object or array (own data properties, the standard prototypes), as compileMc's are;
 * the package's templates then skip a check per value read (template-direct.ts).
 */
export function renderTemplate(source: string, model: object, { plainModel = false } = {}): string {
  const d = directFor(source);
  if (d !== null) {
    try {
      return d(model, plainModel);
    } catch {
      // A value only handlebars renders right (or an error it reports): its turn.
    }
  }
  let template = compiled.get(source);
  try {
    if (!template) {
      template = compileTemplate(source);
      compiled.set(source, template);
    }
    // handlebars compiles on the first call: syntax errors surface here too.
    return template(model, RENDER_OPTIONS);
  } catch (err) {
    compiled.delete(source);
    throw templateErrorOf(err, source);
  }
}

/** A block tag (`{{#each}}`, `{{^if}}`, `{{/each}}`) with its place, for naming an unclosed block. */
const BLOCK_TAG = /\{\{~?\s*([#^/])\s*(?:>\s*)?([^\s}~]+)/g;

function unclosedBlock(source: string): { name: string; line: number; column: number } | undefined {
  const open: { name: string; index: number }[] = [];
  for (const m of source.matchAll(BLOCK_TAG)) {
    if (m[1] === '/') {
      const at = open.map((o) => o.name).lastIndexOf(m[2]!);
      if (at >= 0) open.splice(at);
    } else open.push({ name: m[2]!, index: m.index });
  }
  const last = open.pop();
  if (!last) return undefined;
  const before = source.slice(0, last.index).split(/\r?\n/);
  return { name: last.name, line: before.length, column: before[before.length - 1]!.length + 1 };
}

/** Handlebars' exception as a TemplateError with a place: its own, the lexer's, or the unclosed block's. */
function templateErrorOf(err: unknown, source: string): TemplateError {
  if (err instanceof TemplateError) return err;
  const e = err as { message?: string; lineNumber?: number; column?: number };
  const message = String(e.message ?? err);
  // Compile errors: "… - LINE:COLUMN" with lineNumber/column (0-based) set.
  if (typeof e.lineNumber === 'number') {
    let text = message.replace(/ - \d+:\d+$/, '');
    const helper = /^You specified knownHelpersOnly, but used the unknown helper (\S+)$/.exec(text);
    if (helper) text = `unknown helper '${helper[1]}': a template can use only ${Object.keys(TEMPLATE_OPTIONS.knownHelpers).join(', ')}`;
    const mismatch = /^(\S+) doesn't match (\S+)$/.exec(text);
    if (mismatch) text = `{{#${mismatch[1]}}} is closed by {{/${mismatch[2]}}}`;
    return new TemplateError(text, source, e.lineNumber, (e.column ?? 0) + 1);
  }
  const parse = /^Parse error on line (\d+):[\s\S]*\n(Expecting [^\n]*)$/.exec(message);
  if (parse) {
    if (/got 'EOF'$/.test(parse[2]!)) {
      const block = unclosedBlock(source);
      if (block) return new TemplateError(`{{#${block.name}}} is never closed: {{/${block.name}}} missing before the end of the template`, source, block.line, block.column);
    }
    const compiler = createRequire(import.meta.url)('handlebars') as { Parser?: { lexer?: { yylloc?: { first_line: number; first_column: number } } } };
    const loc = compiler.Parser?.lexer?.yylloc;
    const line = loc?.first_line ?? Number(parse[1]);
    return new TemplateError(`syntax error: ${parse[2]}`, source, line, loc ? loc.first_column + 1 : undefined);
  }
  return new TemplateError(message, source);
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
