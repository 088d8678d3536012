// `winmc compile` and bare `winmc FILE.mc`: mc.exe's command line. The switches are mc.exe's,
// case-sensitive, with `-` or `/`; value switches take the next argument. yargs' parser does the
// parsing with short-option groups off, so `-um` stays one (refused) switch, not `-u -m`.
// The parser alone (yargs-parser, which yargs itself is built on): loading the whole of yargs
// took 80 ms, more than a compile of a typical .mc file, and the usage text is written here.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import parseArgs from 'yargs-parser';
import { compileMc, type CompileOptions, type CompiledFile } from '../mc/compile.js';
import { diagnostic, formatDiagnostic, type Diagnostic } from '../mc/diagnostics.js';
import { isKnownCodepage } from '../mc/codepage.js';
import { writeFilesAtomically } from '../io/atomic-write.js';

const BOOLEAN_SWITCHES = ['a', 'A', 'b', 'c', 'd', 'n', 'o', 'u', 'U', 'v'] as const;
const VALUE_SWITCHES = ['h', 'r', 'z', 'e', 'x', 'm', 'cp'] as const;
const MANIFEST_SWITCHES = ['um', 'km', 'cs', 'css', 'co', 'mof', 'generateProjections', 'p', 'P', 's', 't', 'w', 'W'];
const LONG_SWITCHES = ['compat', 'ansi-codepage', 'header-template', 'warnings-as-errors', 'res', 'dll', 'machine', 'help'];

export interface CompileCommand {
  input?: string;
  options: CompileOptions;
  headerDir: string;
  rcDir: string;
  dbgDir?: string;
  verbose: boolean;
  warningsAsErrors: boolean;
  headerTemplateFile?: string;
  resFile?: string;
  dllFile?: string;
  machine: 'x64' | 'x86' | 'arm64';
  help: boolean;
  errors: Diagnostic[];
}

/** Rewrites mc.exe spellings into what yargs reads: `/h` → `-h`, `-cU` → `-c -U`. */
function normalizeSwitches(argv: readonly string[]): string[] {
  const known = new Set<string>([...BOOLEAN_SWITCHES, ...VALUE_SWITCHES, ...MANIFEST_SWITCHES, '?']);
  const out: string[] = [];
  for (const arg of argv) {
    const m = /^[-/]([A-Za-z?]+)$/.exec(arg);
    if (!m) {
      out.push(arg);
      continue;
    }
    const name = m[1]!;
    if (arg.startsWith('/') && !known.has(name)) out.push(arg); // an absolute path, not a switch
    else if (known.has(name)) out.push(`-${name}`);
    else if ([...name].every((c) => (BOOLEAN_SWITCHES as readonly string[]).includes(c))) out.push(...[...name].map((c) => `-${c}`));
    else out.push(`-${name}`);
  }
  return out;
}

export function parseCompileArgs(argv: readonly string[]): CompileCommand {
  const errors: Diagnostic[] = [];
  const args = parseArgs(normalizeSwitches(argv), {
    configuration: {
      'short-option-groups': false,
      'camel-case-expansion': false,
      'boolean-negation': false,
      'dot-notation': false,
      'parse-numbers': false,
      'parse-positional-numbers': false,
      'duplicate-arguments-array': false,
    },
    boolean: [...BOOLEAN_SWITCHES, '?', 'warnings-as-errors', 'help'],
    string: [...VALUE_SWITCHES, 'compat', 'ansi-codepage', 'header-template', 'res', 'dll', 'machine'],
  }) as Record<string, unknown> & { _: (string | number)[] };

  const allowed = new Set<string>([...BOOLEAN_SWITCHES, ...VALUE_SWITCHES, ...LONG_SWITCHES, '?', '_', '$0']);
  for (const key of Object.keys(args)) {
    if (allowed.has(key)) continue;
    if (MANIFEST_SWITCHES.includes(key)) {
      errors.push(diagnostic('manifestSwitch', `-${key} is a manifest (.man) switch; winmc compiles .mc message text files only`));
    } else {
      errors.push(diagnostic('badSwitch', `unknown switch ${key.length === 1 ? '-' : '--'}${key}`));
    }
  }
  const str = (k: string) => {
    const v = args[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v === '') {
      errors.push(diagnostic('badSwitch', `${k.length <= 2 ? '-' : '--'}${k} needs a value`));
      return undefined;
    }
    return v;
  };
  const flag = (k: string) => args[k] === true;
  const int = (k: string, what: string) => {
    const v = str(k);
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) {
      errors.push(diagnostic('badSwitch', `${k.length <= 2 ? '-' : '--'}${k} takes ${what}, not '${v}'`));
      return undefined;
    }
    return Number(v);
  };

  const options: CompileOptions = {};
  const positional = args._.map(String);
  if (positional.length > 1) errors.push(diagnostic('badSwitch', `one input file expected, found ${positional.length}: ${positional.join(' ')}`));
  const input = positional[0];
  if (input !== undefined) options.inputName = input;
  // -z and -e only name files inside the -h/-r/-x directories: no path may sneak in through them.
  const z = str('z');
  if (z !== undefined) {
    if (/[\\/:]/.test(z) || z === '.' || z === '..') errors.push(diagnostic('badFileName', `-z takes a base name, not a path: '${z}'`));
    else options.baseName = z;
  }
  const e = str('e');
  if (e !== undefined) {
    if (/[\\/:.]/.test(e)) errors.push(diagnostic('badFileName', `-e takes an extension without a dot or a path: '${e}'`));
    else options.headerExtension = e;
  }
  if (flag('b')) options.binPrefix = true;
  if (flag('c')) options.customerBit = true;
  if (flag('d')) options.decimal = true;
  if (flag('o')) options.hresultBanner = true;
  if (flag('n')) options.noTrailingNewline = true;
  if (flag('u')) options.unicodeInput = true;
  if (flag('A') && flag('U')) errors.push(diagnostic('badSwitch', '-A and -U contradict each other'));
  if (flag('A')) options.ansiBins = true;
  const m = int('m', 'a maximum message length');
  if (m !== undefined) options.maxMessageLength = m;
  const cp = str('cp');
  if (cp !== undefined) {
    const enc = cp.toLowerCase();
    if (enc === 'ansi' || enc === 'utf-8' || enc === 'utf-16') options.textEncoding = enc;
    else errors.push(diagnostic('badSwitch', `-cp takes ansi, utf-8 or utf-16, not '${cp}'`));
  }
  const compat = str('compat');
  if (compat !== undefined) {
    if (compat === 'modern' || compat === 'middle' || compat === 'legacy') options.compat = compat;
    else errors.push(diagnostic('badSwitch', `--compat takes modern, middle or legacy, not '${compat}'`));
  }
  const acp = int('ansi-codepage', 'a Windows code page number');
  if (acp !== undefined) {
    if (isKnownCodepage(acp)) options.ansiCodepage = acp;
    else errors.push(diagnostic('badCodepage', `code page ${acp} is not known`));
  }
  const dbgDir = str('x');
  if (dbgDir !== undefined) options.debugFile = true;
  const machine = str('machine') ?? 'x64';
  if (machine !== 'x64' && machine !== 'x86' && machine !== 'arm64') errors.push(diagnostic('badSwitch', `--machine takes x64, x86 or arm64, not '${machine}'`));
  const help = flag('?') || flag('help');
  if (!help && input === undefined && errors.length === 0) errors.push(diagnostic('badSwitch', 'no input file: winmc compile [switches] FILE.mc'));

  return {
    input,
    options,
    headerDir: str('h') ?? '.',
    rcDir: str('r') ?? '.',
    dbgDir,
    verbose: flag('v'),
    warningsAsErrors: flag('warnings-as-errors'),
    headerTemplateFile: str('header-template'),
    resFile: str('res'),
    dllFile: str('dll'),
    machine: machine as CompileCommand['machine'],
    help,
    errors,
  };
}

