// Precompiled handlebars specs by template source: `npm run build` writes them
// (dist/templates.precompiled.json) and the template loader (./templates.js) hands them here, so
// that rendering a package template needs only the handlebars runtime.

const specs = new Map<string, string>();

/** Adds `[template source, spec]` pairs. */
export function usePrecompiledSpecs(entries: Iterable<readonly [string, string]>): void {
  for (const [source, spec] of entries) specs.set(source, spec);
}

/** The spec precompiled from exactly this source, if any. */
export function precompiledSpec(source: string): string | undefined {
  return specs.get(source);
}
