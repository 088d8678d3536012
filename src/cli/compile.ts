// `winmc compile` and bare `winmc FILE`: mc.exe's command line, for message text files (.mc)
// and instrumentation manifests (.man). The switches are mc.exe's, case-sensitive, with `-` or
// `/`; value switches take the next argument; `-um` stays one switch, not `-u -m`. The input's
// kind is told by its content (an XML document whose root is instrumentationManifest is a
// manifest, whatever its name), and each kind refuses the other's switches.
//
// Several inputs in one run (`winmc compile -h inc -r res a.mc b.man`): each is compiled as if
// it were alone (the same outputs and diagnostics), one after the other, every file's errors
// reported; a file that fails writes nothing, the others are written all-or-nothing each, and
// the exit status is the worst of them. Build integration (docs/build.md): --list-outputs,
// --depfile, --watch, and --cmake-dir / --msbuild-dir for the CMake and MSBuild packages.

import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileMcWith, type CompileOptions, type CompiledFile } from '../mc/compile-core.js';
import { diagnostic, formatDiagnostic, type Diagnostic } from '../mc/diagnostics.js';
import { isKnownCodepage } from '../mc/codepage.js';
import { defaultMcTemplates } from '../mc/templates.js';
import { isManifestGeneration, MANIFEST_GENERATIONS, type ManifestGeneration } from '../manifest/generation.js';
import { writeFilesAtomically, type OutputFile, type StagedScan } from '../io/atomic-write.js';
import { parseCommandLine, readInputFile, usageText, type CommandSpec, type OptionDef } from './kit.js';

const mc = (names: string | string[], kind: OptionDef['kind'], help: string, extra: Partial<OptionDef> = {}): OptionDef => ({
  names: Array.isArray(names) ? names : [names],
  kind,
  help,
  group: 'mc',
  ...extra,
});

/** Why winmc does not do what a manifest switch asks (MC1002). */
export const REFUSED_MANIFEST_SWITCHES: Readonly<Record<string, string>> = {
  '-mof': 'the MOF classes and pre-Vista logging code it asks for are not generated',
  '-co': 'the MCGEN_CALLOUT hook in the logging code is not generated',
  '-s': 'baselines (-s, -t) are not supported: there is no baseline format to write or check',
  '-t': 'baselines (-s, -t) are not supported: there is no baseline format to write or check',
  '-generateProjections': 'the projection code of newer mc.exe versions is not generated',
  '-P': 'the symbolic names are not shortened: -P is not supported yet',
};

