// Manifest publishers and their channels, registered as `wevtutil im` registers them (docs/registry.md,
// "Manifest publishers", gives the evidence for every key and value below):
//
//   HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\WINEVT\Publishers\{GUID}
//       (default)           REG_SZ         the provider's name
//       ResourceFileName    REG_EXPAND_SZ  module with the WEVT_TEMPLATE resource
//       MessageFileName     REG_EXPAND_SZ  module with the message table
//       ParameterFileName   REG_EXPAND_SZ  module for %%n parameter inserts      (when given)
//       Enabled             REG_DWORD      1
//     \ChannelReferences    Count REG_DWORD; one subkey 0, 1, ... per channel the provider uses:
//       \N  (default) REG_SZ channel name, Id REG_DWORD channel value, Flags REG_DWORD (1 = imported)
//   HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\WINEVT\Channels\<channel name>   (own channels only)
//       OwningPublisher REG_SZ {GUID}, Enabled, Isolation, [ChannelAccess REG_SZ], [MaxSize, MaxSizeUpper], Type
//
// The plan uses the classic registrar's steps plus two of its own: `delete-tree` (a key with all it
// holds, as wevtutil um removes a publisher) and `prune-subkeys` (ChannelReferences entries a smaller
// re-registration no longer has). Resolution expands both against the registry's contents, so the
// changes, the undo and the idempotence are those of plan.ts.

import { REGISTRY_ERRORS, RegistryError } from './errors.js';
import { expandEnvironment } from './model.js';
import { type Change, type PlanStep, type RegistryView, type Resolution, describeChange, describeStep, resolveSteps } from './plan.js';
import { RegType, type RegValue, decodeString, dwordValue, stringValue } from './values.js';
import type { Channel, Manifest, Provider } from '../manifest/model.js';
import type { XmlElement } from '../manifest/xml.js';

export const WINEVT_KEY = 'SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WINEVT';
export const PUBLISHERS_KEY = `${WINEVT_KEY}\\Publishers`;
export const CHANNELS_KEY = `${WINEVT_KEY}\\Channels`;

/** EVT_CHANNEL_TYPE (winevt.h): the channel key's `Type`. */
export const CHANNEL_TYPE_VALUES = { Admin: 0, Operational: 1, Analytic: 2, Debug: 3 } as const;
/** EVT_CHANNEL_ISOLATION_TYPE (winevt.h): the channel key's `Isolation`. */
export const ISOLATION_VALUES = { Application: 0, System: 1, Custom: 2 } as const;
/** EVT_CHANNEL_REFERENCE_FLAGS (winevt.h): EvtChannelReferenceImported, the reference's `Flags`. */
export const CHANNEL_REFERENCE_IMPORTED = 0x1;

/** The values a publisher key may hold that a registration writes; unregister removes the whole key. */
export const PUBLISHER_VALUE_NAMES = ['', 'ResourceFileName', 'MessageFileName', 'ParameterFileName', 'Enabled'] as const;
export const CHANNEL_VALUE_NAMES = ['OwningPublisher', 'Enabled', 'Isolation', 'ChannelAccess', 'MaxSize', 'MaxSizeUpper', 'Type'] as const;

export interface ChannelReference {
  name: string;
  /** The channel's value (the `Channel` byte of its events). */
  id: number;
  flags: number;
}

export interface ChannelConfig {
  name: string;
  owningPublisher: string;
  enabled: boolean;
  isolation: number;
  type: number;
  access?: string;
  /** `<logging><maxSize>` in bytes, stored as MaxSize (low 32 bits) and MaxSizeUpper (high 32 bits). */
  maxSize?: bigint;
}

export interface PublisherEntry {
  name: string;
  /** `{xxxxxxxx-...}` as the manifest writes it (case kept), braces added when missing. */
  guid: string;
  resourceFileName: string;
  messageFileName: string;
  parameterFileName?: string;
  references: ChannelReference[];
  /** The channels the provider defines (not the ones it imports). */
  channels: ChannelConfig[];
}

export interface PublisherRegistration {
  publishers: PublisherEntry[];
}

export interface PublisherInput {
  /** Replace every provider's resourceFileName (wevtutil im /rf). */
  resourceFile?: string;
  /** Replace every provider's messageFileName (wevtutil im /mf). */
  messageFile?: string;
  /** Replace every provider's parameterFileName (wevtutil im /pf). */
  parameterFile?: string;
}

