// The CLI kit: every command describes its options once, in a table, and that table drives the
// parsing, the usage text and the switch tables of the README and docs/ (test/cli/kit.test.ts
// fails when a document and a table disagree). One error type, one exit-code convention:
//
//   0  success            1  bad input (a file unreadable or malformed, a compile error)
//   2  a bad command line: unknown option, missing or malformed value, wrong arguments
//
// Errors go to stderr as `winmc : error MCnnnn: text`; usage goes to stdout for --help and to
// stderr when it is printed because the command line was wrong (nothing given).
//
// Parsing is yargs-parser's (what yargs is built on; loading yargs itself costs a compile more
// than the compile, docs/performance.md), configured the same for every command: no camel-case
// keys, no `--no-x` negation, no dot notation, numbers left as text, no grouped short options.

import { readFileSync } from 'node:fs';
import parseArgs from 'yargs-parser';

export const EXIT = { ok: 0, input: 1, usage: 2 } as const;

/** An error that ends a command: its catalogue code, text and exit status (2 for the command line). */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: 1 | 2 = EXIT.usage,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export type OptionKind = 'flag' | 'value' | 'list';

export interface OptionDef {
  /** The spellings, dashes included: `['-h']`, `['--compat']`, `['-o', '--out']`. The last names the value's key. */
  names: readonly string[];
  /** A flag, one value (the last wins or it is an error, see CommandSpec.repeated), or a repeatable value. */
  kind: OptionKind;
  /** The value's placeholder in the usage and the tables: `DIR`, `N`. */
  value?: string;
  /** One line of the usage text. */
  help: string;
  /** The table cell in the README / docs (default: help). */
  doc?: string;
  /** Which group of the usage and which table it is listed in. */
  group: string;
  /** Listed under the row of another option (e.g. `-a` / `-u`): not used, every option has its own row. */
  hidden?: boolean;
}

export interface OptionGroup {
  id: string;
  /** Heading of the group in the usage text. */
  title: string;
  /** Header cells of the group's table in the docs. */
  table?: readonly [string, string];
}

export interface CommandSpec {
  /** As typed after `winmc`: `compile`, `packet build`. */
  name: string;
  /** The usage lines, without `Usage: `. */
  synopsis: readonly string[];
  /** A paragraph between the synopsis and the options. */
  description?: string;
  groups: readonly OptionGroup[];
  options: readonly OptionDef[];
  /**
   * `mc`: mc.exe's spelling, case-sensitive, `-x` or `/x` for the single-dash switches, boolean
   * one-letter switches combinable (`-cU`); winmc's own options with `--`.
   * `gnu`: `--long` options, `-o` style short aliases.
   */
  style: 'mc' | 'gnu';
  /** How messages call an option: `unknown switch -q` or `unknown option --q`. */
  word: 'switch' | 'option';
  /** A single-value option given twice: the last one counts (as mc.exe does) or it is an error. */
  repeated: 'last' | 'error';
  /** Catalogue code of command-line errors (MC1001 compile/dump, MC4001 packet, MC6001 events, MC7008 registry). */
  usageCode: string;
  /** Words after the command's name that name a further text (`unknown option --frob for 'winmc unregister'`). */
  unknownSuffix?: string;
}

/** The parsed command line: values by key (an option's last name without its dashes). */
export class ParsedArgs {
  readonly errors: CliError[] = [];
  constructor(
    private readonly values: Map<string, string[] | true>,
    readonly positional: string[],
    readonly help: boolean,
  ) {}

  /** Whether a flag was given. */
  flag(key: string): boolean {
    return this.values.get(key) === true;
  }

  /** Whether an option (of any kind) was given. */
  has(key: string): boolean {
    return this.values.has(key);
  }

  /** The value of a single-value option. */
  value(key: string): string | undefined {
    const v = this.values.get(key);
    return Array.isArray(v) ? v[v.length - 1] : undefined;
  }

  /** Every value of a repeatable option, in order. */
  list(key: string): string[] {
    const v = this.values.get(key);
    return Array.isArray(v) ? v : [];
  }

