// `winmc register` and `winmc unregister`: build a source registration from the command line,
// plan it, and hand the plan to the backend named by --target (live, reg:FILE, inf:FILE,
// hive:FILE). --dry-run prints the plan, and the exact changes when the target can be read.

import { existsSync, readFileSync } from 'node:fs';
import { writeFilesAtomically } from '../io/atomic-write.js';
import { REGISTRY_ERRORS, RegistryError } from '../registry/errors.js';
import { applyToHiveFile, openHiveFile } from '../registry/hive.js';
import { writeInf } from '../registry/inf.js';
import { LiveRegistry, applyToLiveRegistry, loadNativeReg } from '../registry/live.js';
import { type RegistrationInput, validateRegistration } from '../registry/model.js';
import { type Change, type Plan, type RegistryView, describeChange, describeStep, plan, resolve } from '../registry/plan.js';
import { writeRegFile } from '../registry/reg-file.js';
import { applyPublisherToHiveFile, openSoftwareHiveFile } from '../registry/publisher-hive.js';
import { writePublisherInf } from '../registry/publisher-inf.js';
import { applyPublisherToLiveRegistry } from '../registry/publisher-live.js';
import {
  type PublisherInput,
  type PublisherPlan,
  describePublisherChange,
  describePublisherStep,
  loadPublisherManifest,
  planPublisher,
  publishersFromManifest,
  resolvePublisher,
} from '../registry/publisher.js';
import { CliError, EXIT, parseCommandLine, printError, usageText, type CommandSpec, type OptionDef } from './kit.js';

type Direction = 'register' | 'unregister';

export type Target = { kind: 'live' } | { kind: 'reg' | 'inf' | 'hive'; file: string };

const opt = (name: string, value: string | undefined, help: string, kind: OptionDef['kind'] = value === undefined ? 'flag' : 'value'): OptionDef => ({
  names: [`--${name}`],
  kind,
  ...(value !== undefined ? { value } : {}),
  group: 'options',
  help,
});

const TARGET = opt('target', 'live|reg:FILE|inf:FILE|hive:FILE', 'where to write: the live registry (Windows; default), a .reg file, an INF AddReg section or an offline hive');
const MANIFEST = opt('manifest', 'FILE', 'a manifest: alone, register its publishers and channels (wevtutil im); with --source, the ProviderGuid of its provider');
const DRY_RUN = opt('dry-run', undefined, 'print the plan, and the exact changes when the target can be read; change nothing');

const spec = (direction: Direction, synopsis: string[], description: string, options: OptionDef[]): CommandSpec => ({
  name: direction,
  synopsis,
  description,
  style: 'gnu',
  word: 'option',
  repeated: 'error',
  usageCode: REGISTRY_ERRORS.USAGE,
  unknownSuffix: ` for 'winmc ${direction}'`,
  groups: [{ id: 'options', title: 'Options', table: ['option', 'meaning'] }],
  options,
});

export const REGISTER_SPECS: Record<Direction, CommandSpec> = {
  register: spec(
    'register',
    [
      'winmc register --log LOG --source NAME --message-file PATH[;PATH...]',
      '  [--category-file PATH --category-count N] [--parameter-file PATH]',
      '  [--types N] [--provider-guid GUID | --manifest FILE.man]',
      '  [--target live|reg:FILE|inf:FILE|hive:FILE] [--dry-run]',
      'winmc register --manifest FILE.man [--resource-file PATH] [--message-file PATH]',
      '  [--parameter-file PATH] [--target live|reg:FILE|inf:FILE|hive:FILE] [--dry-run]',
    ],
    [
      'Registers an EventLog source under HKLM\\SYSTEM\\CurrentControlSet\\Services\\EventLog\\LOG\\NAME',
      "and adds it to the log's Sources. Message files are stored as REG_EXPAND_SZ, so %SystemRoot%",
      'stays unexpanded. --types is the TypesSupported mask, 1..0x1F (default 7).',
      'With --manifest and no --source, registers every provider of the manifest as a publisher under',
      'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WINEVT\\Publishers and its channels under',
      '...\\WINEVT\\Channels, as wevtutil im does (a hive: target is then a SOFTWARE hive).',
    ].join('\n'),
    [
      opt('log', 'LOG', 'the log: Application, System or a custom one'),
      opt('source', 'NAME', 'the source (event provider) name'),
      opt('message-file', 'PATH', 'EventMessageFile; several joined with ; or the option repeated (with --manifest alone: the MessageFileName)', 'list'),
      opt('category-file', 'PATH', 'CategoryMessageFile'),
      opt('category-count', 'N', 'CategoryCount'),
      opt('parameter-file', 'PATH', 'ParameterMessageFile (with --manifest alone: the ParameterFileName)'),
      opt('types', 'N', 'TypesSupported, 1..0x1F (default 7)'),
      opt('provider-guid', 'GUID', 'ProviderGuid, for a source that also has a manifest provider'),
      MANIFEST,
      opt('resource-file', 'PATH', "with --manifest alone: the ResourceFileName, in place of the manifest's"),
      TARGET,
      DRY_RUN,
    ],
  ),
  unregister: spec(
    'unregister',
    [
      'winmc unregister --log LOG --source NAME [--target live|reg:FILE|inf:FILE|hive:FILE] [--dry-run]',
      'winmc unregister --manifest FILE.man [--target live|reg:FILE|inf:FILE|hive:FILE] [--dry-run]',
    ],
    [
      'Removes the values a registration writes, the source key if nothing else is left in it,',
      "and the source's entry in the log's Sources. With --manifest, removes the manifest's publishers",
      'and the channels they own, as wevtutil um does.',
    ].join('\n'),
    [opt('log', 'LOG', 'the log'), opt('source', 'NAME', 'the source name'), opt('manifest', 'FILE', 'remove the publishers and channels of this manifest instead of a source'), TARGET, DRY_RUN],
  ),
};

