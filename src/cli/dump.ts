// `winmc dump FILE...`: the message tables of .bin, .res and PE files, as text, as JSON, or
// (--as mc) as a message text file that compiles back to the same tables; and the event templates
// of TEMP.BIN files and WEVT_TEMPLATE resources (dump-template.ts), --as man as a manifest.

import { escapeText } from '../binary/codec.js';
import { basename } from 'node:path';
import { writeFilesAtomically } from '../io/atomic-write.js';
import { isKnownCodepage } from '../mc/codepage.js';
import { encodeMcSource, messageTablesToMc } from '../rc-gen/mc-source.js';
import type { MessageTableEntry } from '../rc-gen/message-table.js';
import { languageFromBinName, readFoundTable, readTableFile, type FoundMessageTable, type TableFile } from '../rc-gen/table-file.js';
import { describeFileKind } from './file-kind.js';
import type { ResourceId } from '../rc-gen/res.js';
import { CliError, parseCommandLine, printError, readInputFile, usageText, type CommandSpec } from './kit.js';
import { DEFAULT_GENERATION } from '../manifest/generation.js';
import { TemplateError, isCrimFile, readTemplates, renderTemplateText, templateJson, templateManifest, type FoundTemplate } from './dump-template.js';

const ERRORS = {
  badSwitch: 'MC1001',
  readFailed: 'MC1003',
  writeFailed: 'MC1004',
  badCodepage: 'MC1005',
  malformedFile: 'MC3001',
  notExpressible: 'MC3002',
  noTables: 'MC3003',
  malformedTemplate: 'MC3004',
  noTemplate: 'MC3005',
  notExact: 'MC3006',
} as const;

export const DUMP_SPEC: CommandSpec = {
  name: 'dump',
  synopsis: ['winmc dump [options] FILE...'],
  description: 'Lists every message table of mc.exe .bin files, .res files and PE images (.dll, .sys, .exe), and the event templates of TEMP.BIN files and WEVT_TEMPLATE resources.',
  style: 'gnu',
  word: 'switch',
  repeated: 'last',
  usageCode: ERRORS.badSwitch,
  groups: [{ id: 'dump', title: 'Options', table: ['option', 'effect'] }],
  options: [
    { names: ['--json'], kind: 'flag', group: 'dump', help: 'machine-readable output' },
    { names: ['--as'], kind: 'value', value: 'KIND', group: 'dump', help: 'mc: write an .mc that compiles back to the same tables; man: a manifest that compiles back to the same template and tables' },
    { names: ['--lossy'], kind: 'flag', group: 'dump', help: 'with --as mc: write what an .mc can express even if not byte-exact' },
    { names: ['-o', '--out'], kind: 'value', value: 'FILE', group: 'dump', help: 'write to FILE instead of standard output' },
    { names: ['--messages'], kind: 'list', value: 'FILE', group: 'dump', help: 'message tables (.bin, .res, PE) with the texts of a TEMP.BIN (repeatable)' },
    { names: ['--language'], kind: 'value', value: 'ID', group: 'dump', help: 'LANGID of a .bin (default: from its MSGnnnnn name, else 0)' },
    { names: ['--ansi-codepage', '--codepage'], kind: 'value', value: 'N', group: 'dump', help: 'code page of ANSI message texts (default 1252; --ansi-codepage as in compile)' },
  ],
};

export const USAGE = usageText(DUMP_SPEC);

/** One message table as dump reports it. */
export interface DumpedTable {
  file: string;
  format: TableFile['format'];
  machine?: string;
  languageId: number;
  /** Where languageId came from when the file does not store it (a .bin). */
  languageSource: 'resource' | 'file name' | 'option' | 'default';
  resourceName?: ResourceId;
  entries: MessageTableEntry[];
  /** The table as found in the file (its bytes, file offset and resource), for --as mc. */
  found?: FoundMessageTable;
}

interface DumpCommand {
  files: string[];
  json: boolean;
  asMc: boolean;
  asMan: boolean;
  messages: string[];
  lossy: boolean;
  out?: string;
  language?: number;
  codepage: number;
  help: boolean;
  errors: CliError[];
}

