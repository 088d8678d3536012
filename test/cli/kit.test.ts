// The CLI kit: option tables drive parsing, usage and the docs' tables; one exit convention.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError, markdownTable, nearest, parseCommandLine, usageText, type CommandSpec } from '../../src/cli/kit.js';
import { commandSpecs, withTables } from '../../src/cli/specs.js';
import { repoRoot } from '../support/paths.js';

const spec: CommandSpec = {
  name: 'demo',
  synopsis: ['winmc demo [options] FILE'],
  style: 'gnu',
  word: 'option',
  repeated: 'error',
  usageCode: 'MC9001',
  groups: [{ id: 'g', title: 'Options' }],
  options: [
    { names: ['--json'], kind: 'flag', group: 'g', help: 'JSON' },
    { names: ['-o', '--out'], kind: 'value', value: 'FILE', group: 'g', help: 'output | file' },
    { names: ['--provider'], kind: 'list', value: 'NAME', group: 'g', help: 'repeatable' },
  ],
};

describe('parseCommandLine', () => {
  it('reads flags, values by any of their names, repeatable values and positionals', () => {
    const a = parseCommandLine(spec, ['--json', '-o', 'x', '--provider', 'A', 'in.evtx', '--provider', 'B']);
    expect(a.errors).toEqual([]);
    expect([a.flag('json'), a.value('out'), a.list('provider'), a.positional]).toEqual([true, 'x', ['A', 'B'], ['in.evtx']]);
  });

  it('names unknown options as written, with the nearest one', () => {
    const a = parseCommandLine(spec, ['--jsn', '--frobnicate']);
    expect(a.errors.map((e) => `${e.code} ${e.exitCode} ${e.message}`)).toEqual(['MC9001 2 unknown option --jsn; did you mean --json?', 'MC9001 2 unknown option --frobnicate']);
  });

  it('refuses a value option without a value, and a single one given twice', () => {
    expect(parseCommandLine(spec, ['--provider']).errors.map((e) => e.message)).toEqual(['--provider needs a value (NAME)']);
    expect(parseCommandLine(spec, ['--out', 'a', '-o', 'b']).errors.map((e) => e.message)).toEqual(['--out given 2 times']);
  });

  it('mc style: /x and -x, combined one-letter flags, multi-letter switches kept whole', () => {
    const mc: CommandSpec = {
      ...spec,
      style: 'mc',
      word: 'switch',
      repeated: 'last',
      options: [
        { names: ['-c'], kind: 'flag', group: 'g', help: '' },
        { names: ['-U'], kind: 'flag', group: 'g', help: '' },
        { names: ['-um'], kind: 'flag', group: 'g', help: '' },
        { names: ['-h'], kind: 'value', group: 'g', help: '' },
      ],
    };
    const a = parseCommandLine(mc, ['-cU', '/h', 'inc', '-um', '-h', 'last', '/abs/x.mc']);
    expect(a.errors).toEqual([]);
    expect([a.flag('c'), a.flag('U'), a.flag('um'), a.value('h'), a.positional]).toEqual([true, true, true, 'last', ['/abs/x.mc']]);
    expect(parseCommandLine(mc, ['-q']).errors.map((e) => e.message)).toEqual(['unknown switch -q']);
  });

  it('suggests only near names', () => {
    expect(nearest('compil', ['compile', 'dump'])).toBe('compile');
    expect(nearest('frob', ['compile', 'dump', 'events'])).toBeUndefined();
    expect(nearest('-q', ['-a', '-b'])).toBeUndefined();
  });

  it('one error type, exit 2 unless it says 1', () => {
    expect(new CliError('MC1', 'x').exitCode).toBe(2);
    expect(new CliError('MC1', 'x', 1).exitCode).toBe(1);
  });
});

describe('usage and tables come from the option table', () => {
  it('usage lists every option', () => {
    const text = usageText(spec);
    expect(text.startsWith('Usage: winmc demo [options] FILE\n')).toBe(true);
    for (const o of spec.options) expect(text).toContain(o.names.join(', '));
  });

  it('a markdown row per option, pipes escaped', () => {
    expect(markdownTable(spec, 'g').split('\n')).toEqual([
      '| option | effect |',
      '|---|---|',
      '| `--json` | JSON |',
      '| `-o`, `--out FILE` | output \\| file |',
      '| `--provider NAME` | repeatable |',
    ]);
  });

  it('README.md and docs/*.md show each marked table exactly as the command defines it (node scripts/cli-tables.js rewrites them)', async () => {
    const specs = await commandSpecs();
    const found: string[] = [];
    for (const file of ['README.md', ...readdirSync(join(repoRoot, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))]) {
      const text = readFileSync(join(repoRoot, file), 'utf8');
      expect(text, `${file}: an option table differs from its command's`).toBe(withTables(text, specs, markdownTable, found));
    }
    expect(found).toEqual(expect.arrayContaining(['compile/mc', 'compile/manifest', 'compile/winmc', 'events/events', 'dump/dump', 'register/options', 'unregister/options']));
  });
});
