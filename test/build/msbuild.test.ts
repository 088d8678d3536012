// The MSBuild package (msbuild/winmc.props, msbuild/winmc.targets). No MSBuild runs here: none
// can be installed on this Debian machine (no dotnet SDK package; Mono's xbuild was tried and
// cannot evaluate them as MSBuild does: it has no ItemDefinitionGroup and leaves undefined
// metadata in batched targets unexpanded). So the XML is validated instead: well-formed, in the
// MSBuild namespace, only MSBuild's elements and known tasks, every property it reads defined
// or MSBuild's own; every metadata of the WDK's MessageCompile task maps to the mc.exe switch
// winmc's own table has; and the command line the targets build for an item, worked out by
// evaluating their conditions as MSBuild does, compiles as the same switches typed by hand.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SaxesParser } from 'saxes';
import { afterAll, describe, expect, it } from 'vitest';
import { COMPILE_SPEC } from '../../src/cli/compile.js';
import { repoRoot, winmcBin } from '../support/paths.js';

const MSBUILD_NS = 'http://schemas.microsoft.com/developer/msbuild/2003';
const dir = join(repoRoot, 'msbuild');
const built = existsSync(join(repoRoot, 'dist/cli/main.js'));

interface Element {
  name: string;
  attributes: Record<string, string>;
  children: Element[];
  text: string;
  line: number;
}

function parse(file: string): Element {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: Element[] = [];
  let root: Element | undefined;
  parser.on('error', (e) => {
    throw new Error(`${file}: ${e.message}`);
  });
  parser.on('opentag', (tag) => {
    if (tag.uri !== MSBUILD_NS) throw new Error(`${file}:${parser.line}: <${tag.local}> is not in the MSBuild namespace (${tag.uri})`);
    const el: Element = { name: tag.local, attributes: Object.fromEntries(Object.entries(tag.attributes).map(([k, a]) => [k, typeof a === 'string' ? a : a.value])), children: [], text: '', line: parser.line };
    if (stack.length > 0) stack[stack.length - 1]!.children.push(el);
    else root = el;
    stack.push(el);
  });
  parser.on('text', (t) => {
    if (stack.length > 0) stack[stack.length - 1]!.text += t;
  });
  parser.on('closetag', () => void stack.pop());
  parser.write(readFileSync(join(dir, file), 'utf8')).close();
  return root!;
}

const props = parse('winmc.props');
const targets = parse('winmc.targets');
const all = (el: Element): Element[] => [el, ...el.children.flatMap(all)];

// What MSBuild allows where (the parts of the schema these files use).
const PROJECT_CHILDREN = new Set(['PropertyGroup', 'ItemGroup', 'ItemDefinitionGroup', 'Target', 'Import', 'Choose', 'UsingTask', 'ProjectExtensions']);
const TASKS: Record<string, Set<string>> = {
  Exec: new Set(['Command', 'Condition', 'WorkingDirectory', 'ContinueOnError', 'IgnoreExitCode', 'CustomErrorRegularExpression']),
  MakeDir: new Set(['Directories', 'Condition']),
  Message: new Set(['Text', 'Importance', 'Condition']),
  Error: new Set(['Text', 'Code', 'Condition']),
};
const TARGET_ATTRIBUTES = new Set(['Name', 'Condition', 'DependsOnTargets', 'Inputs', 'Outputs', 'BeforeTargets', 'AfterTargets', 'Returns']);
// Properties MSBuild, Visual Studio's C++ targets or the environment define.
const OUTSIDE = new Set(['IntDir', 'MSBuildThisFileDirectory', 'MSBuildProjectDirectory', 'BeforeClCompileTargets', 'BeforeResourceCompileTargets', 'WINMC_EXECUTABLE']);

