// winmc events FILE [--provider NAME]… [--event-id IDS]… [--level LEVELS]… [--since TIME]
//                   [--until TIME] [--packets] [--limit N] [--messages [PROVIDER=]FILE]…
//                   [--manifest FILE]… [--json | --xml] [--wide]
//
// Reads an .evtx or .evt log record by record, decodes the IO_ERROR_LOG_PACKET of every driver
// event and, when message tables are given, renders each event's description from them; with
// --manifest, the manifest-based events of an .evtx are rendered from their provider's manifest
// (src/eventlog/render-manifest.ts: message, level, task, opcode, keywords, channel). Output is
// a table (columns of fixed width, long cells cut with `…` unless --wide), one JSON object per
// line with --json, or one <Event> element per record with --xml. Damage in the log is reported
// on stderr as warnings naming the chunk and record; the readable records are still listed. When
// the filters leave no event, stderr says so (MC6102).

import { escapeText } from '../binary/codec.js';
import { open, readFile, stat } from 'node:fs/promises';
import {
  detectLogFormat,
  driverPacketOf,
  eventFromEvt,
  eventFromEvtx,
  EventLogError,
  fileByteSource,
  messageIdOf,
  type EventRecord,
  type ReadWarning,
} from '../eventlog/events.js';
import { EvtxFormatError, readEvtxRecords } from '../eventlog/evtx.js';
import { EvtFormatError, readEvtRecords } from '../eventlog/evt.js';
import { loadManifest, ManifestLoadError } from '../eventlog/etl/manifest.js';
import { ManifestRenderer, manifestFieldsOfEvtx, type ManifestEventFields, type RenderedManifestEvent } from '../eventlog/render-manifest.js';
import { evtEventXml, evtxEventXml } from './events-xml.js';
import { hex32 } from '../hex.js';
import { packetToJson, type IoErrorLogPacket } from '../packet/packet.js';
import { findEventMessage, renderEventMessage } from '../packet/render.js';
import { loadMessageTables, type MessageTableSet } from '../rc-gen/message-source.js';
import { CliError, parseCommandLine, printError, usageText, type CommandSpec } from './kit.js';
import { ETL_OPTIONS, isEtlFile, runEtlEvents } from './events-etl.js';

const CODE = {
  usage: 'MC6001',
  read: 'MC6002',
  format: 'MC6003',
  messages: 'MC6004',
  damaged: 'MC6101',
  noMatch: 'MC6102',
} as const;

