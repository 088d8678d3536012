// winmc's EVTX and EVT readers against libyal's evtxexport and evtexport (Debian libevtx-utils,
// libevt-utils): the same records, in the same order, with the same id, provider and strings.

import { describe, expect, it } from 'vitest';
import { readEventLogFile, type EventRecord } from '../../src/eventlog/events.js';
import { evtexportRecords, evtxexportRecords, hasTool, windowsHex, type PeerRecord } from './peers.js';
import { evtxCorpusFile as corpusFile, hasEvtxCorpus as hasCorpus } from '../support/paths.js';

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
