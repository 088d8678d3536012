// `winmc events` filters and outputs (issue 15): --event-id, --level, --since/--until, --limit,
// --xml, the table's fixed columns and --wide, level names, the no-match message, and options
// that need a value. On a small .evt built here, so it runs without the corpus; --xml is also
// compared with evtxexport on the corpus logs when both are there.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseEventsArgs, parseTime } from '../../src/cli/events.js';
import { evtFile } from '../support/evt-file.js';
import { hasTool, windowsHex } from './peers.js';
import { evtxCorpusFile as corpusFile, hasEvtxCorpus as hasCorpus, repoRoot, winmcBin } from '../support/paths.js';

const built = existsSync(join(repoRoot, 'dist', 'cli', 'events.js'));
const dir = mkdtempSync(join(tmpdir(), 'winmc-events-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const log = join(dir, 'small.evt');
writeFileSync(
  log,
  evtFile([
    { source: 'Serial', eventId: 0x40060002, eventType: 4, time: Date.UTC(2017, 6, 12, 17, 16, 13) / 1000, strings: ['\\Device\\Serial0', 'x'] },
    { source: 'A-Very-Long-Provider-Name-Indeed', eventId: 0xc0000007, eventType: 1, time: Date.UTC(2017, 6, 13, 8, 0, 0) / 1000, strings: ['y'.repeat(150)] },
    { source: 'Disk', eventId: 11, eventType: 2, time: Date.UTC(2017, 6, 14, 23, 59, 59) / 1000, strings: ['<&>'], data: Uint8Array.of(0xde, 0xad) },
    { source: 'Disk', eventId: 15, eventType: 4, time: Date.UTC(2017, 6, 15, 0, 0, 0) / 1000 },
  ]),
);

function events(...args: string[]) {
  const r = spawnSync(process.execPath, [winmcBin, 'events', ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const ids = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { recordId: number }).recordId);

describe('--since / --until times', () => {
  it('read as UTC unless they carry an offset; a date alone for --until is the end of that day', () => {
    expect(parseTime('--since', '2017-07-12')).toBe(Date.UTC(2017, 6, 12));
    expect(parseTime('--since', '2017-07-12 17:16:13.5')).toBe(Date.UTC(2017, 6, 12, 17, 16, 13, 500));
    expect(parseTime('--since', '2017-07-12T19:16+02:00')).toBe(Date.UTC(2017, 6, 12, 17, 16));
    expect(parseTime('--until', '2017-07-12', true)).toBe(Date.UTC(2017, 6, 13));
    expect(() => parseTime('--since', '2017-02-30')).toThrow(/not a valid time/);
    expect(() => parseTime('--since', 'yesterday')).toThrow(/--since takes a time/);
  });
});

describe('--manifest', () => {
  it('is repeatable and kept in order, with the other options of an .evtx', () => {
    const cmd = parseEventsArgs(['Sysmon.evtx', '--manifest', 'Sysmon.man', '--json', '--manifest', 'Other.dll', '--messages', 'x.mc']);
    expect(cmd).toMatchObject({ file: 'Sysmon.evtx', manifests: ['Sysmon.man', 'Other.dll'], json: true, messages: [{ provider: null, path: 'x.mc' }] });
  });

  it.skipIf(!built)('on an .evt (no manifest events) leaves the listing as it is', () => {
    const man = join(dir, 'none.man');
    writeFileSync(
      man,
      '<?xml version="1.0"?><instrumentationManifest xmlns="http://schemas.microsoft.com/win/2004/08/events"><instrumentation><events>' +
        '<provider name="Disk" guid="{A1B2C3D4-0000-4000-8000-000000000002}" symbol="P" resourceFileName="d.dll" messageFileName="d.dll"/>' +
        '</events></instrumentation></instrumentationManifest>',
    );
    const plain = events(log, '--json');
    const withManifest = events(log, '--json', '--manifest', man);
    expect(withManifest.code).toBe(0);
    expect(withManifest.stdout).toBe(plain.stdout);
  });
});

describe.skipIf(!built)(`winmc events options${built ? '' : ' (skipped: run npm run build first)'}`, () => {
  it('--event-id: single ids, lists and ranges', () => {
    expect(ids(events(log, '--json', '--event-id', '2').stdout)).toEqual([1]);
    expect(ids(events(log, '--json', '--event-id', '7,11').stdout)).toEqual([2, 3]);
    expect(ids(events(log, '--json', '--event-id', '10-20', '--event-id', '2').stdout)).toEqual([1, 3, 4]);
  });

  it('--level: names and numbers', () => {
    expect(ids(events(log, '--json', '--level', 'error').stdout)).toEqual([2]);
    expect(ids(events(log, '--json', '--level', 'warning,info').stdout)).toEqual([1, 3, 4]);
    expect(ids(events(log, '--json', '--level', '3').stdout)).toEqual([3]);
  });

  it('--since (inclusive) and --until (exclusive; a date alone includes the day)', () => {
    expect(ids(events(log, '--json', '--since', '2017-07-13T08:00:00Z').stdout)).toEqual([2, 3, 4]);
    expect(ids(events(log, '--json', '--until', '2017-07-14').stdout)).toEqual([1, 2, 3]);
    expect(ids(events(log, '--json', '--since', '2017-07-13', '--until', '2017-07-14T23:59:59').stdout)).toEqual([2]);
  });

  it('--limit stops after N listed events', () => {
    expect(ids(events(log, '--json', '--limit', '2').stdout)).toEqual([1, 2]);
    expect(ids(events(log, '--json', '--provider', 'disk', '--limit', '1').stdout)).toEqual([3]);
  });

  it('a filter that matches nothing says so on stderr (MC6102), exit 0', () => {
    const r = events(log, '--provider', 'NoSuchDriver', '--level', 'critical');
    expect([r.code, r.stdout]).toEqual([0, '']);
    expect(r.stderr).toBe(`winmc : warning MC6102: ${log}: no event matches --provider NoSuchDriver --level critical (4 records read)\n`);
  });

  it('the table keeps its columns: long cells end in …, level names; --wide shows them whole', () => {
    const lines = events(log).stdout.split('\n');
    expect(lines[0]).toBe('  Record  Time (UTC)               Level     Provider              Event ID              Strings');
    const long = lines.find((l) => l.startsWith('       2'))!;
    expect(long).toBe(`       2  2017-07-13 08:00:00.000  Error     A-Very-Long-Provide…  7 (0xC0000007)        "${'y'.repeat(98)}…`);
    // Every row's columns start where the header's do.
    const idColumn = lines[0]!.indexOf('Event ID');
    for (const l of lines.filter((x) => /^ {7}\d /.test(x))) expect([l[idColumn - 1], l[idColumn] !== ' '], l).toEqual([' ', true]);
    expect(lines.find((l) => l.startsWith('       3'))).toMatch(/  Warning   Disk  /);
    const wide = events(log, '--wide').stdout.split('\n').find((l) => l.startsWith('       2'))!;
    expect(wide).toContain(`A-Very-Long-Provider-Name-Indeed  7 (0xC0000007)        "${'y'.repeat(150)}"`);
  });

  it('--xml: one <Event> per record, in the schema Windows renders classic events in', () => {
    const r = events(log, '--xml', '--event-id', '11');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        '<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">',
        '  <System>',
        '    <Provider Name="Disk"/>',
        '    <EventID Qualifiers="0">11</EventID>',
        '    <Level>3</Level>',
        '    <Task>0</Task>',
        '    <Keywords>0x80000000000000</Keywords>',
        '    <TimeCreated SystemTime="2017-07-14T23:59:59.0000000Z"/>',
        '    <EventRecordID>3</EventRecordID>',
        '    <Channel/>',
        '    <Computer>HOST</Computer>',
        '  </System>',
        '  <EventData>',
        '    <Data>&lt;&amp;&gt;</Data>',
        '    <Binary>DEAD</Binary>',
        '  </EventData>',
        '</Event>',
        '',
        '',
      ].join('\n'),
    );
    expect(events(log, '--xml', '--json').stderr).toMatch(/^winmc : error MC6001: --json and --xml exclude each other/);
  });

  it('options that need a value refuse to run without one, exit 2', () => {
    for (const [args, message] of [
      [['--provider'], '--provider needs a value (NAME)'],
      [['--provider', '--json'], '--provider needs a value (NAME)'],
      [['--messages'], '--messages needs a value ([PROVIDER=]FILE)'],
      [['--event-id'], '--event-id needs a value (IDS)'],
      [['--level'], '--level needs a value (LEVELS)'],
      [['--since'], '--since needs a value (TIME)'],
      [['--limit'], '--limit needs a value (N)'],
      [['--limit', '0'], "--limit takes a number of events (1 or more), not '0'"],
      [['--level', 'loud'], "--level takes critical, error, warning, info, verbose or a number 0-255, not 'loud'"],
      [['--event-id', '70000'], "--event-id takes event ids (0-65535) as N, N,M or N-M, not '70000'"],
    ] as const) {
      const r = events(log, ...args);
      expect([r.code, r.stdout, r.stderr], args.join(' ')).toEqual([2, '', `winmc : error MC6001: ${message}\n`]);
    }
  });
});

describe.skipIf(!built || !hasCorpus || !hasTool('evtxexport'))('--xml equals evtxexport -f xml (skipped without a build, the corpus or libevtx-utils)', () => {
  for (const name of ['system.evtx', '2-vss_7-System.evtx', 'plaso_System2.evtx']) {
    it(name, () => {
      const path = corpusFile(name);
      const ours = events(path, '--xml').stdout;
      const peer = spawnSync('evtxexport', ['-f', 'xml', path], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout;
      // evtxexport prints a banner and a blank line first, and FILETIMEs with nine fractional
      // digits (the last two always 0) where winmc, like wevtutil, prints the seven a FILETIME has;
      // hex integers padded to 8 or 16 digits where Windows writes `0x3e7` (docs/events.md).
      const theirs = peer
        .split('\n')
        .slice(2)
        .join('\n')
        .replace(/(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7})00Z/g, '$1Z')
        .replace(/(?<=>|=")0x[0-9a-f]{8}(?:[0-9a-f]{8})?(?=<|")/g, windowsHex);
      expect(ours.length).toBeGreaterThan(100000);
      expect(ours).toBe(theirs);
    });
  }
});
