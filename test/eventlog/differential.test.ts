// winmc's EVTX and EVT readers against libyal's evtxexport and evtexport (Debian libevtx-utils,
// libevt-utils): the same records, in the same order, with the same id, provider and strings; for
// a public sample in fixtures/, the same XML.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evtxEventXml } from '../../src/cli/events-xml.js';
import { readEvtxRecords } from '../../src/eventlog/evtx.js';
import { memoryByteSource, readEventLogFile, type EventRecord } from '../../src/eventlog/events.js';
import { evtexportRecords, evtxexportRecords, hasTool, windowsHex, type PeerRecord } from './peers.js';
import { evtxCorpusFile as corpusFile, hasEvtxCorpus as hasCorpus, repoRoot } from '../support/paths.js';

async function readAll(path: string): Promise<{ events: EventRecord[]; warnings: string[] }> {
  const events: EventRecord[] = [];
  const warnings: string[] = [];
  for await (const e of readEventLogFile(path, (w) => warnings.push(w.message))) events.push(e);
  return { events, warnings };
}

const hex = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString('hex').toUpperCase());

/**
 * evtxexport prints FILETIME values with nine fractional digits (the last two always 0); winmc
 * prints the seven that a FILETIME has.
 */
const normalizeTime = (s: string) => s.replace(/^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7})00Z$/, '$1Z');

function comparable(e: EventRecord, withBinary: boolean): PeerRecord {
  return {
    recordId: e.recordId,
    provider: e.provider,
    eventId: e.eventId,
    qualifiers: e.qualifiers,
    strings: e.strings,
    binary: withBinary ? hex(e.data) : null,
  };
}

if (!hasCorpus) console.warn('test/eventlog/differential: corpus not found (set WINMC_CORPUS); skipped');

describe.skipIf(!hasCorpus || !hasTool('evtxexport'))('EVTX records agree with evtxexport (skipped without corpus or libevtx-utils)', () => {
  for (const name of ['system.evtx', '2-vss_7-System.evtx', 'plaso_System2.evtx']) {
    it(name, async () => {
      const path = corpusFile(name);
      const peer = evtxexportRecords(path).map((r) => ({ ...r, strings: r.strings.map((s) => windowsHex(normalizeTime(s))) }));
      const { events } = await readAll(path);
      expect(peer.length).toBeGreaterThan(100);
      expect(events.length).toBe(peer.length);
      for (let i = 0; i < peer.length; i++) {
        const mine = comparable(events[i]!, true);
        expect(mine, `record ${peer[i]!.recordId} (#${i})`).toEqual(peer[i]);
      }
    });
  }
});

describe.skipIf(!hasCorpus || !hasTool('evtexport'))('EVT records agree with evtexport (skipped without corpus or libevt-utils)', () => {
  it('plaso_SysEvent.Evt', async () => {
    const path = corpusFile('plaso_SysEvent.Evt');
    const peer = evtexportRecords(path);
    const { events, warnings } = await readAll(path);
    expect(warnings).toEqual([]);
    expect(peer.length).toBeGreaterThan(1000);
    expect(events.length).toBe(peer.length);
    for (let i = 0; i < peer.length; i++) {
      expect(comparable(events[i]!, false), `record ${peer[i]!.recordId} (#${i})`).toEqual(peer[i]);
    }
  });
});

describe.skipIf(!hasTool('evtxexport'))('public .evtx samples: the XML of every record equals evtxexport -f xml (skipped without libevtx-utils)', () => {
  // fixtures/evtx-samples/SOURCE.md. evtxexport writes FILETIMEs with nine fractional digits and
  // hex integers zero-padded where winmc writes seven and `0x3e7` (docs/events.md).
  it('Security_short_selected.evtx', async () => {
    const path = join(repoRoot, 'fixtures/evtx-samples/Security_short_selected.evtx');
    const peer = execFileSync('evtxexport', ['-f', 'xml', path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .replace(/(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7})00Z/g, '$1Z')
      .replace(/(?<=>|=")0x[0-9a-f]{8}(?:[0-9a-f]{8})?(?=<|")/g, windowsHex);
    const theirs = [...peer.matchAll(/^<Event [\s\S]*?^<\/Event>$/gm)].map((m) => m[0]);
    const ours: string[] = [];
    for await (const r of readEvtxRecords(memoryByteSource(new Uint8Array(readFileSync(path))))) ours.push(evtxEventXml(r.nodes).join('\n'));
    expect(ours.length).toBe(7);
    expect(ours).toEqual(theirs);
  });
});