export const EVENTS_SPEC: CommandSpec = {
  name: 'events',
  synopsis: ['winmc events FILE [options]'],
  description: 'Lists the records of an .evtx or .evt event log and decodes the IO_ERROR_LOG_PACKET of every\ndriver event; reads the events of an .etl trace (see --manifest, --summary, --processes).',
  style: 'gnu',
  word: 'option',
  repeated: 'error',
  usageCode: CODE.usage,
  groups: [{ id: 'events', title: 'Options', table: ['Option', 'Meaning'] }],
  options: [
    {
      names: ['--provider'],
      kind: 'list',
      value: 'NAME',
      group: 'events',
      help: 'only events of this provider/source (case-insensitive; repeatable)',
      doc: 'Only events of this provider (EVTX) or source (EVT). Case-insensitive, as the EventLog registry matches source names. Repeat it for several.',
    },
    {
      names: ['--packets'],
      kind: 'flag',
      group: 'events',
      help: 'only events whose data is an I/O error packet',
      doc: 'Only driver events: those whose binary data is an I/O error packet (see below).',
    },
    {
      names: ['--messages'],
      kind: 'list',
      value: '[PROVIDER=]FILE',
      group: 'events',
      help: 'message table (.mc or MSGnnnnn.bin) to render descriptions from; with PROVIDER= only for that provider (repeatable)',
      doc: 'A message table to render event descriptions from: an `.mc` file or an `MSGnnnnn.bin` that `winmc compile` wrote. Without `PROVIDER=` it is used for the providers given with `--provider`, or for every event when there is no `--provider`; with it, for that provider only. Repeat for several drivers.',
    },
    {
      names: ['--event-id'],
      kind: 'list',
      value: 'IDS',
      group: 'events',
      help: 'only these event ids: N, N,M or N-M (repeatable)',
      doc: 'Only events with these ids (the 16-bit EventID): `7`, `7,11`, `100-199`, or several of them. Repeatable.',
    },
    {
      names: ['--level'],
      kind: 'list',
      value: 'LEVELS',
      group: 'events',
      help: 'only these levels: critical, error, warning, info, verbose or 0-255, comma-separated (repeatable)',
      doc: 'Only events of these levels: `critical` (1), `error` (2), `warning` (3), `info` (4, and 0 as Event Viewer shows it), `verbose` (5) or a number, comma-separated. Repeatable.',
    },
    {
      names: ['--since'],
      kind: 'value',
      value: 'TIME',
      group: 'events',
      help: 'only events created at or after TIME (ISO 8601; UTC unless it has an offset)',
      doc: 'Only events created at or after TIME: `2017-07-12`, `2017-07-12T17:16`, `2017-07-12 17:16:13.5`, with `Z` or an offset such as `+02:00`; without one, UTC (the time the table shows).',
    },
    {
      names: ['--until'],
      kind: 'value',
      value: 'TIME',
      group: 'events',
      help: 'only events created before TIME (a date alone: up to the end of that day)',
      doc: 'Only events created before TIME, written as for `--since`; a date alone includes that whole day.',
    },
    { names: ['--limit'], kind: 'value', value: 'N', group: 'events', help: 'stop after N listed events', doc: 'Stop after listing N events (those the filters let through).' },
    { names: ['--json'], kind: 'flag', group: 'events', help: 'one JSON object per line instead of a table', doc: 'One JSON object per line instead of a table.' },
    {
      names: ['--xml'],
      kind: 'flag',
      group: 'events',
      help: 'one <Event> element per record, as evtxexport and wevtutil write them',
      doc: 'One `<Event>` element per record instead of a table, indented, as `evtxexport -f xml` and `wevtutil qe /f:xml` write them (see below).',
    },
    {
      names: ['--wide'],
      kind: 'flag',
      group: 'events',
      help: 'table: show long providers and strings whole instead of cutting them with …',
      doc: 'In the table, show long provider names and strings whole; without it a cell longer than its column ends in `…`.',
    },
    // .etl files: --manifest, --summary, --processes, --perfview (src/cli/events-etl.ts)
    ...ETL_OPTIONS,
  ],
};

const USAGE = usageText(EVENTS_SPEC);

function error(code: string, text: string): void {
  printError({ code, message: text });
}

interface EventsCommand {
  file: string;
  providers: string[];
  messages: { provider: string | null; path: string }[];
  packetsOnly: boolean;
  json: boolean;
  xml: boolean;
  wide: boolean;
  /** --event-id as inclusive ranges; empty: every id. */
  eventIds: [number, number][];
  /** --level; empty: every level. */
  levels: Set<number>;
  /** --since / --until in milliseconds since 1970 (since inclusive, until exclusive). */
  since?: number;
  until?: number;
  limit?: number;
  /** The filters as given, for the message when nothing matches. */
  filters: string[];
  /** --manifest files (.evtx and .etl); .etl only: --summary, --processes, --perfview. */
  manifests: string[];
  summary: boolean;
  processes: boolean;
  perfview: boolean;
}

const LEVELS_BY_NAME: Record<string, number[]> = {
  critical: [1],
  error: [2],
  warning: [3],
  info: [0, 4],
  information: [0, 4],
  informational: [0, 4],
  verbose: [5],
};

function parseEventIds(spec: string): [number, number][] {
  return spec.split(',').map((part) => {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    const low = m ? Number(m[1]) : NaN;
    const high = m?.[2] !== undefined ? Number(m[2]) : low;
    if (!m || low > 0xffff || high > 0xffff || high < low) {
      throw new CliError(CODE.usage, `--event-id takes event ids (0-65535) as N, N,M or N-M, not '${spec}'`);
    }
    return [low, high];
  });
}