function usage(direction: Direction): string {
  return usageText(REGISTER_SPECS[direction]);
}

function usageError(text: string): CliError {
  return new CliError(REGISTRY_ERRORS.USAGE, text);
}

export function parseTarget(text: string): Target {
  if (text === 'live') return { kind: 'live' };
  const m = /^(reg|inf|hive):(.+)$/.exec(text);
  if (!m) throw usageError(`--target '${text}' is not live, reg:FILE, inf:FILE or hive:FILE`);
  return { kind: m[1] as 'reg' | 'inf' | 'hive', file: m[2]! };
}

function parseInteger(option: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = /^(0x[0-9a-f]+|[0-9]+)$/i.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(n)) throw usageError(`--${option} '${text}' is not a number`);
  return n;
}

export interface RegisterCommand {
  direction: Direction;
  input: RegistrationInput;
  /** --manifest: the publisher registration when no --source is given, else where the ProviderGuid comes from. */
  manifest?: string;
  /** With --manifest alone: the file paths in place of the manifest's. */
  publisher?: PublisherInput;
  target: Target;
  dryRun: boolean;
  help: boolean;
}

export function parseRegisterArgs(argv: readonly string[], direction: Direction): RegisterCommand {
  const args = parseCommandLine(REGISTER_SPECS[direction], argv);
  args.throwFirst();
  if (args.positional.length > 0) throw usageError(`unexpected argument '${args.positional[0]}'`);
  const one = (name: string): string | undefined => args.value(name);
  const many = (name: string): string[] => args.list(name).flatMap((s) => s.split(';')).filter((s) => s !== '');
  const input: RegistrationInput = { log: one('log'), source: one('source') };
  const manifest = one('manifest');
  if (manifest !== undefined && input.source === undefined) {
    // Publisher mode: the classic options mean nothing here.
    const classic = direction === 'register' ? ['log', 'category-file', 'category-count', 'types', 'provider-guid'] : ['log'];
    const given = classic.find((o) => one(o) !== undefined);
    if (given) throw usageError(`--${given} is for an EventLog source; with --manifest and no --source, winmc registers the manifest's publishers`);
    const messages = many('message-file');
    if (messages.length > 1) throw usageError('--manifest takes one --message-file (the MessageFileName of every provider)');
    const publisher: PublisherInput = {};
    const rf = one('resource-file');
    if (rf !== undefined) publisher.resourceFile = rf;
    if (messages[0] !== undefined) publisher.messageFile = messages[0];
    const pf = one('parameter-file');
    if (pf !== undefined) publisher.parameterFile = pf;
    return { direction, input, manifest, publisher, target: parseTarget(one('target') ?? 'live'), dryRun: args.flag('dry-run'), help: args.help };
  }
  if (direction === 'unregister' && manifest !== undefined) throw usageError('unregister takes --manifest or --log/--source, not both');
  if (one('resource-file') !== undefined) throw usageError('--resource-file goes with --manifest and no --source');
  if (manifest !== undefined && one('provider-guid') !== undefined) throw usageError('--provider-guid and --manifest both name the ProviderGuid; give one');
  if (direction === 'register') {
    input.eventMessageFiles = many('message-file');
    input.categoryMessageFile = one('category-file');
    input.categoryCount = parseInteger('category-count', one('category-count'));
    input.parameterMessageFile = one('parameter-file');
    input.typesSupported = parseInteger('types', one('types'));
    input.providerGuid = one('provider-guid');
  }
  return {
    direction,
    input,
    ...(manifest !== undefined ? { manifest } : {}),
    target: parseTarget(one('target') ?? 'live'),
    dryRun: args.flag('dry-run'),
    help: args.help,
  };
}

