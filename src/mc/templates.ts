// The default template loader: reads the package's templates/ folder (and the specs
// `npm run build` precompiled from it). The compiler itself takes its templates from its caller
// (CompileOptions.templates); this module is what the CLI and a caller who passes none use.

import { readFileSync } from 'node:fs';
import { usePrecompiledSpecs } from './precompiled.js';

/** The handlebars sources of an .mc compile's text outputs. */
export interface McTemplates {
  /** The C header (templates/header.h.hbs). */
  header: string;
  /** The resource script (templates/rc.hbs). */
  rc: string;
  /** The -x debug file (templates/dbg.hbs). */
  dbg: string;
}

export function templatePath(name: string): URL {
  return new URL(`../../templates/${name}`, import.meta.url);
}

const sources = new Map<string, string>();
let precompiledLoaded = false;

/** A template of the package by its path under templates/, read once. */
export function loadTemplate(name: string): string {
  if (!precompiledLoaded) {
    precompiledLoaded = true;
    try {
      usePrecompiledSpecs(JSON.parse(readFileSync(new URL('../templates.precompiled.json', import.meta.url), 'utf8')) as [string, string, (string | null)?][]);
    } catch {
      // Built by tsc alone (or run from the sources): every template is compiled at run time.
    }
  }
  let source = sources.get(name);
  if (source === undefined) {
    source = readFileSync(templatePath(name), 'utf8');
    sources.set(name, source);
  }
  return source;
}

/** The package's templates for an .mc compile. */
export function defaultMcTemplates(): McTemplates {
  return { header: loadTemplate('header.h.hbs'), rc: loadTemplate('rc.hbs'), dbg: loadTemplate('dbg.hbs') };
}