export const COMPILE_SPEC: CommandSpec = {
  name: 'compile',
  synopsis: ['winmc compile [switches] FILE.mc|FILE.man …', 'winmc [switches] FILE.mc|FILE.man …   (the same: winmc is a drop-in for mc)'],
  style: 'mc',
  word: 'switch',
  repeated: 'last',
  usageCode: 'MC1001',
  groups: [
    { id: 'mc', title: 'mc.exe switches (also written /x)', table: ['switch', 'effect'] },
    { id: 'manifest', title: 'mc.exe manifest switches', table: ['switch', 'effect'] },
    { id: 'winmc', title: 'winmc options', table: ['option', 'effect'] },
    { id: 'build', title: 'build integration (docs/build.md)', table: ['option', 'effect'] },
  ],
  options: [
    mc('-h', 'value', 'header directory (default: current)', { value: 'DIR', doc: 'directory of the header, and of the `.cs` of `-cs`/`-css` (default: current)' }),
    mc('-r', 'value', '.rc and .bin directory (default: current)', { value: 'DIR', doc: 'directory of the `.rc` and `.bin` files (default: current)' }),
    mc('-z', 'value', 'base name of the outputs', { value: 'NAME', doc: 'base name of the outputs; also prefixes the `.bin` names with `NAME_`' }),
    mc('-e', 'value', 'header extension (default h)', { value: 'EXT', doc: 'header extension (default `h`)' }),
    mc('-x', 'value', 'also write BASE.dbg into DIR (.mc)', { value: 'DIR', doc: '`.mc`: also write `BASE.dbg` (see below)' }),
    mc('-b', 'flag', 'prefix .bin names with the base name', { doc: 'prefix `.bin` names with the base name' }),
    mc('-a', 'flag', '.mc without a BOM is ANSI (default)', { doc: '`.mc`: input without a BOM is ANSI (default)' }),
    mc('-u', 'flag', '.mc without a BOM is UTF-16LE', { doc: '`.mc`: input without a BOM is UTF-16LE. A BOM (UTF-8 or UTF-16LE) always wins' }),
    mc('-U', 'flag', '.bin messages in Unicode (default)', { doc: '`.mc`: `.bin` messages in Unicode (default)' }),
    mc('-A', 'flag', '.bin messages in ANSI (deprecated)', { doc: '`.mc`: `.bin` messages in ANSI' }),
    mc('-c', 'flag', 'set the Customer bit', { doc: '`.mc`: set the Customer bit (0x20000000)' }),
    mc('-d', 'flag', 'decimal values in the header', { doc: '`.mc`: decimal values in the header (`OutputBase` overrides per message)' }),
    mc('-n', 'flag', 'no CR LF after each message', { doc: '`.mc`: no CR LF after each message' }),
    mc('-o', 'flag', 'HRESULT (OLE2) header banner', { doc: '`.mc`: HRESULT (OLE2) banner in the header' }),
    mc('-m', 'value', 'warn about messages over N characters', { value: 'N', doc: '`.mc`: warn about messages longer than N characters' }),
    mc('-cp', 'value', '.h/.rc encoding: ansi, utf-8 or utf-16 (with BOM)', {
      value: 'ENC',
      doc: 'encoding of the `.h`, `.rc`, `.dbg` (a manifest: of the `.h`): `ansi`, `utf-8` or `utf-16` (the Unicode ones with a BOM)',
    }),
    mc('-v', 'flag', 'verbose: list what was written', { doc: 'list what was written' }),
    mc('-?', 'flag', 'this text', { doc: 'usage' }),
    mc('-um', 'flag', 'user-mode logging code in the header', { group: 'manifest', doc: 'the user-mode (MCGEN) logging code in the header' }),
    mc('-km', 'flag', 'kernel-mode logging code in the header', { group: 'manifest', doc: 'the kernel-mode logging code in the header' }),
    mc('-cs', 'value', 'C# logging class in NAMESPACE (-h dir)', { group: 'manifest', value: 'NAMESPACE', doc: 'a C# logging class in NAMESPACE, written into the `-h` directory' }),
    mc('-css', 'value', 'static C# logging class in NAMESPACE', { group: 'manifest', value: 'NAMESPACE', doc: 'the same as a static class' }),
    mc('-p', 'value', 'prefix of the logging macros (default EventWrite)', {
      group: 'manifest',
      value: 'PREFIX',
      doc: 'the prefix of the logging macros in place of `EventWrite` (with `-um`/`-km`)',
    }),
    mc('-w', 'value', 'ignored, as by mc.exe (schema file)', { group: 'manifest', value: 'FILE', doc: 'ignored, as mc.exe itself ignores it (winmc always validates)' }),
    mc('-W', 'value', 'ignored, as by mc.exe (winmeta.xml)', { group: 'manifest', value: 'FILE', doc: 'ignored, as mc.exe itself ignores it (winmc has winmeta.xml built in)' }),
    ...Object.entries(REFUSED_MANIFEST_SWITCHES).map(([name, why]) =>
      mc(name, name === '-s' || name === '-t' || name === '-P' ? 'value' : 'flag', `refused: ${why}`, {
        group: 'manifest',
        value: name === '-s' || name === '-t' ? 'PATH' : name === '-P' ? 'PREFIX' : undefined,
        doc: `refused (MC1002): ${why}`,
      }),
    ),
    mc('--compat', 'value', '.mc: modern|middle|legacy (default modern); .man: sdk8.1|sdk10.0.10240|sdk10.0.16299|sdk-newest', {
      group: 'winmc',
      value: 'GEN',
      doc:
        'which generation of mc.exe to reproduce. `.mc`: `modern` (default, the Windows 10/11 SDK), `middle` (SDK 6.x to early 10) and `legacy` (NT/VC6/VS2003 era) print the name tables in descending name order, and `legacy` writes `layed out`, a two-space text prefix and unquoted `.bin` names. Manifests: `sdk8.1`, `sdk10.0.10240`, `sdk10.0.16299` (default) or `sdk-newest`, each named by the first SDK whose mc.exe writes it',
    }),
    mc('--ansi-codepage', 'value', 'the ANSI code page mc.exe would run under (default 1252)', {
      group: 'winmc',
      value: 'N',
      doc: 'the ANSI code page mc.exe would run under (CP_ACP, default 1252): decodes `.mc` input without a BOM and encodes ANSI output (of a manifest: names outside ASCII in the `.h`, `.rc`, `.cs`)',
    }),
    mc('--header-template', 'value', 'generate the header from your own handlebars template', {
      group: 'winmc',
      value: 'FILE',
      doc: 'generate the header (of a manifest with `-cs`/`-css`: the `.cs`) from your own handlebars template ([docs/templates.md](docs/templates.md)); an error in it is a diagnostic located in it (MC1006)',
    }),
    mc('--warnings-as-errors', 'flag', 'fail on warnings too', { group: 'winmc', doc: 'exit non-zero on warnings too' }),
    mc('--res', 'value', 'also write a compiled .res', { group: 'winmc', value: 'FILE', doc: 'also write a compiled `.res` ([docs/resources.md](docs/resources.md))' }),
    mc('--dll', 'value', 'also write a resource-only message DLL', { group: 'winmc', value: 'FILE', doc: 'also write a resource-only message DLL ([docs/resources.md](docs/resources.md))' }),
    mc('--machine', 'value', 'the DLL\'s machine: x64 (default), x86 or arm64', { group: 'winmc', value: 'M', doc: 'the DLL\'s machine: `x64` (default), `x86` or `arm64`' }),
    mc('--list-outputs', 'flag', 'print the files the compile would write, one a line; write nothing', {
      group: 'build',
      doc: 'print the files the compile would write, one a line, and write nothing (the `.bin` names depend on the languages inside the file, so the input is compiled)',
    }),
    mc('--depfile', 'value', 'also write a Make/Ninja dependency file', {
      group: 'build',
      value: 'FILE',
      doc: 'also write a dependency file in Make/Ninja syntax, as `gcc -MD` does: every output depends on its input and on the `--header-template`; one rule per input',
    }),
    mc('--depfile-target', 'list', 'the depfile rule\'s target, in place of the outputs (gcc -MT)', {
      group: 'build',
      value: 'FILE',
      doc: 'name FILE as the depfile rule\'s target in place of the outputs, as `gcc -MT` does (repeatable; then a single rule, with the dependencies of every input): for Ninja, which refuses a depfile that names an output its build file does not declare',
    }),
    mc('--watch', 'flag', 'compile, then recompile whenever an input changes', {
      group: 'build',
      doc: 'compile, then recompile each input (all of them when the `--header-template` changes) whenever it changes, debounced; errors are printed and watching goes on until interrupted',
    }),
    mc('--cmake-dir', 'flag', 'print the directory of winmc-config.cmake', { group: 'build', doc: 'print the directory of `winmc-config.cmake` (`-Dwinmc_DIR=…`) and exit' }),
    mc('--msbuild-dir', 'flag', 'print the directory of winmc.props and winmc.targets', { group: 'build', doc: 'print the directory of `winmc.props` and `winmc.targets` and exit' }),
  ],
};