  /** Throws the first error, if any. */
  throwFirst(): void {
    if (this.errors.length > 0) throw this.errors[0]!;
  }
}

/** The key of an option: its last name without dashes (`--out` → `out`). */
export function keyOf(def: OptionDef): string {
  return def.names[def.names.length - 1]!.replace(/^-+/, '');
}

/** How an option is written in the usage and the tables: `-h DIR`, `-o, --out FILE`. */
export function spelling(def: OptionDef): string {
  return `${def.names.join(', ')}${def.value ? ` ${def.value}` : ''}`;
}

/** The nearest of `candidates` to `word`, if it is near enough to be a likely typo. */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  if (best === undefined || word.length < 3) return undefined;
  // One edit for short words, up to a third of the word for longer ones; never the whole word.
  const allowed = Math.max(1, Math.floor(word.length / 3));
  return bestDistance <= allowed && bestDistance < best.length ? best : undefined;
}

/** Edit distance with transpositions (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

const HELP_NAMES = new Set(['--help', '-?']);

/** mc.exe spellings rewritten to what yargs-parser reads: `/h` → `-h`, `-cU` → `-c -U`. */
function normalizeMcSwitches(spec: CommandSpec, argv: readonly string[]): string[] {
  const single = new Set<string>();
  const letters = new Set<string>();
  for (const def of spec.options) {
    for (const n of def.names) {
      if (!/^-[^-]/.test(n)) continue;
      single.add(n.slice(1));
      if (def.kind === 'flag' && n.length === 2) letters.add(n[1]!);
    }
  }
  single.add('?');
  const out: string[] = [];
  for (const arg of argv) {
    const m = /^[-/]([A-Za-z?]+)$/.exec(arg);
    if (!m) {
      out.push(arg);
      continue;
    }
    const name = m[1]!;
    if (single.has(name)) out.push(`-${name}`);
    else if (arg.startsWith('/')) out.push(arg); // an absolute path, not a switch
    else if ([...name].every((c) => letters.has(c))) out.push(...[...name].map((c) => `-${c}`));
    else out.push(`-${name}`);
  }
  return out;
}

/** Parses a command line by the command's table. Never throws: problems are in `errors`. */
export function parseCommandLine(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const args = spec.style === 'mc' ? normalizeMcSwitches(spec, argv) : [...argv];
  const booleans: string[] = ['help', '?'];
  const strings: string[] = [];
  const keyByName = new Map<string, OptionDef>();
  for (const def of spec.options) {
    for (const n of def.names) {
      const name = n.replace(/^-+/, '');
      keyByName.set(name, def);
      (def.kind === 'flag' ? booleans : strings).push(name);
    }
  }
  const raw = parseArgs(args, {
    configuration: {
      'short-option-groups': false,
      'camel-case-expansion': false,
      'boolean-negation': false,
      'dot-notation': false,
      'parse-numbers': false,
      'parse-positional-numbers': false,
      'duplicate-arguments-array': true,
      'flatten-duplicate-arrays': true,
      'greedy-arrays': false,
    },
    boolean: booleans,
    string: strings,
  }) as Record<string, unknown> & { _: (string | number)[]; '--'?: unknown };

  const values = new Map<string, string[] | true>();
  const errors: CliError[] = [];
  const shown = (name: string) => written(argv, name) ?? `${name.length === 1 ? '-' : '--'}${name}`;
  let help = false;
  for (const [name, value] of Object.entries(raw)) {
    if (name === '_' || name === '$0') continue;
    if (name === 'help' || name === '?') {
      if (truthy(value)) help = true;
      continue;
    }
    const def = keyByName.get(name);
    if (!def) {
      const names = spec.options.flatMap((d) => d.names);
      const display = shown(name);
      const guess = nearest(display, names);
      errors.push(new CliError(spec.usageCode, `unknown ${spec.word} ${display}${spec.unknownSuffix ?? ''}${guess ? `; did you mean ${guess}?` : ''}`));
      continue;
    }
    const key = keyOf(def);
    if (def.kind === 'flag') {
      if (truthy(value)) values.set(key, true);
      continue;
    }
    const list = (Array.isArray(value) ? value : [value]).map(String);
    const label = def.names[def.names.length - 1]!;
    if (list.some((v) => v === '')) {
      errors.push(new CliError(spec.usageCode, `${label} needs ${def.value ? `a value (${def.value})` : 'a value'}`));
      continue;
    }
    const prior = values.get(key);
    const all = [...(Array.isArray(prior) ? prior : []), ...list];
    if (def.kind === 'value' && all.length > 1 && spec.repeated === 'error') {
      errors.push(new CliError(spec.usageCode, `${label} given ${all.length} times`));
      continue;
    }
    values.set(key, all);
  }
  const parsed = new ParsedArgs(values, raw._.map(String), help);
  parsed.errors.push(...errors);
  return parsed;
}