function parseDumpArgs(argv: readonly string[]): DumpCommand {
  const args = parseCommandLine(DUMP_SPEC, argv);
  const errors: CliError[] = [...args.errors];
  const bad = (message: string) => errors.push(new CliError(ERRORS.badSwitch, message));
  const as = args.value('as');
  if (as !== undefined && as !== 'mc' && as !== 'man') bad(`--as takes mc or man, not '${as}'`);
  let language: number | undefined;
  const languageText = args.value('language');
  if (languageText !== undefined) {
    const v = languageText;
    language = /^0x[0-9a-f]{1,4}$/i.test(v) ? parseInt(v, 16) : /^\d{1,5}$/.test(v) ? Number(v) : NaN;
    if (!(language >= 0 && language <= 0xffff)) bad(`--language takes a LANGID such as 0x409, not '${v}'`);
  }
  let codepage = 1252;
  const codepageText = args.value('codepage');
  if (codepageText !== undefined) {
    codepage = /^\d+$/.test(codepageText) ? Number(codepageText) : NaN;
    if (!isKnownCodepage(codepage)) errors.push(new CliError(ERRORS.badCodepage, `--codepage: code page ${codepageText} is not known`));
  }
  const files = args.positional;
  const help = args.help;
  if (!help && files.length === 0 && errors.length === 0) bad('no input file: winmc dump [options] FILE...');
  if (args.flag('json') && as !== undefined) bad(`--json and --as ${as} exclude each other`);
  if (args.flag('lossy') && as !== 'mc') bad('--lossy only applies to --as mc');
  const out = args.value('out');
  const messages = args.list('messages');
  return { files, json: args.flag('json'), asMc: as === 'mc', asMan: as === 'man', messages, lossy: args.flag('lossy'), out, language, codepage, help, errors };
}

/** The message tables of one file (see readTableFile); throws the readers' located errors. */
export function dumpTables(file: TableFile, fileName: string, options: { language?: number; codepage?: number } = {}): DumpedTable[] {
  return file.tables.map((t) => {
    let languageId = t.languageId;
    let languageSource: DumpedTable['languageSource'] = 'resource';
    if (languageId === undefined) {
      const fromName = languageFromBinName(fileName);
      [languageId, languageSource] =
        options.language !== undefined ? [options.language, 'option'] : fromName !== undefined ? [fromName, 'file name'] : [0, 'default'];
    }
    const { entries } = readFoundTable(t, options.codepage ?? 1252);
    return {
      file: fileName,
      format: file.format,
      ...(file.machine !== undefined ? { machine: file.machine } : {}),
      languageId,
      languageSource,
      ...(t.resourceName !== undefined ? { resourceName: t.resourceName } : {}),
      entries,
      found: t,
    };
  });
}

/** A message text on one line: CR, LF, tab, backslash and other control characters escaped. */
export function showText(text: string): string {
  return escapeText(text, { backslash: true });
}

const hex = (n: number, digits: number) => `0x${(n >>> 0).toString(16).toUpperCase().padStart(digits, '0')}`;

export function renderText(tables: readonly DumpedTable[], files: ReadonlyMap<string, TableFile>): string {
  const lines: string[] = [];
  for (const [file, info] of files) {
    const description = describeFormat(info);
    const own = tables.filter((t) => t.file === file);
    lines.push(`${file}: ${description}, ${own.length} message table${own.length === 1 ? '' : 's'}`);
    for (const t of own) {
      const lang = `language ${hex(t.languageId, 4)}${t.languageSource === 'resource' ? '' : ` (${t.languageSource === 'default' ? 'not stored in a .bin; assumed' : `from the ${t.languageSource}`})`}`;
      const name = t.resourceName !== undefined ? `, resource ${typeof t.resourceName === 'number' ? t.resourceName : `"${t.resourceName}"`}` : '';
      lines.push(`  ${lang}${name}: ${t.entries.length} message${t.entries.length === 1 ? '' : 's'}`);
      for (const e of t.entries) lines.push(`    ${hex(e.id, 8)}${e.unicode ? '' : ' [ANSI]'}  ${showText(e.text)}`);
    }
  }
  return lines.join('\n') + '\n';
}