function parseLevels(spec: string): number[] {
  return spec.split(',').flatMap((part) => {
    const word = part.trim().toLowerCase();
    if (/^\d+$/.test(word) && Number(word) <= 255) return [Number(word)];
    const named = LEVELS_BY_NAME[word];
    if (named) return named;
    throw new CliError(CODE.usage, `--level takes critical, error, warning, info, verbose or a number 0-255, not '${part.trim()}'`);
  });
}

/** An ISO 8601 time, UTC unless it carries an offset; `endOfDate` turns a date alone into the next midnight. */
export function parseTime(option: string, text: string, endOfDate = false): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(text.trim());
  if (!m) throw new CliError(CODE.usage, `${option} takes a time such as 2017-07-12, 2017-07-12T17:16:13 or 2017-07-12T17:16:13+02:00, not '${text}'`);
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(sec ?? 0), Number((frac ?? '').padEnd(3, '0').slice(0, 3)));
  const valid = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (Number.isNaN(ms) || valid.getUTCDate() !== Number(d) || valid.getUTCMonth() !== Number(mo) - 1 || Number(h ?? 0) > 23 || Number(mi ?? 0) > 59 || Number(sec ?? 0) > 59) {
    throw new CliError(CODE.usage, `${option}: '${text}' is not a valid time`);
  }
  if (zone && zone.toUpperCase() !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    ms -= (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3])) * 60000;
  }
  if (endOfDate && h === undefined) ms += 86400000;
  return ms;
}

/** An event's creation time in milliseconds (its ISO text has up to seven fractional digits). */
function eventTime(e: EventRecord): number {
  return Date.parse(e.timeCreated.replace(/(\.\d{3})\d*Z$/, '$1Z'));
}

/** Whether an event passes the filters other than --provider and --packets. */
function passes(e: EventRecord, cmd: EventsCommand): boolean {
  if (cmd.eventIds.length > 0 && !cmd.eventIds.some(([lo, hi]) => e.eventId >= lo && e.eventId <= hi)) return false;
  if (cmd.levels.size > 0 && !cmd.levels.has(e.level)) return false;
  if (cmd.since !== undefined || cmd.until !== undefined) {
    const t = eventTime(e);
    if (cmd.since !== undefined && !(t >= cmd.since)) return false;
    if (cmd.until !== undefined && !(t < cmd.until)) return false;
  }
  return true;
}

/** The command line of `winmc events`; throws a CliError (MC6001) for a bad one. */
export function parseEventsArgs(argv: readonly string[]): EventsCommand | { help: true } {
  const args = parseCommandLine(EVENTS_SPEC, argv);
  if (args.help) return { help: true };
  args.throwFirst();
  const files = args.positional;
  if (files.length !== 1) throw new CliError(CODE.usage, files.length === 0 ? 'no event log given (winmc events FILE)' : `one event log expected, found ${files.length}: ${files.join(' ')}`);
  const providers = args.list('provider');
  const messages: EventsCommand['messages'] = [];
  for (const spec of args.list('messages')) {
    // PROVIDER=FILE; a drive letter or path never contains '=' before the file name in practice.
    const eq = spec.indexOf('=');
    messages.push(eq > 0 ? { provider: spec.slice(0, eq), path: spec.slice(eq + 1) } : { provider: null, path: spec });
  }
  if (args.flag('json') && args.flag('xml')) throw new CliError(CODE.usage, '--json and --xml exclude each other: give one output format');
  const filters: string[] = [];
  for (const name of ['provider', 'event-id', 'level', 'since', 'until']) for (const v of args.list(name)) filters.push(`--${name} ${v}`);
  if (args.flag('packets')) filters.push('--packets');
  const limitText = args.value('limit');
  if (limitText !== undefined && !/^[1-9]\d*$/.test(limitText)) throw new CliError(CODE.usage, `--limit takes a number of events (1 or more), not '${limitText}'`);
  const since = args.value('since');
  const until = args.value('until');
  return {
    file: files[0]!,
    providers,
    messages,
    packetsOnly: args.flag('packets'),
    json: args.flag('json'),
    xml: args.flag('xml'),
    wide: args.flag('wide'),
    eventIds: args.list('event-id').flatMap(parseEventIds),
    levels: new Set(args.list('level').flatMap(parseLevels)),
    ...(since !== undefined ? { since: parseTime('--since', since) } : {}),
    ...(until !== undefined ? { until: parseTime('--until', until, true) } : {}),
    ...(limitText !== undefined ? { limit: Number(limitText) } : {}),
    filters,
    manifests: args.list('manifest'),
    summary: args.flag('summary'),
    processes: args.flag('processes'),
    perfview: args.flag('perfview'),
  };
}

