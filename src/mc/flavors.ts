// The three generations of mc.exe output (MC-SPEC.md §10), as data. Everything that differs
// between them is here; the writers read these fields and have no flavor conditionals.

export type FlavorName = 'modern' | 'middle' | 'legacy';

export interface Flavor {
  name: FlavorName;
  /** Banner wording: "laid out" or the older "layed out". */
  laidOut: string;
  /** Prefix of each message-text line in the header comment block. */
  textPrefix: string;
  /** Whether the .rc names the .bin in double quotes. */
  quoteBinNames: boolean;
  /** Order of the facility/severity #defines and of the .rc languages. */
  nameOrder: 'insertion' | 'descending';
}

export const FLAVORS: Record<FlavorName, Flavor> = {
  modern: { name: 'modern', laidOut: 'laid out', textPrefix: '// ', quoteBinNames: true, nameOrder: 'insertion' },
  middle: { name: 'middle', laidOut: 'laid out', textPrefix: '// ', quoteBinNames: true, nameOrder: 'descending' },
  legacy: { name: 'legacy', laidOut: 'layed out', textPrefix: '//  ', quoteBinNames: false, nameOrder: 'descending' },
};

/** Orders a name table the way the flavor prints it. */
export function inFlavorOrder<T extends { name: string }>(flavor: Flavor, entries: readonly T[]): T[] {
  if (flavor.nameOrder === 'insertion') return [...entries];
  const keyed = entries.map((e, i) => ({ e, i, key: e.name.toUpperCase() }));
  keyed.sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : a.i - b.i));
  return keyed.map((k) => k.e);
}