export const USAGE = `Usage: winmc compile [switches] FILE.mc      (or: winmc [switches] FILE.mc)

mc.exe switches (also written /x):
  -a            input without BOM is ANSI (default)      -u   input without BOM is UTF-16LE
  -A            .bin messages in ANSI (deprecated)       -U   .bin messages in Unicode (default)
  -b            prefix .bin names with the base name     -c   set the Customer bit
  -d            decimal values in the header             -n   no CR LF after each message
  -o            HRESULT (OLE2) header banner             -v   verbose
  -e EXT        header extension (default h)             -m N warn about messages over N chars
  -h DIR        header directory                         -r DIR  .rc and .bin directory
  -x DIR        also write BASE.dbg into DIR             -z NAME base name of the outputs
  -cp ENC       .h/.rc encoding: ansi, utf-8 or utf-16 (with BOM)
winmc options:
  --compat modern|middle|legacy   mc.exe output generation (default modern)
  --ansi-codepage N               the ANSI code page mc.exe would run under (default 1252)
  --header-template FILE          generate the header from your own handlebars template
  --warnings-as-errors            fail on warnings too
  --res FILE                      also write a compiled .res
  --dll FILE [--machine M]        also write a resource-only message DLL (x64, x86, arm64)
`;

export async function run(argv: string[], _command = 'compile'): Promise<number> {
  const cmd = parseCompileArgs(argv);
  if (cmd.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (cmd.errors.length > 0) {
    for (const d of cmd.errors) process.stderr.write(formatDiagnostic(d, 'winmc') + '\n');
    return 2;
  }
  const inputPath = cmd.input!;
  let input: Uint8Array;
  try {
    input = readFileSync(inputPath);
    if (cmd.headerTemplateFile) cmd.options.headerTemplate = readFileSync(cmd.headerTemplateFile, 'utf8');
  } catch (err) {
    process.stderr.write(formatDiagnostic(diagnostic('readFailed', (err as Error).message), 'winmc') + '\n');
    return 1;
  }

  const result = compileMc(input, cmd.options);
  for (const d of result.diagnostics) process.stderr.write(formatDiagnostic(d, inputPath) + '\n');
  const errors = result.diagnostics.filter((d) => d.severity === 'error' || cmd.warningsAsErrors).length;
  if (errors > 0 || result.files.length === 0) return 1;

  const outputs = result.files.map((f) => ({ path: join(dirFor(cmd, f), f.name), bytes: f.bytes }));
  if (cmd.resFile || cmd.dllFile) {
    const { resourceOutputs } = await import('./resource-outputs.js');
    outputs.push(...(await resourceOutputs(result.files, cmd)));
  }
  try {
    writeFilesAtomically(outputs);
  } catch (err) {
    process.stderr.write(formatDiagnostic(diagnostic('writeFailed', (err as Error).message), inputPath) + '\n');
    return 1;
  }
  if (cmd.verbose) for (const o of outputs) process.stdout.write(`winmc: wrote ${o.path} (${o.bytes.length} bytes)\n`);
  return 0;
}

function dirFor(cmd: CompileCommand, f: CompiledFile): string {
  if (f.kind === 'header') return cmd.headerDir;
  if (f.kind === 'dbg') return cmd.dbgDir!;
  return cmd.rcDir;
}
