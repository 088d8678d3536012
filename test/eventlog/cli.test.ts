// `winmc events` end to end (needs `npm run build` / `npx tsc -p tsconfig.build.json` first).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evtxexportRecords, hasTool } from './peers.js';
import { evtxCorpusFile as corpusFile, hasEvtxCorpus as hasCorpus, repoRoot } from '../support/paths.js';

const bin = resolve(repoRoot, 'bin/winmc.js');
const built = existsSync(resolve(repoRoot, 'dist/cli/events.js'));

function winmc(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, 'events', ...args], { encoding: 'utf8', maxBuffer: 1 << 27 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const jsonLines = (text: string) => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

if (!built) console.warn('test/eventlog/cli: dist/ missing, run npm run build; skipped');

describe.skipIf(!built)('winmc events: usage errors (skipped without a build)', () => {
  it('no file: usage error MC6001, exit 2', () => {
    const r = winmc();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^winmc : error MC6001: no event log given/);
  });

  it('missing file: MC6002 naming it, exit 1', () => {
    const r = winmc('/nonexistent/x.evtx');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('winmc : error MC6002: /nonexistent/x.evtx: no such file\n');
  });

  it('not a log: MC6003, nothing on stdout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'winmc-events-cli-'));
    try {
      const path = join(dir, 'x.evtx');
      writeFileSync(path, 'just text, no log here');
      const r = winmc(path);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^winmc : error MC6003: .*x\.evtx: not an event log/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('unknown option', () => {
    const r = winmc('--frobnicate', 'x.evtx');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option --frobnicate/);
  });
});

describe.skipIf(!built || !hasCorpus)('winmc events on the corpus (skipped without a build or the corpus)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'winmc-events-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--json: one object per record with the issue field names; stderr silent when not a TTY', () => {
    const r = winmc(corpusFile('system.evtx'), '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = jsonLines(r.stdout);
    if (hasTool('evtxexport')) expect(lines.length).toBe(evtxexportRecords(corpusFile('system.evtx')).length);
    for (const key of ['recordId', 'timeCreated', 'provider', 'eventId', 'qualifiers', 'level', 'strings', 'data', 'packet']) {
      expect(lines[0]).toHaveProperty(key);
    }
    const serial = lines.find((l) => l['recordId'] === 14)!;
    expect(serial).toMatchObject({
      provider: 'Serial',
      eventId: 2,
      qualifiers: 0x4006,
      level: 4,
      timeCreated: '2017-07-12T17:16:13.0973330Z',
      strings: ['\\Device\\Serial0', '\\Device\\Serial0'],
      data: '000008000200300000000000020006400f0000000000000000000000000000000000000000000000f803000000000000',
      packet: {
        majorFunctionCode: 0,
        retryCount: 0,
        dumpDataSize: 8,
        numberOfStrings: 2,
        stringOffset: 48,
        eventCategory: 0,
        errorCode: 0x40060002,
        uniqueErrorValue: 15,
        finalStatus: 0,
        sequenceNumber: 0,
        ioControlCode: 0,
        deviceOffset: '0',
        dumpData: [0x3f8, 0],
      },
    });
    expect(serial).not.toHaveProperty('message');
    const plain = lines.find((l) => l['provider'] === 'Microsoft-Windows-Kernel-General')!;
    expect(plain['packet']).toBeNull();
    expect(plain['qualifiers']).toBeNull();
  });

  it('error codes stay unsigned in JSON (NetBT 0xC00010E1, FinalStatus 0xC0000001)', () => {
    const lines = jsonLines(winmc(corpusFile('2-vss_7-System.evtx'), '--json', '--provider', 'netbt').stdout);
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l['provider']).toBe('NetBT');
    const rec = lines.find((l) => l['recordId'] === 405)!;
    expect(rec['packet']).toMatchObject({ errorCode: 0xc00010e1, finalStatus: 0xc0000001 });
    expect(rec['strings']).toEqual(['', 'DESKTOP-1N4R894:0', '74.118.138.195', '74.118.138.92']);
  });

  it('--messages renders the description with the event strings, for that provider only', () => {
    const mc = join(dir, 'serial.mc');
    writeFileSync(
      mc,
      'FacilityNames=(Serial=0x6)\r\nMessageId=0x2\r\nSeverity=Informational\r\nFacility=Serial\r\nSymbolicName=SERIAL_READY\r\n' +
        'Language=English\r\nSerial port %1 is ready (%2); %3 stays.\r\n.\r\n',
    );
    const r = winmc(corpusFile('system.evtx'), '--json', '--provider', 'Serial', '--messages', mc);
    expect(r.code).toBe(0);
    const lines = jsonLines(r.stdout);
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) {
      if (l['eventId'] === 2 && l['qualifiers'] === 0x4006) {
        const s = l['strings'] as string[];
        expect(l['message']).toBe(`Serial port ${s[0]} is ready (${s[1]}); %3 stays.`);
      } else {
        expect(l).not.toHaveProperty('message');
      }
    }
    const scoped = jsonLines(winmc(corpusFile('system.evtx'), '--json', '--packets', '--messages', `vmci=${mc}`).stdout);
    expect(scoped.filter((l) => 'message' in l)).toEqual([]);
    const keyed = jsonLines(winmc(corpusFile('system.evtx'), '--json', '--packets', '--messages', `serial=${mc}`).stdout);
    expect(keyed.filter((l) => 'message' in l).map((l) => l['provider'])).toEqual(expect.arrayContaining(['Serial']));
    expect(new Set(keyed.filter((l) => 'message' in l).map((l) => l['provider']))).toEqual(new Set(['Serial']));
  });

  it('table: header, one line per event, the packet and DumpData beneath driver events', () => {
    const r = winmc(corpusFile('plaso_SysEvent.Evt'), '--provider', 'Disk', '--packets');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^\s+Record\s+Time \(UTC\)\s+Level\s+Provider\s+Event ID\s+Strings$/);
    const at = lines.findIndex((l) => /^\s+6567\s/.test(l));
    expect(lines[at]).toMatch(/^\s+6567 {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.000 {2}Warning\s+Disk\s+51 \(0x80040033\)\s+"\\Device\\Harddisk0\\D/);
    expect(lines[at + 1]).toMatch(/^ {10}packet: MajorFunction 0x04, Retry \d+, Strings 1, StringOffset 182, .*ErrorCode 0x80040033, Unique 0x0000012D/);
    expect(lines[at + 2]).toMatch(/^ {10}DumpData \(104 bytes\): (0x[0-9A-F]{8} ?){26}$/);
  });

  it('a damaged log: the readable records, a warning naming the chunk, exit 0', () => {
    const r = winmc(corpusFile('plaso_System2.evtx'), '--json');
    expect(r.code).toBe(0);
    expect(jsonLines(r.stdout)).toHaveLength(194);
    expect(r.stderr).toMatch(/^winmc : warning MC6101: .*plaso_System2\.evtx: chunk 2 \(file offset 0x21000\): file ends after 64832 of its 65536 bytes \(truncated\); chunk skipped\n$/);
  });
});