/** The switches that only mean something for a message text file. */
const MC_ONLY = new Set(['x', 'a', 'u', 'U', 'A', 'c', 'd', 'n', 'o', 'm']);
/** The manifest switches winmc implements (refused ones never get this far). */
const MANIFEST_ONLY = new Set(['um', 'km', 'cs', 'css', 'p', 'w', 'W']);

export interface ManifestSwitches {
  userMode: boolean;
  kernelMode: boolean;
  csharp?: { namespace: string; staticClass: boolean };
  generation?: ManifestGeneration;
  /** -p: the logging macros' prefix in place of `EventWrite`. */
  writePrefix?: string;
}

export interface CompileCommand {
  /** The first input (the only one, in most builds). */
  input?: string;
  /** Every input, in command-line order. */
  inputs: string[];
  options: CompileOptions;
  /** What the manifest switches ask for (used when the input is a manifest). */
  manifest: ManifestSwitches;
  /** Switches given that apply to .mc files only / to manifests only, as written. */
  mcOnlySwitches: string[];
  manifestOnlySwitches: string[];
  headerDir: string;
  rcDir: string;
  dbgDir?: string;
  verbose: boolean;
  warningsAsErrors: boolean;
  headerTemplateFile?: string;
  resFile?: string;
  dllFile?: string;
  machine: 'x64' | 'x86' | 'arm64';
  listOutputs: boolean;
  depfile?: string;
  /** --depfile-target: the depfile rule's targets in place of the outputs. */
  depfileTargets: string[];
  watch: boolean;
  /** --cmake-dir / --msbuild-dir: print that directory of the package and do nothing else. */
  printDir?: 'cmake' | 'msbuild';
  help: boolean;
  errors: Diagnostic[];
}