/** Message tables by provider (lower case); the key '' holds tables for every provider. */
type TablesByProvider = Map<string, MessageTableSet[]>;

function tablesFor(tables: TablesByProvider, provider: string): MessageTableSet[] | undefined {
  return tables.get(provider.toLowerCase()) ?? tables.get('');
}


const hex = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

export function eventJson(e: EventRecord, packet: IoErrorLogPacket | null, message: string | undefined, rendering?: RenderedManifestEvent): Record<string, unknown> {
  const out: Record<string, unknown> = {
    recordId: e.recordId,
    timeCreated: e.timeCreated,
    provider: e.provider,
    eventId: e.eventId,
    qualifiers: e.qualifiers,
    level: e.level,
    category: e.category,
    computer: e.computer,
    strings: e.strings,
    data: e.data === null ? null : hex(e.data),
    packet: packet === null ? null : packetToJson(packet),
  };
  if (message !== undefined) out['message'] = message;
  if (rendering !== undefined) out['rendering'] = renderingJson(rendering);
  return out;
}

/** What --manifest rendered for an event, as the `rendering` object of its JSON line (RenderingInfo's parts). */
export function renderingJson(r: RenderedManifestEvent): Record<string, unknown> {
  const out: Record<string, unknown> = { provider: r.providerText ?? r.provider };
  if (r.event !== undefined) out.event = r.event;
  out.level = r.level ?? null;
  out.task = r.task ?? null;
  out.opcode = r.opcode ?? null;
  out.keywords = r.keywords;
  out.channel = r.channelText ?? r.channel ?? null;
  out.culture = r.culture;
  if (r.problem !== undefined) out.problem = r.problem;
  if (r.note !== undefined) out.note = r.note;
  return out;
}

/** Level names as Event Viewer shows them (0, LogAlways, shows as Information). */
const LEVEL_NAMES: Record<number, string> = { 0: 'Info', 1: 'Critical', 2: 'Error', 3: 'Warning', 4: 'Info', 5: 'Verbose' };

/** The table's column widths; a longer cell is cut with `…` (the strings, last, to STRINGS_WIDTH) unless --wide. */
const WIDTH = { record: 8, time: 23, level: 8, provider: 20, id: 20 } as const;
const STRINGS_WIDTH = 100;

/** `text` in `width` characters: padded, or cut to width - 1 and `…` (whole when wide, then padded). */
function cell(text: string, width: number, wide: boolean): string {
  const chars = [...text];
  if (chars.length <= width || wide) return text.padEnd(width);
  return chars.slice(0, width - 1).join('') + '…';
}

/** A string in double quotes with control characters and quotes escaped, backslashes as they are. */
function quote(s: string): string {
  return escapeText(s, { quote: true });
}