function truthy(v: unknown): boolean {
  return Array.isArray(v) ? v.some(truthy) : v === true || v === 'true';
}

/** The argument as the user wrote it for an option yargs-parser reports by name. */
function written(argv: readonly string[], name: string): string | undefined {
  for (const arg of argv) {
    const m = /^(--?|\/)([^=]+)/.exec(arg);
    if (m && m[2] === name) return m[1] === '/' ? `/${name}` : `${m[1]}${name}`;
  }
  return undefined;
}

/** The usage text: synopsis, description, then each group's options in two columns. */
export function usageText(spec: CommandSpec): string {
  const lines = spec.synopsis.map((s, i) => `${i === 0 ? 'Usage: ' : '       '}${s}`);
  if (spec.description) lines.push('', spec.description);
  const visible = spec.options.filter((o) => !o.hidden);
  const width = Math.min(30, Math.max(...visible.map((o) => spelling(o).length)) + 2);
  for (const g of spec.groups) {
    const own = visible.filter((o) => o.group === g.id);
    if (own.length === 0) continue;
    lines.push('', `${g.title}:`);
    for (const o of own) {
      const s = spelling(o);
      lines.push(s.length + 2 > width ? `  ${s}\n  ${' '.repeat(width)}${o.help}` : `  ${s.padEnd(width)}${o.help}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** A group's options as the markdown table the README or docs/ shows. */
export function markdownTable(spec: CommandSpec, groupId: string): string {
  const group = spec.groups.find((g) => g.id === groupId);
  if (!group) throw new Error(`${spec.name}: no option group '${groupId}'`);
  const [a, b] = group.table ?? ['option', 'effect'];
  const rows = spec.options
    .filter((o) => o.group === groupId && !o.hidden)
    .map((o) => `| ${o.names.map((n, i) => `\`${n}${i === o.names.length - 1 && o.value ? ` ${o.value}` : ''}\``).join(', ')} | ${(o.doc ?? o.help).replace(/\|/g, '\\|')} |`);
  return [`| ${a} | ${b} |`, '|---|---|', ...rows].join('\n');
}

/** Writes an error in the canonical form. */
export function printError(e: { code: string; message: string }, where = 'winmc'): void {
  process.stderr.write(`${where} : error ${e.code}: ${e.message}\n`);
}

/**
 * Runs a command body: a CliError it throws is printed and gives its exit status; help is the
 * body's own business (ParsedArgs.help).
 */
export async function runCli(body: () => Promise<number> | number): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof CliError) {
      printError(err);
      return err.exitCode;
    }
    throw err;
  }
}

/** Whether an argument asks for help. */
export function isHelp(arg: string | undefined): boolean {
  return arg !== undefined && (HELP_NAMES.has(arg) || arg === 'help');
}

/** Reads an input file, naming a directory as such rather than with a bare EISDIR. */
export function readInputFile(path: string): Uint8Array;
export function readInputFile(path: string, encoding: 'utf8'): string;
export function readInputFile(path: string, encoding?: 'utf8'): Uint8Array | string {
  try {
    return encoding ? readFileSync(path, encoding) : readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EISDIR') throw new Error(`${path} is a directory, not a file`);
    throw err;
  }
}
