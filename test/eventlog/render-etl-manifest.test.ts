// The messages of net.4.5.2.x64's CLR events decoded with ClrEtwAll.man (corpus/etl; provenance in
// corpus/etl/ClrEtwAll.SOURCE.txt and the sample's SOURCE.txt). TraceEvent's baseline
// (net.4.5.2.x64.baseline.txt) lists the events' fields but no message, so there is no Windows or
// TraceEvent rendering of these messages to compare with; test/eventlog/etl-manifest.test.ts
// checks the fields against the baseline. Here each event's message (src/eventlog/etl/manifest.ts,
// what `winmc events FILE.etl --manifest ClrEtwAll.man` prints) is compared with FormatMessage's
// rules as src/packet/format-message.ts pins them (test/packet/format-message.test.ts) applied to
// the manifest's en-US string and the same decoded field values:
//   * every CLR event has a manifest message, and gets it, with no insert left unfilled;
//   * the message is FormatMessage's on the event's values in template order (computed here
//     from the string and the fields, independently of the decoder's own path): %n as CR LF,
//     and for the 20 events whose string starts "%AppDomainID=", "%A" read as "A".

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadManifest, manifestDecoder } from '../../src/eventlog/etl/manifest.js';
import type { EtlEvent } from '../../src/eventlog/etl/index.js';
import { formatMessage, type Insert } from '../../src/packet/format-message.js';
import { cleanupUnzipped, etlDir, etlSkipNote, hasEtlCorpus, readAll, readFile, unzipped } from './etl-support.js';
import { join } from 'node:path';

const NET = 'microsoft__perfview__net.4.5.2.x64';

describe.skipIf(!hasEtlCorpus)(`net.4.5.2.x64.etl: the CLR events' messages from ClrEtwAll.man${hasEtlCorpus ? '' : ` (${etlSkipNote})`}`, () => {
  const manifest = hasEtlCorpus ? loadManifest(new Uint8Array(readFileSync(join(etlDir, 'ClrEtwAll.man'))), 'ClrEtwAll.man') : null;
  let clr: EtlEvent[] = [];
  beforeAll(async () => {
    const path = unzipped(NET, 'net.4.5.2.x64.etl.zip', 'net.4.5.2.x64.etl');
    if (!path || !manifest) return;
    const { events } = await readAll(readFile(path), { decoders: [manifestDecoder(manifest)] });
    clr = events.filter((e) => e.provider.startsWith('Microsoft-Windows-DotNETRuntime'));
  });
  afterAll(cleanupUnzipped);

  /** The manifest's en-US string of an event, by provider GUID, id and version. */
  function stringOf(e: EtlEvent): string | null {
    const table = new Map<string, string>();
    for (const r of manifest!.resources.filter((x) => x.culture === 'en-US')) for (const s of r.stringList) table.set(s.id, s.value);
    const provider = manifest!.providers.find((p) => p.guid.text.replace(/[{}]/g, '').toLowerCase() === e.providerGuid)!;
    const event = provider.events.find((x) => x.value === e.eventId && x.version === e.version);
    return event?.message ? (table.get(event.message.stringId) ?? null) : null;
  }

  it('every CLR event has its message, every insert filled, as FormatMessage fills it (CR LF for %n, %A as A)', () => {
    if (clr.length === 0) return console.warn(etlSkipNote);
    expect(clr.length).toBe(67368);
    const cache = new Map<string, string | null>();
    const appDomain = new Map<string, number>();
    let equal = 0;
    let withLineBreaks = 0;
    for (const e of clr) {
      const key = `${e.providerGuid}/${e.eventId}/${e.version}`;
      if (!cache.has(key)) cache.set(key, stringOf(e));
      const text = cache.get(key)!;
      expect(text, key).not.toBeNull();
      expect(e.message, key).toEqual(expect.any(String));
      expect(e.message).not.toMatch(/%\d/);
      const inserts: Insert[] = Object.values(e.fields ?? {}).map((v) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' ? v : JSON.stringify(v)));
      const windows = formatMessage(text!, inserts, { missingInsert: 'keep' }).replace(/(\r\n)+$/, '');
      if (windows === e.message) equal++;
      if (text!.includes('%n')) {
        withLineBreaks++;
        expect(e.message).toContain('\r\n');
        expect(e.message!.replace(/\r\n/g, '')).not.toContain('\n');
      }
      if (text!.startsWith('%AppDomainID=')) {
        expect(e.message!.startsWith('AppDomainID=')).toBe(true);
        appDomain.set(e.eventName, (appDomain.get(e.eventName) ?? 0) + 1);
      }
    }
    expect({ equal, withLineBreaks }).toEqual({ equal: 67368, withLineBreaks: 65772 });
    expect(Object.fromEntries([...appDomain].sort())).toEqual({
      'Binding/BindingNgenPhaseEnd': 1,
      'Binding/BindingNgenPhaseStart': 1,
      'Binding/LoaderAssemblyInitPhaseEnd': 2,
      'Binding/LoaderAssemblyInitPhaseStart': 2,
      'Binding/LoaderDeliverEventsPhaseEnd': 2,
      'Binding/LoaderDeliverEventsPhaseStart': 2,
      'Binding/LoaderMappingPhaseEnd': 4,
      'Binding/LoaderMappingPhaseStart': 4,
      'Binding/LoaderPhaseEnd': 1,
      'Binding/LoaderPhaseStart': 1,
    });
  });
});
