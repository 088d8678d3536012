// The publisher registration built from corpus manifests: what each provider and channel becomes
// (the values docs/registry.md, "Manifest publishers", derives from the evidence there), the plan,
// and the resolution against an in-memory registry for idempotence and `wevtutil um`'s removal.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RegistryError } from '../../src/registry/errors.js';
import type { Change, RegistryView } from '../../src/registry/plan.js';
import {
  CHANNELS_KEY,
  PUBLISHERS_KEY,
  loadPublisherManifest,
  planPublisher,
  publishersFromManifest,
  resolvePublisher,
} from '../../src/registry/publisher.js';
import { type RegValue, describeValue } from '../../src/registry/values.js';
import { corpusPath, corpusSkipNote, hasCorpus } from '../support/paths.js';

export const manifestFile = (c: string, name: string) => corpusPath('man', c, 'input', name);
const OSQUERY = manifestFile('osquery__osquery__osquery__976906454', 'osquery.man');
const LARGE = manifestFile('gix__event-trace-kit__Large__mc18362', 'Large.man');
const SERVICEBUS = manifestFile('Azure__azure-c-shared-utility__etwlogger', 'etwlogger.man');

/** A registry in memory: enough of a view to resolve against and to apply changes to. */
export class MemoryRegistry implements RegistryView {
  readonly keys = new Map<string, { name: string; values: Map<string, { name: string; value: RegValue }> }>();
  constructor(paths: string[] = []) {
    for (const p of paths) this.createKey(p);
  }
  private k(key: string) {
    return this.keys.get(key.toLowerCase());
  }
  keyExists(key: string) {
    return this.k(key) !== undefined;
  }
  getValue(key: string, name: string) {
    return this.k(key)?.values.get(name.toLowerCase())?.value;
  }
  valueNames(key: string) {
    return [...(this.k(key)?.values.values() ?? [])].map((v) => v.name);
  }
  subkeyNames(key: string) {
    const prefix = key.toLowerCase() + '\\';
    return [...this.keys.entries()].filter(([id]) => id.startsWith(prefix) && !id.slice(prefix.length).includes('\\')).map(([, v]) => v.name.slice(v.name.lastIndexOf('\\') + 1));
  }
  createKey(key: string) {
    const parts = key.split('\\');
    for (let i = 1; i <= parts.length; i++) {
      const p = parts.slice(0, i).join('\\');
      if (!this.k(p)) this.keys.set(p.toLowerCase(), { name: p, values: new Map() });
    }
  }
  apply(changes: Change[]) {
    for (const c of changes) {
      if (c.kind === 'create-key') this.createKey(c.key);
      else if (c.kind === 'delete-key') {
        if (this.subkeyNames(c.key).length || this.valueNames(c.key).length) throw new Error(`deleting non-empty ${c.key}`);
        this.keys.delete(c.key.toLowerCase());
      } else if (c.kind === 'set-value') this.k(c.key)!.values.set(c.name.toLowerCase(), { name: c.name, value: c.value });
      else this.k(c.key)!.values.delete(c.name.toLowerCase());
    }
  }
  dump(): string[] {
    const out: string[] = [];
    for (const id of [...this.keys.keys()].sort()) {
      const k = this.keys.get(id)!;
      out.push(`[${k.name}]`);
      for (const v of [...k.values.values()].sort((a, b) => a.name.localeCompare(b.name))) out.push(`  ${v.name || '@'} = ${describeValue(v.value)}`);
    }
    return out;
  }
}

async function registration(file: string, direction: 'register' | 'unregister' = 'register') {
  const manifest = await loadPublisherManifest(readFileSync(file), file);
  return publishersFromManifest(manifest, {}, { forUnregister: direction === 'unregister' });
}

