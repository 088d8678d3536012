// Precompiled handlebars specs by template source: `npm run build` writes them
// (dist/templates.precompiled.json) and the template loader (./templates.js) hands them here, so
// that rendering a package template needs only the handlebars runtime. An entry may also carry
// the template as a plain function body (./template-direct.js), which render.ts runs first.

const specs = new Map<string, string>();
const directs = new Map<string, string>();

/** Adds `[template source, spec, direct body?]` entries. */
export function usePrecompiledSpecs(entries: Iterable<readonly [string, string, (string | null)?]>): void {
  for (const [source, spec, direct] of entries) {
    specs.set(source, spec);
    if (typeof direct === 'string') directs.set(source, direct);
  }
}

/** The spec precompiled from exactly this source, if any. */
export function precompiledSpec(source: string): string | undefined {
  return specs.get(source);
}

/** The direct renderer's body generated from exactly this source, if any. */
export function precompiledDirect(source: string): string | undefined {
  return directs.get(source);
}