export function renderJson(tables: readonly DumpedTable[], files: ReadonlyMap<string, TableFile>): string {
  const list = [...files].map(([file, info]) => {
    const own = tables.filter((t) => t.file === file);
    return {
      file,
      format: info.format,
      ...(info.machine !== undefined ? { machine: info.machine } : {}),
      tables: own.map((t) => ({
        languageId: t.languageId,
        language: hex(t.languageId, 4),
        languageSource: t.languageSource,
        ...(t.resourceName !== undefined ? { resourceName: t.resourceName } : {}),
        messages: t.entries.map((e) => ({ id: e.id >>> 0, hex: hex(e.id, 8), unicode: e.unicode, text: e.text })),
      })),
    };
  });
  return JSON.stringify({ files: list }, null, 2) + '\n';
}

function describeFormat(file: TableFile): string {
  switch (file.format) {
    case 'pe':
      return `${file.is64 ? 'PE32+' : 'PE32'} image for ${file.machine}`;
    case 'res':
      return 'Win32 .res file';
    case 'bin':
      return 'message table (.bin)';
  }
}

export async function run(argv: string[], _command = 'dump'): Promise<number> {
  const cmd = parseDumpArgs(argv);
  const fail = (code: string, message: string) => printError({ code, message });
  if (cmd.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (cmd.errors.length > 0) {
    for (const e of cmd.errors) fail(e.code, e.message);
    return 2;
  }

  const tables: DumpedTable[] = [];
  const files = new Map<string, TableFile>();
  const templates: FoundTemplate[] = [];
  const extraTables: DumpedTable[] = [];
  for (const [path, extra] of [...cmd.files.map((f) => [f, false] as const), ...cmd.messages.map((f) => [f, true] as const)]) {
    let bytes: Uint8Array;
    try {
      bytes = readInputFile(path);
    } catch (err) {
      fail(ERRORS.readFailed, (err as Error).message);
      return 1;
    }
    try {
      if (!extra && isCrimFile(bytes)) {
        if (!templates.some((t) => t.file === path)) templates.push(...readTemplates(bytes, path, 'crim'));
        continue;
      }
      const kind = describeFileKind(bytes);
      if (kind !== undefined) throw new Error(`not a message table (.bin), .res or PE file: ${kind}`);
      const file = readTableFile(bytes);
      (extra ? extraTables : tables).push(...dumpTables(file, path, { language: cmd.language, codepage: cmd.codepage }));
      if (extra) continue;
      if (!files.has(path)) templates.push(...readTemplates(bytes, path, file.format));
      files.set(path, file);
    } catch (err) {
      if (err instanceof TemplateError) printError({ code: ERRORS.malformedTemplate, message: err.message }, path);
      else fail(ERRORS.malformedFile, `${path}: ${(err as Error).message}`);
      return 1;
    }
  }
  // The texts of a file's templates: its own tables, else those of --messages.
  const tablesFor = (path: string) => {
    const own = tables.filter((t) => t.file === path);
    return own.length ? own : extraTables;
  };

  let output: Uint8Array;
  if (cmd.asMan) {
    if (templates.length !== 1) {
      const what = templates.length === 0 ? 'no event template (a TEMP.BIN or a WEVT_TEMPLATE resource)' : `${templates.length} event templates; --as man writes one`;
      fail(ERRORS.noTemplate, `${cmd.files.join(', ')}: ${what}`);
      return 1;
    }
    const t = templates[0]!;
    const all = [...tables, ...extraTables];
    const r = templateManifest(t, all);
    for (const w of r.warnings.slice(0, 20))
      process.stderr.write(`${t.file} : warning ${ERRORS.notExact}: ${w.block}${w.item ? `, ${w.item}` : ''}: ${w.message}${w.line !== undefined ? ` (manifest line ${w.line})` : ''}\n`);
    if (r.warnings.length > 20) process.stderr.write(`${t.file} : warning ${ERRORS.notExact}: ... and ${r.warnings.length - 20} more\n`);
    if (r.warnings.length > 0) process.stderr.write(`winmc : warning ${ERRORS.notExact}: the manifest does not compile back to the same template and tables\n`);
    if (all.length === 0) process.stderr.write("winmc: no message tables given (the MSGnnnnn.bin files, or --messages): the manifest's strings are empty\n");
    if (r.generation !== DEFAULT_GENERATION) process.stderr.write(`winmc: a CRIM ${t.crim.major}.${t.crim.minor} template: compile the manifest with --compat ${r.generation} to get it back\n`);
    output = new TextEncoder().encode(r.text);
  } else if (cmd.asMc) {
    if (tables.length === 0) {
      fail(ERRORS.noTables, `${cmd.files.join(', ')}: no message tables to write`);
      return 1;
    }
    const mc = messageTablesToMc(
      tables.map((t) => ({
        languageId: t.languageId,
        entries: t.entries,
        file: t.file,
        ...(t.found ? { data: t.found.data, base: t.found.fileOffset, codepage: cmd.codepage, ...(t.found.where !== undefined ? { where: t.found.where } : {}) } : {}),
      })),
      { source: cmd.files.map((f) => basename(f)).join(', '), lossy: cmd.lossy },
    );
    const shown = mc.problems.slice(0, 20);
    for (const p of shown) {
      const where = p.languageId !== undefined ? ` (language ${hex(p.languageId, 4)})` : '';
      process.stderr.write(`${p.file ?? 'winmc'} : ${cmd.lossy ? 'warning' : 'error'} ${ERRORS.notExpressible}: ${p.message}${where}\n`);
    }
    if (mc.problems.length > shown.length) {
      process.stderr.write(`winmc : ${cmd.lossy ? 'warning' : 'error'} ${ERRORS.notExpressible}: ... and ${mc.problems.length - shown.length} more\n`);
    }
    if (mc.problems.length > 0 && !cmd.lossy) {
      process.stderr.write(`winmc : error ${ERRORS.notExpressible}: no .mc written; --lossy writes the closest one\n`);
      return 1;
    }
    output = encodeMcSource(mc.text);
    if (mc.switches.length > 0) process.stderr.write(`winmc: compile the .mc with ${mc.switches.join(' ')} to get the same tables\n`);
  } else if (templates.length === 0) {
    output = new TextEncoder().encode(cmd.json ? renderJson(tables, files) : renderText(tables, files));
  } else {
    // Each file's tables, then its templates.
    const paths = [...new Set(cmd.files)];
    const own = (path: string) => templates.filter((t) => t.file === path);
    if (cmd.json) {
      const listed = (JSON.parse(renderJson(tables, files)) as { files: Record<string, unknown>[] }).files;
      const list = paths.map((path) => {
        const entry = listed.find((f) => f.file === path) ?? { file: path, format: 'crim', tables: [] };
        return own(path).length ? { ...entry, templates: own(path).map(templateJson) } : entry;
      });
      output = new TextEncoder().encode(JSON.stringify({ files: list }, null, 2) + '\n');
    } else {
      const text = paths.map((path) => {
        const info = files.get(path);
        const head = info ? renderText(tables.filter((t) => t.file === path), new Map([[path, info]])) : '';
        return head + own(path).map((t) => renderTemplateText(t, tablesFor(path))).join('');
      });
      output = new TextEncoder().encode(text.join(''));
    }
  }

  if (cmd.out === undefined) {
    process.stdout.write(output); // bin/winmc.js ends quietly if the reader closes the pipe
    return 0;
  }
  try {
    writeFilesAtomically([{ path: cmd.out, bytes: output }]);
  } catch (err) {
    fail(ERRORS.writeFailed, (err as Error).message);
    return 1;
  }
  return 0;
}
