// Text outputs through handlebars templates (templates/*.hbs). Template sources are read once
// from the package's templates/ folder; their line ends are normalised to CR LF before
// compiling, so a template saved with LF still gives mc.exe's CR LF output, while the data
// (comment text, message text) is never touched.

import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import { encodeAnsi, encodeUtf16le } from './codepage.js';

export type TextEncoding = 'ansi' | 'utf-8' | 'utf-16';

const compiled = new Map<string, HandlebarsTemplateDelegate>();

export function templatePath(name: string): URL {
  return new URL(`../../templates/${name}`, import.meta.url);
}

export function loadTemplate(name: string): string {
  return readFileSync(templatePath(name), 'utf8');
}

export function renderTemplate(source: string, model: object): string {
  let template = compiled.get(source);
  if (!template) {
    template = Handlebars.compile(source.replace(/\r?\n/g, '\r\n'), { noEscape: true, strict: false });
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