export function eventTableLines(e: EventRecord, packet: IoErrorLogPacket | null, message: string | undefined, wide = false, rendering?: RenderedManifestEvent): string[] {
  const id = e.qualifiers === null ? String(e.eventId) : `${e.eventId} (${hex32(messageIdOf(e))})`;
  const time = e.timeCreated.replace('T', ' ').replace(/(\.\d{3})\d*Z$/, '$1');
  const strings = e.strings.map(quote).join(', ');
  const lines = [
    [
      String(e.recordId).padStart(WIDTH.record),
      cell(time, WIDTH.time, wide),
      cell(LEVEL_NAMES[e.level] ?? `Level ${e.level}`, WIDTH.level, wide),
      cell(e.provider, WIDTH.provider, wide),
      cell(id, WIDTH.id, wide),
      wide || [...strings].length <= STRINGS_WIDTH ? strings : cell(strings, STRINGS_WIDTH, false),
    ].join('  ').trimEnd(),
  ];
  const indent = ' '.repeat(10);
  if (packet !== null) {
    lines.push(
      `${indent}packet: MajorFunction 0x${packet.majorFunctionCode.toString(16).padStart(2, '0')}, Retry ${packet.retryCount}, ` +
        `Strings ${packet.numberOfStrings}, StringOffset ${packet.stringOffset}, Category ${packet.eventCategory}, ` +
        `ErrorCode ${hex32(packet.errorCode)}, Unique ${hex32(packet.uniqueErrorValue)}, FinalStatus ${hex32(packet.finalStatus)}, ` +
        `Sequence ${packet.sequenceNumber >>> 0}, IoControl ${hex32(packet.ioControlCode)}, DeviceOffset ${packet.deviceOffset}`,
    );
    if (packet.dumpData.length > 0) lines.push(`${indent}DumpData (${packet.dumpDataSize} bytes): ${packet.dumpData.map(hex32).join(' ')}`);
  } else if (e.data !== null) {
    lines.push(`${indent}data (${e.data.length} bytes): ${hex(e.data.subarray(0, 64))}${e.data.length > 64 ? '…' : ''}`);
  }
  if (rendering !== undefined) {
    const parts = [rendering.task && `Task: ${rendering.task}`, rendering.opcode && `Opcode: ${rendering.opcode}`, rendering.keywords.length > 0 && `Keywords: ${rendering.keywords.join(', ')}`, (rendering.channelText ?? rendering.channel) && `Channel: ${rendering.channelText ?? rendering.channel}`];
    const shown = parts.filter((p): p is string => typeof p === 'string' && p !== '');
    if (shown.length > 0) lines.push(`${indent}${shown.join('; ')}`);
    if (rendering.problem !== undefined) lines.push(`${indent}(no message: ${rendering.problem})`);
    if (rendering.note !== undefined) lines.push(`${indent}(note: ${rendering.note})`);
  }
  if (message !== undefined) {
    for (const line of message.split(/\r?\n/)) lines.push(`${indent}| ${line}`);
  }
  return lines;
}

const TABLE_HEADER = `${'Record'.padStart(WIDTH.record)}  ${'Time (UTC)'.padEnd(WIDTH.time)}  ${'Level'.padEnd(WIDTH.level)}  ${'Provider'.padEnd(WIDTH.provider)}  ${'Event ID'.padEnd(WIDTH.id)}  Strings`;

/**
 * The description as Event Viewer shows it (docs/packet.md): FormatMessage with the
 * event's strings as inserts (%1 is the device name of a driver event), a sequence naming a
 * missing insert left as written, and the message's final line break dropped.
 */
function renderMessage(text: string, event: EventRecord, warn: (w: ReadWarning) => void): string | undefined {
  try {
    return renderEventMessage(text, event.strings);
  } catch (err) {
    warn({ message: `record ${event.recordId}: message ${hex32(messageIdOf(event))} cannot be formatted: ${(err as Error).message}`, offset: event.offset });
    return undefined;
  }
}

/** Buffered stdout that waits for 'drain', and stops quietly when the reader went away (EPIPE). */
class Output {
  private pending: string[] = [];
  private size = 0;
  closed = false;