describe.skipIf(!hasCorpus)(`publisher registration from corpus manifests${hasCorpus ? '' : ` (${corpusSkipNote})`}`, () => {
  it('osquery: one Admin channel, %systemroot% kept unexpanded, every value as docs/registry.md\'s evidence gives it', async () => {
    const reg = await registration(OSQUERY);
    const mem = new MemoryRegistry([PUBLISHERS_KEY, CHANNELS_KEY]);
    mem.apply(resolvePublisher(planPublisher(reg, 'register'), mem).changes);
    const pub = `${PUBLISHERS_KEY}\\{F7740E18-3259-434F-9759-976319968900}`;
    const exe = '%systemroot%\\ProgramData\\osquery\\osqueryd\\osqueryd.exe';
    expect(mem.dump().filter((l) => !/^\[SOFTWARE(\\Microsoft(\\Windows(\\CurrentVersion(\\WINEVT(\\(Publishers|Channels))?)?)?)?)?\]$/.test(l))).toEqual([
      `[${CHANNELS_KEY}\\Primary]`,
      '  Enabled = REG_DWORD 1',
      '  Isolation = REG_DWORD 0',
      '  OwningPublisher = REG_SZ "{F7740E18-3259-434F-9759-976319968900}"',
      '  Type = REG_DWORD 0',
      `[${pub}]`,
      '  @ = REG_SZ "osquery"',
      '  Enabled = REG_DWORD 1',
      `  MessageFileName = REG_EXPAND_SZ "${exe}"`,
      `  ResourceFileName = REG_EXPAND_SZ "${exe}"`,
      `[${pub}\\ChannelReferences]`,
      '  Count = REG_DWORD 1',
      `[${pub}\\ChannelReferences\\0]`,
      '  @ = REG_SZ "Primary"',
      '  Flags = REG_DWORD 0',
      '  Id = REG_DWORD 16',
    ]);
  });

  it('Large: channel types Admin..Debug are 0..3, isolations Application/System/Custom 0..2, imported channels flagged 1 with winmeta values', async () => {
    const reg = await registration(LARGE);
    const p1 = reg.publishers[0]!;
    expect(p1.channels.map((c) => [c.name, c.type, c.isolation, c.enabled, c.access, c.maxSize])).toEqual([
      ['P1/ChannelName1', 0, 0, false, 'O:BAG:SYD:', 12345n],
      ['P1/ChannelName2', 1, 0, false, undefined, undefined],
      ['P1/ChannelName3', 2, 1, true, undefined, undefined],
      ['P1/ChannelName4', 3, 2, true, undefined, undefined],
    ]);
    expect(p1.references.slice(4)).toEqual([
      { name: 'Security', id: 10, flags: 1 },
      { name: 'Application', id: 9, flags: 1 },
      { name: 'System', id: 8, flags: 1 },
      { name: 'TraceClassic', id: 0, flags: 1 },
    ]);
  });

  it('register is idempotent, and unregister removes exactly what register wrote, keeping other publishers and channels', async () => {
    const other = `${PUBLISHERS_KEY}\\{11111111-2222-3333-4444-555555555555}`;
    const mem = new MemoryRegistry([`${other}\\ChannelReferences\\0`, `${CHANNELS_KEY}\\Application`]);
    const before = mem.dump();
    const reg = await registration(SERVICEBUS);
    mem.apply(resolvePublisher(planPublisher(reg), mem).changes);
    expect(resolvePublisher(planPublisher(reg), mem).changes).toEqual([]);
    const un = resolvePublisher(planPublisher(await registration(SERVICEBUS, 'unregister'), 'unregister'), mem);
    mem.apply(un.changes);
    expect(mem.dump()).toEqual(before);
    expect(resolvePublisher(planPublisher(await registration(SERVICEBUS, 'unregister'), 'unregister'), mem).changes).toEqual([]);
  });

  it('a channel another publisher owns is refused on register and left alone on unregister', async () => {
    const reg = await registration(SERVICEBUS);
    const mem = new MemoryRegistry([`${CHANNELS_KEY}\\Operational`]);
    mem.apply([{ kind: 'set-value', key: `${CHANNELS_KEY}\\Operational`, name: 'OwningPublisher', value: { type: 1, data: Buffer.from('{aaaaaaaa-0000-0000-0000-000000000000}\0', 'utf16le') } }]);
    expect(() => resolvePublisher(planPublisher(reg), mem)).toThrow(RegistryError);
    expect(() => resolvePublisher(planPublisher(reg), mem)).toThrow(/channel 'Operational' belongs to publisher \{aaaaaaaa-0000-0000-0000-000000000000\}/);
    const un = resolvePublisher(planPublisher(reg, 'unregister'), mem);
    expect(un.changes).toEqual([]);
    expect(un.notes).toEqual([`HKLM\\${CHANNELS_KEY}\\Operational belongs to publisher {aaaaaaaa-0000-0000-0000-000000000000}, not {4CCAA233-6675-4EC5-B3A6-1AA68B7C8AE9}: left as it is`]);
  });

  it('a shorter re-registration prunes the ChannelReferences entries it no longer has', async () => {
    const reg = await registration(SERVICEBUS);
    const mem = new MemoryRegistry();
    mem.apply(resolvePublisher(planPublisher(reg), mem).changes);
    const one = { publishers: [{ ...reg.publishers[0]!, references: reg.publishers[0]!.references.slice(0, 1), channels: reg.publishers[0]!.channels.slice(0, 1) }] };
    const changes = resolvePublisher(planPublisher(one), mem).changes;
    mem.apply(changes);
    const refs = `${PUBLISHERS_KEY}\\{4CCAA233-6675-4EC5-B3A6-1AA68B7C8AE9}\\ChannelReferences`;
    expect(mem.subkeyNames(refs)).toEqual(['0']);
    expect(describeValue(mem.getValue(refs, 'Count')!)).toBe('REG_DWORD 1');
  });

  it('paths come from the command line over the manifest; a missing one is MC7001', async () => {
    const manifest = await loadPublisherManifest(readFileSync(OSQUERY), OSQUERY);
    const reg = publishersFromManifest(manifest, { resourceFile: '%ProgramFiles%\\osquery\\osqueryd.exe', parameterFile: 'C:\\p.dll' });
    expect(reg.publishers[0]).toMatchObject({ resourceFileName: '%ProgramFiles%\\osquery\\osqueryd.exe', messageFileName: '%systemroot%\\ProgramData\\osquery\\osqueryd\\osqueryd.exe', parameterFileName: 'C:\\p.dll' });
    const noFiles = { ...manifest, providers: manifest.providers.map((p) => ({ ...p, resourceFileName: undefined })) };
    expect(() => publishersFromManifest(noFiles)).toThrow("provider 'osquery': no resourceFileName in the manifest; give --resource-file");
  });

  it('without a view (a .reg made blind) trees are deleted whole and the unchecked owners are noted', async () => {
    const res = resolvePublisher(planPublisher(await registration(OSQUERY, 'unregister'), 'unregister'));
    expect(res.changes).toEqual([
      { kind: 'delete-key', key: `${PUBLISHERS_KEY}\\{F7740E18-3259-434F-9759-976319968900}` },
      { kind: 'delete-key', key: `${CHANNELS_KEY}\\Primary` },
    ]);
    expect(res.notes).toEqual([`HKLM\\${CHANNELS_KEY}\\Primary is deleted without checking that its OwningPublisher is {F7740E18-3259-434F-9759-976319968900}`]);
  });
});

describe('publisher validation', () => {
  const man = (channel: string) =>
    new TextEncoder().encode(`<?xml version="1.0"?><instrumentationManifest xmlns="http://schemas.microsoft.com/win/2004/08/events" xmlns:win="http://manifests.microsoft.com/win/2004/08/windows/events"><instrumentation><events>
<provider name="P" guid="{00000000-0000-0000-0000-0000000000AA}" symbol="P" resourceFileName="r.dll" messageFileName="m.dll"><channels><channel name="${channel}" type="Operational"/></channels></provider>
</events></instrumentation></instrumentationManifest>`);
  it('a channel name with a backslash would nest keys: MC7001', async () => {
    const manifest = await loadPublisherManifest(man('P\\Ops'), 'p.man');
    expect(() => publishersFromManifest(manifest)).toThrow("provider 'P': channel 'P\\Ops' contains a backslash, which would nest registry keys");
  });
  it('a manifest with errors is MC7011 and quotes the first one with its line and column', async () => {
    await expect(loadPublisherManifest(new TextEncoder().encode('<instrumentationManifest'), 'bad.man')).rejects.toMatchObject({ code: 'MC7011' });
  });
});