describe('msbuild/winmc.props and winmc.targets: the XML', () => {
  it('are MSBuild projects: the root, its children, the targets and their tasks are MSBuild\'s', () => {
    for (const p of [props, targets]) {
      expect(p.name).toBe('Project');
      for (const c of p.children) expect(PROJECT_CHILDREN, `<${c.name}> at line ${c.line}`).toContain(c.name);
    }
    for (const t of targets.children.filter((c) => c.name === 'Target')) {
      for (const a of Object.keys(t.attributes)) expect(TARGET_ATTRIBUTES, `${t.attributes.Name}: ${a}`).toContain(a);
      for (const c of t.children) {
        if (c.name === 'PropertyGroup' || c.name === 'ItemGroup') continue;
        expect(TASKS, `${t.attributes.Name}: task <${c.name}>`).toHaveProperty(c.name);
        for (const a of Object.keys(c.attributes)) expect(TASKS[c.name], `<${c.name} ${a}>`).toContain(a);
      }
    }
  });

  it('conditions are balanced and compare quoted values; no property is read that nothing defines', () => {
    const defined = new Set([...OUTSIDE, ...[props, targets].flatMap((p) => all(p).filter((e) => e.name === 'PropertyGroup').flatMap((g) => g.children.map((c) => c.name)))]);
    for (const el of [...all(props), ...all(targets)]) {
      const cond = el.attributes.Condition;
      if (cond !== undefined) {
        expect((cond.match(/'/g) ?? []).length % 2, `line ${el.line}: ${cond}`).toBe(0);
        expect((cond.match(/\(/g) ?? []).length, `line ${el.line}: ${cond}`).toBe((cond.match(/\)/g) ?? []).length);
        expect(cond, `line ${el.line}`).toMatch(/^('[^']*'\s*(==|!=)\s*'[^']*'|Exists\('[^']*'\))(\s+and\s+('[^']*'\s*(==|!=)\s*'[^']*'))*$/);
      }
      for (const text of [el.text, ...Object.values(el.attributes)]) {
        for (const m of text.matchAll(/\$\(([A-Za-z_][\w]*)/g)) expect(defined, `line ${el.line}: $(${m[1]})`).toContain(m[1]);
      }
    }
  });

  it('the targets hook in before the C/C++ and resource compiles and replace the SDK\'s MessageCompile target', () => {
    const names = targets.children.filter((c) => c.name === 'Target').map((t) => t.attributes.Name);
    expect(names).toEqual(expect.arrayContaining(['MessageCompile', 'WinmcMessageCompile']));
    const hooks = targets.children.find((c) => c.name === 'PropertyGroup')!.children.map((c) => `${c.name}=${c.text}`);
    expect(hooks).toEqual(expect.arrayContaining(['BeforeClCompileTargets=$(BeforeClCompileTargets);WinmcMessageCompile', 'BeforeResourceCompileTargets=$(BeforeResourceCompileTargets);WinmcMessageCompile']));
    // The item Visual Studio offers, and ClCompile's include path.
    expect(all(props).some((e) => e.name === 'AvailableItemName' && e.attributes.Include === 'MessageCompile')).toBe(true);
    expect(all(props).find((e) => e.name === 'AdditionalIncludeDirectories')!.text).toBe('$(WinmcHeaderDir);%(AdditionalIncludeDirectories)');
  });
});

// The WDK's MessageCompile task: item metadata and the mc.exe switch each gives (docs/build.md).
const WDK_METADATA: Record<string, string | null> = {
  ANSIInputFile: '-a',
  ANSIMessageInBinFile: '-A',
  EnableDebugOutputPath: null, // enables DebugOutputPath
  DebugOutputPath: '-x',
  EnableCallOutMacro: '-co',
  EventmanPath: null, // -w: accepted, ignored (as mc.exe ignores it)
  GenerateBaselineResource: null, // enables BaselineResourcePath
  BaselineResourcePath: '-s',
  GenerateCSharpLoggingClass: '-cs',
  GenerateStaticCSharpLoggingClass: '-css',
  GeneratedFilesBaseName: '-z',
  GeneratedHeaderPath: null, // enables HeaderFilePath
  HeaderFilePath: '-h',
  GeneratedRCAndMessagesPath: null, // enables RCFilePath
  RCFilePath: '-r',
  GenerateKernelModeLoggingMacros: '-km',
  GenerateMOFFile: '-mof',
  GenerateOLE2Header: '-o',
  GenerateUserModeLoggingMacros: '-um',
  HeaderExtension: '-e',
  MaximumMessageLength: '-m',
  PrefixMacroName: '-p',
  RemoveCharsFromSymbolName: '-P',
  SetCustomerbit: '-c',
  TerminateMessageWithNull: '-n',
  UnicodeInputFile: '-u',
  UnicodeMessageInBinFile: '-U',
  UseBaseNameOfInput: '-b',
  UseDecimalValues: '-d',
  ValdateAgainstBaselineResource: null, // enables BaselinePath
  BaselinePath: '-t',
  Verbose: '-v',
  WinmetaPath: null, // -W: accepted, ignored
};
const WINMC_METADATA: Record<string, string> = { CodePage: '-cp', Compat: '--compat', AnsiCodepage: '--ansi-codepage', HeaderTemplate: '--header-template', WarningsAsErrors: '--warnings-as-errors' };

/** The `_WinmcArgs` lines of the compile target: condition and the text each appends. */
const argLines = all(targets)
  .filter((e) => e.name === '_WinmcArgs' && e.attributes.Condition !== undefined)
  .map((e) => ({ condition: e.attributes.Condition!, text: e.text.replace(/^\$\(_WinmcArgs\)/, '') }));
const compileTarget = targets.children.find((c) => c.name === 'Target' && c.attributes.Name === '_WinmcCompile')!;
const aliases = new Map(compileTarget.children.find((c) => c.name === 'PropertyGroup')!.children.filter((c) => c.attributes.Condition === undefined).map((c) => [c.name, c.text]));

describe('MessageCompile metadata', () => {
  it('every WDK metadata name is read, each switch is one of winmc\'s', () => {
    const known = new Set(COMPILE_SPEC.options.flatMap((o) => o.names));
    const text = readFileSync(join(dir, 'winmc.targets'), 'utf8');
    for (const [name, sw] of Object.entries({ ...WDK_METADATA, ...WINMC_METADATA })) {
      if (sw === null) {
        if (name === 'EventmanPath' || name === 'WinmetaPath') expect(text).toContain(name);
        else expect(argLines.some((l) => l.condition.includes(`%(_WinmcSource.${name})`)), name).toBe(true);
        continue;
      }
      const line = argLines.find((l) => new RegExp(`^ ${sw}( |$)`).test(l.text));
      expect(line, `${name} → ${sw}`).toBeDefined();
      // Directories come through a property of the target: `_WinmcHeaderDir` is `%(_WinmcSource.HeaderFilePath)`.
      const through = (line!.condition + line!.text).replace(/\$\((_Winmc\w+Dir)/g, (_, k: string) => aliases.get(k) ?? k);
      expect(through, name).toContain(`%(_WinmcSource.${name})`);
      expect(known, sw).toContain(sw);
    }
  });
});

/**
 * MSBuild's evaluation of the compile target's property group for one item (the subset these
 * files use): %(_WinmcSource.X) is the item's metadata or empty, $(P) a property, $(P.TrimEnd('c'))
 * a trimmed one, conditions are `'a' == 'b'` / `'a' != 'b'` joined by `and`, case-insensitive.
 */
function evaluate(metadata: Record<string, string>, properties: Record<string, string>): string {
  const props = new Map(Object.entries(properties));
  const expand = (s: string) =>
    s
      .replace(/%\(_WinmcSource\.(\w+)\)/g, (_, k: string) => metadata[k] ?? '')
      .replace(/\$\((\w+)((?:\.TrimEnd\('[^']'\))*)\)/g, (_, k: string, calls: string) => {
        let v = props.get(k) ?? '';
        for (const m of calls.matchAll(/TrimEnd\('([^'])'\)/g)) while (v.endsWith(m[1]!)) v = v.slice(0, -1);
        return v;
      });
  const test = (cond: string) =>
    cond.split(/\s+and\s+/).every((c) => {
      const m = /^'([^']*)'\s*(==|!=)\s*'([^']*)'$/.exec(expand(c).trim());
      if (!m) throw new Error(`condition not understood: ${c}`);
      return (m[1]!.toLowerCase() === m[3]!.toLowerCase()) === (m[2] === '==');
    });
  for (const group of compileTarget.children.filter((c) => c.name === 'PropertyGroup')) {
    for (const p of group.children) {
      if (p.attributes.Condition === undefined || test(p.attributes.Condition)) props.set(p.name, expand(p.text));
    }
    if (group === compileTarget.children.find((c) => c.name === 'PropertyGroup')) break; // the arguments only
  }
  const exec = compileTarget.children.find((c) => c.name === 'Exec')!;
  return expand(exec.attributes.Command!.replace('$(WinmcCommand)', '@WINMC@'));
}

/** A command line as Windows' CommandLineToArgvW and sh split this one: spaces, double quotes. */
function splitArgs(command: string): string[] {
  const out: string[] = [];
  for (const m of command.matchAll(/"([^"]*)"|(\S+)/g)) out.push(m[1] ?? m[2]!);
  return out;
}

let work: string | undefined;
afterAll(() => work && rmSync(work, { recursive: true, force: true }));

describe('the command line the targets build', () => {
  it('follows the metadata: defaults from winmc.props, flags, values, directories without their trailing separator', () => {
    const defaults = { GeneratedHeaderPath: 'true', HeaderFilePath: 'obj\\Debug\\', GeneratedRCAndMessagesPath: 'true', RCFilePath: 'obj\\Debug\\' };
    const cmd = evaluate({ ...defaults, SetCustomerbit: 'true', UseDecimalValues: 'True', MaximumMessageLength: '80', WinmetaPath: '"C:\\sdk\\winmeta.xml"', FullPath: 'C:\\src\\a.mc', WinmcStamp: 'obj\\Debug\\winmc/a.mc.d' }, {});
    expect(cmd).toBe('@WINMC@ compile -h "obj\\Debug" -r "obj\\Debug" -m "80" -c -d --depfile "obj\\Debug\\winmc/a.mc.d" "C:\\src\\a.mc"');
    const man = evaluate({ GeneratedHeaderPath: 'false', HeaderFilePath: 'x', GenerateUserModeLoggingMacros: 'true', GeneratedFilesBaseName: 'ev', Compat: 'sdk8.1', FullPath: 'e.man', WinmcStamp: 's.d' }, {});
    expect(man).toBe('@WINMC@ compile -z "ev" -um --compat "sdk8.1" --depfile "s.d" "e.man"');
  });

  it.skipIf(!built)('compiles as the same switches typed by hand', () => {
    work = mkdtempSync(join(tmpdir(), 'winmc-msbuild-'));
    const mc = join(work, 'a.mc');
    writeFileSync(mc, 'MessageId=1\r\nSymbolicName=MSG_A\r\nLanguage=English\r\nA %1.\r\n.\r\n');
    const cmd = evaluate({ GeneratedHeaderPath: 'true', HeaderFilePath: join(work, 'msb') + '/', GeneratedRCAndMessagesPath: 'true', RCFilePath: join(work, 'msb'), SetCustomerbit: 'true', UseDecimalValues: 'true', UseBaseNameOfInput: 'true', FullPath: mc, WinmcStamp: join(work, 'a.mc.d') }, {});
    const args = splitArgs(cmd).slice(1);
    const viaTargets = spawnSync(process.execPath, [winmcBin, ...args], { encoding: 'utf8' });
    expect(viaTargets, viaTargets.stderr).toMatchObject({ status: 0, stderr: '' });
    const byHand = spawnSync(process.execPath, [winmcBin, '-c', '-d', '-b', '-h', join(work, 'hand'), '-r', join(work, 'hand'), mc], { encoding: 'utf8' });
    expect(byHand.status).toBe(0);
    const files = readdirSync(join(work, 'hand')).sort();
    expect(readdirSync(join(work, 'msb')).sort()).toEqual(files);
    for (const f of files) expect(readFileSync(join(work, 'msb', f))).toEqual(readFileSync(join(work, 'hand', f)));
    expect(readFileSync(join(work, 'a.mc.d'), 'utf8')).toContain('a.rc');
  });
});