  constructor(private readonly stream: NodeJS.WriteStream) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') this.closed = true;
      else throw err;
    });
  }

  async line(text: string): Promise<void> {
    this.pending.push(text, '\n');
    this.size += text.length + 1;
    if (this.size >= 65536) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0 || this.closed) return;
    const chunk = this.pending.join('');
    this.pending = [];
    this.size = 0;
    if (!this.stream.write(chunk)) await new Promise<void>((resolve) => this.stream.once('drain', resolve));
  }
}

/** "reading FILE: 42% (1234 records)" on a terminal, at most four times a second. */
class Progress {
  private last = 0;
  private shown = false;
  constructor(
    private readonly file: string,
    private readonly size: number,
    private readonly enabled: boolean,
  ) {}

  update(offset: number, records: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 250) return;
    this.last = now;
    const percent = this.size > 0 ? Math.min(100, Math.floor((offset / this.size) * 100)) : 100;
    process.stderr.write(`\rreading ${this.file}: ${percent}% (${records} records)\x1b[K`);
    this.shown = true;
  }

  done(): void {
    if (this.shown) process.stderr.write('\r\x1b[K');
  }
}

export async function run(argv: string[], _command: string): Promise<number> {
  let parsed: EventsCommand | { help: true };
  try {
    parsed = parseEventsArgs(argv);
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    printError(err);
    return err.exitCode;
  }
  if ('help' in parsed) {
    process.stdout.write(USAGE);
    return 0;
  }
  const { file, providers, json, xml, wide, packetsOnly, limit } = parsed;

  const tables: TablesByProvider = new Map();
  for (const m of parsed.messages) {
    let loaded: MessageTableSet[];
    try {
      loaded = await loadMessageTables(m.path);
    } catch (err) {
      error(CODE.messages, `${m.path}: ${(err as Error).message}`);
      return 1;
    }
    const keys = m.provider !== null ? [m.provider] : providers.length > 0 ? providers : [''];
    for (const key of keys) {
      const k = key.toLowerCase();
      tables.set(k, [...(tables.get(k) ?? []), ...loaded]);
    }
  }

  const wanted = new Set(providers.map((p) => p.toLowerCase()));
  const out = new Output(process.stdout);
  let size = 0;
  try {
    size = (await stat(file)).size;
  } catch (err) {
    error(CODE.read, `${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
    return 1;
  }
  // An .etl trace goes to its own reader; the options of each kind are refused for the other
  const etl = await isEtlFile(file).catch(() => false);
  const other = etl ? [xml && '--xml', packetsOnly && '--packets', parsed.messages.length > 0 && '--messages'] : [parsed.summary && '--summary', parsed.processes && '--processes', parsed.perfview && '--perfview'];
  const refused = other.filter((o): o is string => typeof o === 'string');
  if (refused.length > 0) {
    error(CODE.usage, `${refused.join(', ')}: ${etl ? 'for .evtx and .evt logs, not an .etl trace' : 'for .etl traces only'} (${file})`);
    return 2;
  }
  let renderer: ManifestRenderer | undefined;
  if (!etl && parsed.manifests.length > 0) {
    const manifests = [];
    for (const path of parsed.manifests) {
      try {
        manifests.push(loadManifest(new Uint8Array(await readFile(path)), path));
      } catch (err) {
        if (!(err instanceof ManifestLoadError) && (err as NodeJS.ErrnoException).code === undefined) throw err;
        error(CODE.messages, `--manifest ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
        return 1;
      }
    }
    renderer = new ManifestRenderer(manifests);
  }
  if (etl) {
    try {
      return await runEtlEvents(parsed, { out: (line) => out.line(line), err: (text) => process.stderr.write(text), tty: process.stderr.isTTY === true });
    } finally {
      await out.flush();
    }
  }
  const progress = new Progress(file, size, process.stderr.isTTY === true && size >= 16 * 1024 * 1024);
  const warnings: ReadWarning[] = [];
  const warn = (w: ReadWarning) => {
    warnings.push(w);
    progress.done();
    process.stderr.write(`winmc : warning ${CODE.damaged}: ${file}: ${w.message}\n`);
  };

  let records = 0;
  let listed = 0;
  try {
    for await (const { event, xmlLines, fields } of readLog(file, warn, xml)) {
      records++;
      progress.update(event.offset, records);
      if (wanted.size > 0 && !wanted.has(event.provider.toLowerCase())) continue;
      if (!passes(event, parsed)) continue;
      const packet = driverPacketOf(event);
      if (packetsOnly && packet === null) continue;
      // A manifest of the event's provider renders it; the message tables apply to the others. A
      // classic event (Qualifiers and no provider GUID, as ReportEvent writes it) keeps to its tables.
      const f = renderer && fields ? fields() : null;
      const rendering = f && (f.providerGuid !== undefined || event.qualifiers === null) ? (renderer!.render(f) ?? undefined) : undefined;
      const forProvider = tablesFor(tables, event.provider);
      let message: string | undefined = rendering?.message ?? undefined;
      if (message === undefined && forProvider !== undefined && !xml) {
        // The provider's tables first, then (for driver events) the standard IoLogMsg texts,
        // as Event Viewer walks EventMessageFile.
        const found = findEventMessage(forProvider, messageIdOf(event));
        if (found !== undefined && (found.source === 'table' || packet !== null)) message = renderMessage(found.text, event, warn);
      }
      if (!json && !xml && listed === 0) await out.line(TABLE_HEADER);
      listed++;
      if (json) await out.line(JSON.stringify(eventJson(event, packet, message, rendering)));
      else if (xml) {
        for (const line of xmlLines!(rendering)) await out.line(line);
        await out.line('');
      } else for (const line of eventTableLines(event, packet, message, wide, rendering)) await out.line(line);
      if (out.closed || (limit !== undefined && listed >= limit)) break;
    }
  } catch (err) {
    progress.done();
    await out.flush();
    if (err instanceof EvtxFormatError || err instanceof EvtFormatError || err instanceof EventLogError) {
      error(CODE.format, `${file}: ${err.message}`);
      return 1;
    }
    if ((err as NodeJS.ErrnoException).code !== undefined) {
      error(CODE.read, `${file}: ${(err as Error).message}`);
      return 1;
    }
    throw err;
  }
  progress.done();
  await out.flush();
  if (listed === 0) {
    const what = parsed.filters.length > 0 ? `no event matches ${parsed.filters.join(' ')}` : 'no events';
    process.stderr.write(`winmc : warning ${CODE.noMatch}: ${file}: ${what} (${records} record${records === 1 ? '' : 's'} read)\n`);
  }
  return 0;
}