export interface PublisherValidateOptions {
  /** Unregistering needs only the GUIDs and channel names. */
  forUnregister?: boolean;
  /** When given, every file (after %VAR% expansion) must satisfy it (the live target). */
  fileExists?: (path: string) => boolean;
  env?: Readonly<Record<string, string | undefined>>;
}

function invalid(text: string): RegistryError {
  return new RegistryError(REGISTRY_ERRORS.INVALID_FIELD, text);
}

function checkFile(field: string, provider: string, path: string | undefined, options: PublisherValidateOptions): string {
  if (path === undefined || path.length === 0) {
    throw invalid(`provider '${provider}': no ${field} in the manifest; give --${field === 'resourceFileName' ? 'resource' : field === 'messageFileName' ? 'message' : 'parameter'}-file`);
  }
  if (path.includes('\0')) throw invalid(`provider '${provider}': ${field} contains a NUL character`);
  if (options.fileExists) {
    const expanded = expandEnvironment(path, options.env ?? {});
    if (expanded === undefined) throw new RegistryError(REGISTRY_ERRORS.MISSING_FILE, `${field}: '${path}' uses an undefined %VARIABLE%`);
    if (!options.fileExists(expanded)) throw new RegistryError(REGISTRY_ERRORS.MISSING_FILE, `${field}: '${expanded}' does not exist`);
  }
  return path;
}

function bracedGuid(text: string): string {
  const bare = text.replace(/^\{/, '').replace(/\}$/, '');
  return `{${bare}}`;
}

// Inlined rather than imported from manifest/xml.js, so that the registry modules load on their own
// (the live tests run them under the Windows Node without the manifest compiler).
function child(el: XmlElement | undefined, local: string): XmlElement | undefined {
  return el?.children.find((c): c is XmlElement => c.kind === 'element' && c.local === local);
}

function text(el: XmlElement): string {
  return el.children.map((c) => (c.kind === 'text' ? c.text : text(c))).join('');
}

function maxSizeOf(channel: Channel, provider: string): bigint | undefined {
  const el = child(child(channel.element, 'logging'), 'maxSize');
  if (!el) return undefined;
  const value = text(el).trim();
  if (!/^(0x[0-9a-f]+|[0-9]+)$/i.test(value)) throw invalid(`provider '${provider}', channel '${channel.name}': <maxSize> '${value}' is not a number`);
  const n = BigInt(value);
  if (n >= 1n << 64n) throw invalid(`provider '${provider}', channel '${channel.name}': <maxSize> ${value} does not fit in 64 bits`);
  return n;
}

function isolationOf(channel: Channel, provider: string): number {
  const text = channel.isolation ?? 'Application';
  const v = (ISOLATION_VALUES as Record<string, number>)[text];
  if (v === undefined) throw invalid(`provider '${provider}', channel '${channel.name}': isolation '${text}' is not Application, System or Custom`);
  return v;
}

/** A channel the provider uses but does not define: imported, a Windows channel, or one of another provider. */
function isImported(c: Channel): boolean {
  return c.imported || c.predefined === true || c.implicit === true;
}

/** A key name: no backslash (it would nest keys), no control character, not empty. */
function checkKeyName(what: string, name: string): void {
  if (name.length === 0) throw invalid(`${what} has an empty name`);
  if (name.includes('\\')) throw invalid(`${what} '${name}' contains a backslash, which would nest registry keys`);
  if (/[\u0000-\u001f]/.test(name)) throw invalid(`${what} '${name}' contains a control character`);
  if (name.length > 255) throw invalid(`${what} '${name.slice(0, 20)}…' is longer than 255 characters, the registry's limit for a key name`);
}