const dashed = (k: string) => (k.length <= 3 || k === 'generateProjections' ? '-' : '--') + k;

export function parseCompileArgs(argv: readonly string[]): CompileCommand {
  const args = parseCommandLine(COMPILE_SPEC, argv);
  const errors: Diagnostic[] = args.errors.map((e) => diagnostic('badSwitch', e.message));
  const str = (k: string) => args.value(k);
  const flag = (k: string) => args.flag(k);
  const int = (k: string, what: string) => {
    const v = str(k);
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) {
      errors.push(diagnostic('badSwitch', `${dashed(k)} takes ${what}, not '${v}'`));
      return undefined;
    }
    return Number(v);
  };

  for (const name of Object.keys(REFUSED_MANIFEST_SWITCHES)) {
    if (args.has(name.slice(1))) errors.push(diagnostic('manifestSwitch', `${name} is refused: ${REFUSED_MANIFEST_SWITCHES[name]}`));
  }

  const options: CompileOptions = {};
  const inputs = args.positional;
  const input = inputs[0];
  if (input !== undefined) options.inputName = input;
  // Options that name one file's outputs would make every input write the same files.
  if (inputs.length > 1) {
    for (const name of ['-z', '--res', '--dll']) {
      if (args.has(name.replace(/^-+/, ''))) errors.push(diagnostic('badSwitch', `${name} names the outputs of one input, and ${inputs.length} were given: compile them one at a time`));
    }
  }
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
  const headerTemplate = str('header-template');
  if (headerTemplate !== undefined) options.headerTemplateName = headerTemplate;
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
  const manifest: ManifestSwitches = { userMode: flag('um'), kernelMode: flag('km') };
  const cs = str('cs');
  const css = str('css');
  if (cs !== undefined) manifest.csharp = { namespace: cs, staticClass: false };
  if (css !== undefined) manifest.csharp = { namespace: css, staticClass: true };
  const writePrefix = str('p');
  if (writePrefix !== undefined) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(writePrefix)) errors.push(diagnostic('badSwitch', `-p takes the start of a C identifier, not '${writePrefix}'`));
    else if (cs !== undefined || css !== undefined) errors.push(diagnostic('manifestSwitch', '-p with -cs/-css is refused: the C# methods are not renamed yet'));
    else manifest.writePrefix = writePrefix;
  }
  const modes = ['um', 'km', 'cs', 'css'].filter((k) => args.has(k)).map(dashed);
  if (modes.length > 1) errors.push(diagnostic('badSwitch', `${modes.join(' and ')} exclude each other: mc.exe generates one kind of logging code at a time`));
  for (const ns of [cs, css]) {
    if (ns !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(ns)) errors.push(diagnostic('badSwitch', `-cs/-css take a C# namespace, not '${ns}'`));
  }
  const compat = str('compat');
  if (compat !== undefined) {
    if (compat === 'modern' || compat === 'middle' || compat === 'legacy') options.compat = compat;
    else if (isManifestGeneration(compat)) manifest.generation = compat;
    else errors.push(diagnostic('badSwitch', `--compat takes modern, middle or legacy (.mc) or ${MANIFEST_GENERATIONS.join(', ')} (manifests), not '${compat}'`));
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
  const help = args.help;
  const printDir = flag('cmake-dir') ? 'cmake' : flag('msbuild-dir') ? 'msbuild' : undefined;
  if (flag('cmake-dir') && flag('msbuild-dir')) errors.push(diagnostic('badSwitch', '--cmake-dir and --msbuild-dir print one directory each: give one'));
  if (args.has('depfile-target') && !args.has('depfile')) errors.push(diagnostic('badSwitch', '--depfile-target names the target of the --depfile, and no --depfile was given'));
  if (flag('list-outputs') && flag('watch')) errors.push(diagnostic('badSwitch', '--list-outputs writes nothing, so there is nothing to --watch'));
  if (!help && printDir === undefined && input === undefined && errors.length === 0) errors.push(diagnostic('badSwitch', 'no input file: winmc compile [switches] FILE.mc|FILE.man …'));

  return {
    input,
    inputs,
    options,
    manifest,
    mcOnlySwitches: [...MC_ONLY].filter((k) => args.has(k)).map(dashed),
    manifestOnlySwitches: [...MANIFEST_ONLY].filter((k) => args.has(k)).map(dashed),
    headerDir: str('h') ?? '.',
    rcDir: str('r') ?? '.',
    dbgDir,
    verbose: flag('v'),
    warningsAsErrors: flag('warnings-as-errors'),
    headerTemplateFile: str('header-template'),
    resFile: str('res'),
    dllFile: str('dll'),
    machine: machine as CompileCommand['machine'],
    listOutputs: flag('list-outputs'),
    depfile: str('depfile'),
    depfileTargets: args.list('depfile-target'),
    watch: flag('watch'),
    printDir,
    help,
    errors,
  };
}