/**
 * The records of a log as events, each with its <Event> text (an EVTX record's element tree is
 * only kept when --xml asks for it); the same records, in the same order, as readEventLogFile.
 */
async function* readLog(
  path: string,
  warn: (w: ReadWarning) => void,
  withXml: boolean,
): AsyncGenerator<{ event: EventRecord; xmlLines?: (rendering?: RenderedManifestEvent) => string[]; fields?: () => ManifestEventFields | null }> {
  const handle = await open(path, 'r');
  try {
    const source = await fileByteSource(handle);
    const format = detectLogFormat(await source.read(0, 8));
    if (format === 'evtx') {
      for await (const r of readEvtxRecords(source, warn)) {
        const event = eventFromEvtx(r);
        if (event) yield { event, fields: () => manifestFieldsOfEvtx(r), ...(withXml ? { xmlLines: (rendering?: RenderedManifestEvent) => evtxEventXml(r.nodes, rendering) } : {}) };
        else warn({ message: `chunk ${r.chunkIndex}, record ${r.recordId}: no <Event><System> element; record skipped`, offset: r.fileOffset });
      }
    } else if (format === 'evt') {
      for await (const r of readEvtRecords(source, warn)) {
        const event = eventFromEvt(r);
        yield { event, ...(withXml ? { xmlLines: () => evtEventXml(event) } : {}) };
      }
    } else {
      throw new EventLogError('not an event log: neither the EVTX signature "ElfFile" nor the EVT signature "LfLe" was found');
    }
  } finally {
    await handle.close();
  }
}