function targetName(t: Target): string {
  return t.kind === 'live' ? 'live' : `${t.kind}:${t.file}`;
}

/** The registry the target will change, when it can be read from here. */
function targetView(t: Target): RegistryView | undefined {
  switch (t.kind) {
    case 'live':
      return new LiveRegistry(loadNativeReg());
    case 'hive':
      return openHiveFile(t.file);
    case 'reg':
    case 'inf':
      // A file is usually made for the machine it is made on; on Windows read that registry,
      // but a file can still be written without it.
      if (process.platform !== 'win32') return undefined;
      try {
        return new LiveRegistry(loadNativeReg());
      } catch {
        return undefined;
      }
  }
}

/** The plan and what it changes, as --dry-run and --verbose print them. */
function printSteps(heading: string, steps: string[], changes: string[] | undefined, notes: readonly string[] = []): void {
  const lines = [heading, 'plan:', ...steps.map((s) => '  ' + s)];
  if (changes) {
    lines.push(changes.length === 0 ? 'changes: none, the registry already matches' : 'changes:');
    for (const c of changes) lines.push('  ' + c);
  } else {
    lines.push('changes: not known here (the target registry cannot be read)');
  }
  for (const n of notes) lines.push(`note: ${n}`);
  process.stdout.write(lines.join('\n') + '\n');
}

function printPlan(p: Plan, t: Target, changes: Change[] | undefined): void {
  const r = p.registration;
  printSteps(`${p.direction} source '${r.source}' in log '${r.log}', target ${targetName(t)}`, p.steps.map(describeStep), changes?.map(describeChange));
}

function warn(text: string): void {
  process.stderr.write(`winmc : warning ${REGISTRY_ERRORS.STEP_NOT_WRITTEN}: ${text}\n`);
}

async function readManifest(file: string) {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new RegistryError(REGISTRY_ERRORS.BAD_MANIFEST, `${file}: cannot read: ${(err as Error).message}`, file);
  }
  return loadPublisherManifest(bytes, file);
}

/** --manifest with --source: the ProviderGuid (and, unless given, the message file) of the source's provider. */
async function sourceFromManifest(cmd: RegisterCommand): Promise<void> {
  const manifest = await readManifest(cmd.manifest!);
  const source = (cmd.input.source ?? '').toLowerCase();
  const provider = manifest.providers.find((p) => p.name.toLowerCase() === source) ?? (manifest.providers.length === 1 ? manifest.providers[0] : undefined);
  if (!provider) {
    throw new RegistryError(
      REGISTRY_ERRORS.INVALID_FIELD,
      `provider-guid: ${cmd.manifest} has ${manifest.providers.length} providers and none is named '${cmd.input.source}' (${manifest.providers.map((p) => p.name).join(', ')})`,
    );
  }
  cmd.input.providerGuid = provider.guid.text;
  if ((cmd.input.eventMessageFiles ?? []).length === 0 && provider.messageFileName) cmd.input.eventMessageFiles = [provider.messageFileName];
}

function printPublisherPlan(p: PublisherPlan, t: Target, changes: Change[] | undefined, notes: string[]): void {
  const names = p.registration.publishers.map((x) => `'${x.name}' ${x.guid}`).join(', ');
  printSteps(`${p.direction} publisher(s) ${names}, target ${targetName(t)}`, p.steps.map(describePublisherStep), changes?.map(describePublisherChange), notes);
}

/** The registry a publisher target will change, when it can be read from here. */
function publisherView(t: Target): RegistryView | undefined {
  return t.kind === 'hive' ? openSoftwareHiveFile(t.file) : targetView(t);
}