export function publisherEntry(p: Provider, input: PublisherInput = {}, options: PublisherValidateOptions = {}): PublisherEntry {
  if (!/^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$/.test(p.guid.text.trim())) {
    throw invalid(`provider '${p.name}': guid '${p.guid.text}' is not a GUID like {12345678-1234-1234-1234-123456789abc}`);
  }
  const guid = bracedGuid(p.guid.text.trim());
  for (const c of p.channels) if (!isImported(c)) checkKeyName(`provider '${p.name}': channel`, c.name);
  const references = p.channels.map((c) => ({ name: c.source?.name ?? c.name, id: c.value, flags: isImported(c) ? CHANNEL_REFERENCE_IMPORTED : 0 }));
  const channels: ChannelConfig[] = p.channels
    .filter((c) => !isImported(c))
    .map((c) => {
      const config: ChannelConfig = {
        name: c.name,
        owningPublisher: guid,
        enabled: c.enabled ?? false,
        isolation: isolationOf(c, p.name),
        type: CHANNEL_TYPE_VALUES[c.type ?? 'Operational'],
      };
      if (c.access !== undefined) config.access = c.access;
      const maxSize = maxSizeOf(c, p.name);
      if (maxSize !== undefined) config.maxSize = maxSize;
      return config;
    });
  if (options.forUnregister) return { name: p.name, guid, resourceFileName: '', messageFileName: '', references, channels };
  const entry: PublisherEntry = {
    name: p.name,
    guid,
    resourceFileName: checkFile('resourceFileName', p.name, input.resourceFile ?? p.resourceFileName, options),
    messageFileName: checkFile('messageFileName', p.name, input.messageFile ?? p.messageFileName, options),
    references,
    channels,
  };
  const parameter = input.parameterFile ?? p.parameterFileName;
  if (parameter !== undefined) entry.parameterFileName = checkFile('parameterFileName', p.name, parameter, options);
  return entry;
}

/** Every provider of the manifest, with the file paths given on the command line in place of the manifest's. */
export function publishersFromManifest(manifest: Manifest, input: PublisherInput = {}, options: PublisherValidateOptions = {}): PublisherRegistration {
  if (manifest.providers.length === 0) throw invalid('the manifest defines no provider');
  const publishers = manifest.providers.map((p) => publisherEntry(p, input, options));
  const seen = new Map<string, string>();
  for (const p of publishers) {
    for (const c of p.channels) {
      const other = seen.get(c.name.toLowerCase());
      if (other) throw invalid(`channel '${c.name}' is defined by both '${other}' and '${p.name}'`);
      seen.set(c.name.toLowerCase(), p.name);
    }
  }
  return { publishers };
}

export function publisherKeyPath(p: Pick<PublisherEntry, 'guid'>): string {
  return `${PUBLISHERS_KEY}\\${p.guid}`;
}

export function channelKeyPath(name: string): string {
  return `${CHANNELS_KEY}\\${name}`;
}

// ---- plan ------------------------------------------------------------------------------------

export type PublisherStep =
  | PlanStep
  /** Delete the key with everything in it; with `owner`, only when its OwningPublisher is that GUID (or the key is absent). */
  | { op: 'delete-tree'; key: string; owner?: string }
  /** Delete the subkeys of `key` not named in `keep`, with everything in them. */
  | { op: 'prune-subkeys'; key: string; keep: string[] };

export interface PublisherPlan {
  direction: 'register' | 'unregister';
  registration: PublisherRegistration;
  steps: PublisherStep[];
}

/** The values of the publisher key, in the order they are written. */
export function publisherValues(p: PublisherEntry): { name: string; value: RegValue }[] {
  const values = [
    { name: '', value: stringValue(RegType.SZ, p.name) },
    { name: 'ResourceFileName', value: stringValue(RegType.EXPAND_SZ, p.resourceFileName) },
    { name: 'MessageFileName', value: stringValue(RegType.EXPAND_SZ, p.messageFileName) },
  ];
  if (p.parameterFileName !== undefined) values.push({ name: 'ParameterFileName', value: stringValue(RegType.EXPAND_SZ, p.parameterFileName) });
  values.push({ name: 'Enabled', value: dwordValue(1) });
  return values;
}

/** The values of a channel key, in the order they are written. */
export function channelValues(c: ChannelConfig): { name: string; value: RegValue }[] {
  const values = [
    { name: 'OwningPublisher', value: stringValue(RegType.SZ, c.owningPublisher) },
    { name: 'Enabled', value: dwordValue(c.enabled ? 1 : 0) },
    { name: 'Isolation', value: dwordValue(c.isolation) },
  ];
  if (c.access !== undefined) values.push({ name: 'ChannelAccess', value: stringValue(RegType.SZ, c.access) });
  if (c.maxSize !== undefined) {
    values.push({ name: 'MaxSize', value: dwordValue(Number(c.maxSize & 0xffffffffn)) });
    values.push({ name: 'MaxSizeUpper', value: dwordValue(Number(c.maxSize >> 32n)) });
  }
  values.push({ name: 'Type', value: dwordValue(c.type) });
  return values;
}

