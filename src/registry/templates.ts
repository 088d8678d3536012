// Text outputs (.reg, .inf) are laid out by Handlebars templates in templates/registry; the
// code computes the lines, the templates arrange them.

import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';

const compiled = new Map<string, Handlebars.TemplateDelegate>();

export function renderTemplate(name: string, context: object): string {
  let template = compiled.get(name);
  if (!template) {
    const source = readFileSync(new URL(`../../templates/registry/${name}`, import.meta.url), 'utf8');
    template = Handlebars.compile(source, { noEscape: true, strict: true });
    compiled.set(name, template);
  }
  return template(context);
}