async function executePublisher(cmd: RegisterCommand): Promise<void> {
  const t = cmd.target;
  const nativeReg = t.kind === 'live' ? loadNativeReg() : undefined;
  const manifest = await readManifest(cmd.manifest!);
  const registration = publishersFromManifest(manifest, cmd.publisher ?? {}, {
    forUnregister: cmd.direction === 'unregister',
    ...(t.kind === 'live' ? { fileExists: existsSync, env: process.env } : {}),
  });
  const p = planPublisher(registration, cmd.direction);
  if (cmd.dryRun) {
    const view = publisherView(t);
    const res = resolvePublisher(p, view);
    printPublisherPlan(p, t, view ? res.changes : undefined, res.notes);
    return;
  }
  switch (t.kind) {
    case 'live': {
      const { changes, notes } = applyPublisherToLiveRegistry(p, { nativeReg });
      for (const n of notes) warn(n);
      process.stdout.write(`${changes.length} change(s) made to the registry\n`);
      break;
    }
    case 'hive': {
      const { changes, notes, written } = applyPublisherToHiveFile(t.file, p);
      for (const n of notes) warn(`${t.file}: ${n}`);
      process.stdout.write(written ? `${changes.length} change(s) written to ${t.file}\n` : `${t.file} already matches; not rewritten\n`);
      break;
    }
    case 'reg': {
      const resolution = resolvePublisher(p, targetView(t));
      for (const n of resolution.notes) warn(`${t.file}: ${n}`);
      writeFilesAtomically([{ path: t.file, bytes: writeRegFile(resolution) }]);
      break;
    }
    case 'inf':
      // An INF cannot test OwningPublisher: say which channel keys it writes or deletes unchecked.
      for (const n of resolvePublisher(p).notes) warn(`${t.file}: ${n}`);
      writeFilesAtomically([{ path: t.file, bytes: writePublisherInf(p) }]);
      break;
  }
}

async function execute(cmd: RegisterCommand): Promise<void> {
  if (cmd.manifest !== undefined && cmd.input.source === undefined) return executePublisher(cmd);
  const t = cmd.target;
  // Say that the live registry is unavailable before complaining about files it would name.
  const nativeReg = t.kind === 'live' ? loadNativeReg() : undefined;
  if (cmd.manifest !== undefined) await sourceFromManifest(cmd);
  const registration = validateRegistration(cmd.input, {
    forUnregister: cmd.direction === 'unregister',
    // Paths name files on this machine only when the live registry is the target.
    ...(t.kind === 'live' ? { fileExists: existsSync, env: process.env } : {}),
  });
  const p = plan(registration, cmd.direction);
  if (cmd.dryRun) {
    const view = targetView(t);
    printPlan(p, t, view ? resolve(p, view).changes : undefined);
    return;
  }
  switch (t.kind) {
    case 'live': {
      const changes = applyToLiveRegistry(p, { nativeReg });
      process.stdout.write(`${changes.length} change(s) made to the registry\n`);
      break;
    }
    case 'hive': {
      const { changes, written } = applyToHiveFile(t.file, p);
      process.stdout.write(written ? `${changes.length} change(s) written to ${t.file}\n` : `${t.file} already matches; not rewritten\n`);
      break;
    }
    case 'reg': {
      const resolution = resolve(p, targetView(t));
      for (const s of resolution.skipped) warn(`${t.file}: not written, ${s.reason}: ${describeStep(s.step)}`);
      writeFilesAtomically([{ path: t.file, bytes: writeRegFile(resolution) }]);
      break;
    }
    case 'inf': {
      const view = targetView(t);
      if (!view && cmd.direction === 'unregister') warn(`${t.file}: the source key is not deleted, since it cannot be checked for other values here`);
      writeFilesAtomically([{ path: t.file, bytes: writeInf(p, view ? { view } : {}) }]);
      break;
    }
  }
}

export async function run(argv: string[], command: string): Promise<number> {
  const direction: Direction = command === 'unregister' ? 'unregister' : 'register';
  try {
    const cmd = parseRegisterArgs(argv, direction);
    if (cmd.help) {
      process.stdout.write(usage(direction));
      return 0;
    }
    await execute(cmd);
    return 0;
  } catch (err) {
    if (err instanceof CliError) {
      printError(err);
      return err.exitCode;
    }
    if (err instanceof RegistryError) {
      const where = err.file !== undefined && err.line !== undefined ? `${err.file}(${err.line})` : 'winmc';
      process.stderr.write(`${where} : error ${err.code}: ${err.message}\n`);
      return EXIT.input;
    }
    const e = err as NodeJS.ErrnoException;
    if (e && typeof e.code === 'string' && e.path) {
      process.stderr.write(`winmc : error ${REGISTRY_ERRORS.WRITE_FAILED}: ${e.path}: ${e.message}\n`);
      return 1;
    }
    throw err;
  }
}