export const USAGE = usageText(COMPILE_SPEC);

/** Whether the bytes may be an XML document (after a BOM and white space, a `<`, in UTF-8 or UTF-16). */
export function startsLikeXml(bytes: Uint8Array): boolean {
  let i = 0;
  let step = 1;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  else if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    i = bytes[0] === 0xff ? 2 : 3;
    step = 2;
  } else if (bytes[0] === 0x00 && bytes.length > 1) {
    i = 1; // UTF-16BE without a BOM
    step = 2;
  } else if (bytes[1] === 0x00) step = 2; // UTF-16LE without a BOM
  for (; i < bytes.length && i < 4096; i += step) {
    const c = bytes[i];
    if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a) continue;
    return c === 0x3c;
  }
  return false;
}

function fail(d: Diagnostic, where = 'winmc'): void {
  process.stderr.write(formatDiagnostic(d, where) + '\n');
}

/** The package's own directory of that name (cmake/, msbuild/), beside dist/ and templates/. */
export function packageDir(name: 'cmake' | 'msbuild'): string {
  return fileURLToPath(new URL(`../../${name}`, import.meta.url));
}

export async function run(argv: string[], _command = 'compile'): Promise<number> {
  const cmd = parseCompileArgs(argv);
  if (cmd.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (cmd.errors.length > 0) {
    for (const d of cmd.errors) fail(d);
    return 2;
  }
  if (cmd.printDir !== undefined) {
    process.stdout.write(packageDir(cmd.printDir) + '\n');
    return 0;
  }
  if (cmd.watch) {
    const { watchInputs } = await import('./compile-watch.js');
    return watchInputs(cmd);
  }
  return compileInputs(cmd, cmd.inputs).then((r) => r.exitCode);
}

const NO_BYTES = new Uint8Array(0);

/** What one input gives: its exit status as if compiled alone, and (when 0) its outputs and what they depend on. */
export interface InputResult {
  input: string;
  exitCode: number;
  outputs: OutputFile[];
  /** The input, then the user templates it was compiled with. */
  dependencies: string[];
}

/**
 * Compiles the inputs one after the other, each as if alone, and writes each one's outputs
 * (all-or-nothing per input) unless --list-outputs asks only for their names; then the
 * --depfile, when every input compiled. Two inputs writing the same file is an error of the
 * later one (it would overwrite the earlier one's outputs).
 */
export async function compileInputs(cmd: CompileCommand, inputs: readonly string[]): Promise<{ exitCode: number; results: InputResult[] }> {
  const results: InputResult[] = [];
  const writer = new Map<string, string>();
  // Every input's outputs land in the same few directories: each is looked at once a run.
  const scan: StagedScan = new Map();
  let exitCode = 0;
  for (const input of inputs) {
    const r = await compileInput(input, cmd);
    if (r.exitCode === 0) {
      const clash = r.outputs.find((o) => writer.has(resolve(o.path)));
      if (clash) {
        fail(diagnostic('writeFailed', `${clash.path} is also an output of ${writer.get(resolve(clash.path))}: give the inputs different base names, -b, or their own -r directory`), input);
        r.exitCode = 1;
      }
    }
    if (r.exitCode === 0) {
      for (const o of r.outputs) writer.set(resolve(o.path), input);
      if (cmd.listOutputs) process.stdout.write(r.outputs.map((o) => o.path + '\n').join(''));
      else r.exitCode = writeOutputs(r.outputs, input, cmd.verbose, scan);
    }
    // Only the names are needed from here on (--depfile): the bytes of a file done go to the collector.
    r.outputs = r.exitCode === 0 ? r.outputs.map((o) => ({ path: o.path, bytes: NO_BYTES })) : [];
    exitCode = Math.max(exitCode, r.exitCode);
    results.push(r);
  }
  if (cmd.depfile !== undefined && !cmd.listOutputs && exitCode === 0) {
    const code = writeOutputs([{ path: cmd.depfile, bytes: Buffer.from(depfileText(results, cmd.depfileTargets)) }], cmd.depfile, cmd.verbose, scan);
    exitCode = Math.max(exitCode, code);
  }
  return { exitCode, results };
}

/** Reads, recognises and compiles one input; prints its diagnostics; writes nothing. */
export async function compileInput(inputPath: string, cmd: CompileCommand): Promise<InputResult> {
  const result: InputResult = { input: inputPath, exitCode: 1, outputs: [], dependencies: [inputPath] };
  let input: Uint8Array;
  try {
    input = readInputFile(inputPath);
  } catch (err) {
    fail(diagnostic('readFailed', (err as Error).message));
    return result;
  }

  if (startsLikeXml(input)) {
    const { looksLikeManifest } = await import('../manifest/parse.js');
    if (looksLikeManifest(input)) {
      if (cmd.mcOnlySwitches.length > 0 || cmd.options.compat !== undefined) {
        const given = [...cmd.mcOnlySwitches, ...(cmd.options.compat !== undefined ? [`--compat ${cmd.options.compat}`] : [])];
        fail(diagnostic('badSwitch', `${given.join(', ')} ${given.length === 1 ? 'applies' : 'apply'} to message text files only, and ${inputPath} is an instrumentation manifest`));
        return { ...result, exitCode: 2 };
      }
      const { compileManifestInput } = await import('./compile-manifest.js');
      const outputs = await compileManifestInput(input, inputPath, cmd);
      return outputs ? { ...result, exitCode: 0, outputs } : result;
    }
  }
  if (cmd.manifestOnlySwitches.length > 0 || cmd.manifest.generation !== undefined) {
    const given = [...cmd.manifestOnlySwitches, ...(cmd.manifest.generation !== undefined ? [`--compat ${cmd.manifest.generation}`] : [])];
    fail(diagnostic('manifestSwitch', `${given.join(', ')} ${given.length === 1 ? 'applies' : 'apply'} to instrumentation manifests only, and ${inputPath} is a message text file`));
    return { ...result, exitCode: 2 };
  }

  const options: CompileOptions = { ...cmd.options, inputName: inputPath };
  try {
    options.templates = defaultMcTemplates();
    if (cmd.headerTemplateFile) {
      result.dependencies.push(cmd.headerTemplateFile);
      options.headerTemplate = readInputFile(cmd.headerTemplateFile, 'utf8');
    }
  } catch (err) {
    fail(diagnostic('readFailed', (err as Error).message));
    return result;
  }

  // compileMc's own pipeline; chevrotain's grammar parser is loaded only for a file that needs it.
  const compiled = compileMcWith(input, options) ?? compileMcWith(input, options, (await import('../mc/parser.js')).parseStream, true);
  for (const d of compiled.diagnostics) fail(d, inputPath);
  const errors = compiled.diagnostics.filter((d) => d.severity === 'error' || cmd.warningsAsErrors).length;
  if (errors > 0 || compiled.files.length === 0) return result;

  const outputs = compiled.files.map((f) => ({ path: join(dirFor(cmd, f), f.name), bytes: f.bytes }));
  if (cmd.resFile || cmd.dllFile) {
    const { resourceOutputs } = await import('./resource-outputs.js');
    outputs.push(...(await resourceOutputs(compiled.files, cmd)));
  }
  return { ...result, exitCode: 0, outputs };
}

/** Writes every output or none (src/io/atomic-write.ts); -v lists them. */
export function writeOutputs(outputs: { path: string; bytes: Uint8Array }[], inputPath: string, verbose: boolean, scan?: StagedScan): number {
  try {
    writeFilesAtomically(outputs, scan);
  } catch (err) {
    fail(diagnostic('writeFailed', (err as Error).message), inputPath);
    return 1;
  }
  if (verbose) for (const o of outputs) process.stdout.write(`winmc: wrote ${o.path} (${o.bytes.length} bytes)\n`);
  return 0;
}

/** A path in a Make/Ninja rule, escaped as gcc -MD escapes it: `\ ` for a space, `\#`, `$$`. */
export function depfilePath(path: string): string {
  return path.replace(/([ \t#])/g, '\\$1').replace(/\$/g, '$$$$');
}

/**
 * One rule per compiled input, `outputs: input templates`, the prerequisites on lines continued
 * with ` \` as gcc writes them; with `targets` (--depfile-target) one rule naming them, with the
 * prerequisites of every input.
 */
export function depfileText(results: readonly InputResult[], targets: readonly string[] = []): string {
  if (targets.length > 0) {
    const deps = [...new Set(results.filter((r) => r.exitCode === 0).flatMap((r) => r.dependencies))].map(depfilePath);
    return `${targets.map(depfilePath).join(' ')}: \\\n ${deps.join(' \\\n ')}\n`;
  }
  let text = '';
  for (const r of results) {
    if (r.exitCode !== 0 || r.outputs.length === 0) continue;
    const targets = r.outputs.map((o) => depfilePath(o.path));
    const deps = r.dependencies.map(depfilePath);
    text += `${targets.join(' ')}: \\\n ${deps.join(' \\\n ')}\n`;
  }
  return text;
}

function dirFor(cmd: CompileCommand, f: CompiledFile): string {
  if (f.kind === 'header') return cmd.headerDir;
  if (f.kind === 'dbg') return cmd.dbgDir!;
  return cmd.rcDir;
}