function setAll(key: string, values: { name: string; value: RegValue }[], names: readonly string[]): PublisherStep[] {
  const steps: PublisherStep[] = [{ op: 'create-key', key }];
  const written = new Set<string>();
  for (const { name, value } of values) {
    steps.push({ op: 'set-value', key, name, value });
    written.add(name.toLowerCase());
  }
  for (const name of names) if (!written.has(name.toLowerCase())) steps.push({ op: 'delete-value', key, name });
  return steps;
}

export function planPublisherRegister(reg: PublisherRegistration): PublisherPlan {
  const steps: PublisherStep[] = [];
  for (const p of reg.publishers) {
    const key = publisherKeyPath(p);
    steps.push(...setAll(key, publisherValues(p), PUBLISHER_VALUE_NAMES));
    const refs = `${key}\\ChannelReferences`;
    steps.push({ op: 'prune-subkeys', key: refs, keep: p.references.map((_, i) => String(i)) });
    if (p.references.length === 0) {
      steps.push({ op: 'delete-tree', key: refs });
    } else {
      steps.push({ op: 'create-key', key: refs });
      p.references.forEach((r, i) => {
        const k = `${refs}\\${i}`;
        steps.push({ op: 'create-key', key: k });
        steps.push({ op: 'set-value', key: k, name: '', value: stringValue(RegType.SZ, r.name) });
        steps.push({ op: 'set-value', key: k, name: 'Id', value: dwordValue(r.id) });
        steps.push({ op: 'set-value', key: k, name: 'Flags', value: dwordValue(r.flags) });
      });
      steps.push({ op: 'set-value', key: refs, name: 'Count', value: dwordValue(p.references.length) });
    }
    for (const c of p.channels) steps.push(...setAll(channelKeyPath(c.name), channelValues(c), CHANNEL_VALUE_NAMES));
  }
  return { direction: 'register', registration: reg, steps };
}

export function planPublisherUnregister(reg: PublisherRegistration): PublisherPlan {
  const steps: PublisherStep[] = [];
  for (const p of reg.publishers) {
    steps.push({ op: 'delete-tree', key: publisherKeyPath(p) });
    for (const c of p.channels) steps.push({ op: 'delete-tree', key: channelKeyPath(c.name), owner: p.guid });
  }
  return { direction: 'unregister', registration: reg, steps };
}

export function planPublisher(reg: PublisherRegistration, direction: 'register' | 'unregister' = 'register'): PublisherPlan {
  return direction === 'register' ? planPublisherRegister(reg) : planPublisherUnregister(reg);
}

// ---- resolution ------------------------------------------------------------------------------

const fold = (s: string) => s.toLowerCase();
const bareGuid = (s: string) => fold(s.trim().replace(/^\{/, '').replace(/\}$/, ''));

export interface PublisherResolution extends Resolution {
  /** What the result depends on that could not be checked (file targets without a view). */
  notes: string[];
}

function ownerOf(view: RegistryView, key: string): string | undefined {
  const v = view.getValue(key, 'OwningPublisher');
  return v && (v.type === RegType.SZ || v.type === RegType.EXPAND_SZ) ? decodeString(v.data) : undefined;
}

/** The classic steps that delete `key` and all it holds, deepest first, as the view shows it. */
function treeSteps(view: RegistryView, key: string): PlanStep[] {
  if (!view.keyExists(key)) return [];
  const steps: PlanStep[] = [];
  for (const sub of view.subkeyNames(key)) steps.push(...treeSteps(view, `${key}\\${sub}`));
  for (const name of view.valueNames(key)) steps.push({ op: 'delete-value', key, name });
  steps.push({ op: 'delete-key-if-empty', key });
  return steps;
}

/** A channel of the registration that the registry gives to another publisher is not taken over. */
function checkChannelsAreFree(view: RegistryView, reg: PublisherRegistration): void {
  for (const p of reg.publishers) {
    for (const c of p.channels) {
      const key = channelKeyPath(c.name);
      if (!view.keyExists(key)) continue;
      const owner = ownerOf(view, key);
      if (owner !== undefined && bareGuid(owner) !== bareGuid(p.guid)) {
        throw new RegistryError(REGISTRY_ERRORS.CONFLICT, `channel '${c.name}' belongs to publisher ${owner}, not ${p.guid} ('${p.name}'); not taking it over`);
      }
    }
  }
}

/**
 * The exact changes `plan` makes to the registry `view` shows. Without a view (a .reg or INF made
 * blind) `delete-tree` becomes one whole-key deletion (`[-KEY]` in a .reg), `prune-subkeys` deletes
 * the key so that the steps after it write it afresh, and the ownership checks are listed in `notes`.
 */
export function resolvePublisher(p: PublisherPlan, view?: RegistryView): PublisherResolution {
  const notes: string[] = [];
  if (!view) {
    const changes: Change[] = [];
    for (const step of p.steps) {
      if (step.op === 'delete-tree' || step.op === 'prune-subkeys') {
        changes.push({ kind: 'delete-key', key: step.key });
        if (step.op === 'delete-tree' && step.owner) notes.push(`HKLM\\${step.key} is deleted without checking that its OwningPublisher is ${step.owner}`);
      } else {
        changes.push(...resolveSteps([step]).changes);
      }
    }
    if (p.direction === 'register') {
      for (const pub of p.registration.publishers) {
        for (const c of pub.channels) notes.push(`HKLM\\${channelKeyPath(c.name)} is written without checking that no other publisher owns it`);
      }
    }
    return { changes, skipped: [], notes };
  }
  if (p.direction === 'register') checkChannelsAreFree(view, p.registration);
  const steps: PlanStep[] = [];
  for (const step of p.steps) {
    switch (step.op) {
      case 'delete-tree': {
        const owner = step.owner && view.keyExists(step.key) ? ownerOf(view, step.key) : undefined;
        if (step.owner && owner !== undefined && bareGuid(owner) !== bareGuid(step.owner)) {
          notes.push(`HKLM\\${step.key} belongs to publisher ${owner}, not ${step.owner}: left as it is`);
          break;
        }
        steps.push(...treeSteps(view, step.key));
        break;
      }
      case 'prune-subkeys': {
        const keep = new Set(step.keep.map(fold));
        for (const sub of view.subkeyNames(step.key)) if (!keep.has(fold(sub))) steps.push(...treeSteps(view, `${step.key}\\${sub}`));
        break;
      }
      default:
        steps.push(step);
    }
  }
  return { ...resolveSteps(steps, view), notes };
}

export function describePublisherStep(step: PublisherStep): string {
  switch (step.op) {
    case 'delete-tree':
      return `delete tree  HKLM\\${step.key}` + (step.owner ? ` (if its OwningPublisher is ${step.owner})` : ' (if present)');
    case 'prune-subkeys':
      return `delete trees HKLM\\${step.key}\\* except ${step.keep.length === 0 ? '(none)' : step.keep.join(', ')}`;
    default:
      return describeStep('name' in step && step.name === '' ? { ...step, name: '(default)' } : step);
  }
}

/** describeChange, with the default value called `(default)` as regedit calls it. */
export function describePublisherChange(change: Change): string {
  return describeChange('name' in change && change.name === '' ? { ...change, name: '(default)' } : change);
}

// ---- the manifest ----------------------------------------------------------------------------

/** The resolved model of a .man file; its errors (MC2nnn, with line and column) become one MC7011. */
export async function loadPublisherManifest(bytes: Uint8Array, fileName: string): Promise<Manifest> {
  const { parseManifest } = await import('../manifest/parse.js');
  const { manifest, diagnostics } = parseManifest(bytes, fileName);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (!manifest || errors.length > 0) {
    const first = errors[0];
    const where = first ? `${fileName}(${first.line ?? 0},${first.column ?? 0}): ${first.code}: ${first.message}` : fileName;
    throw new RegistryError(REGISTRY_ERRORS.BAD_MANIFEST, `the manifest has ${errors.length} error(s); first: ${where}`, fileName);
  }
  return manifest;
}
