// winmc events FILE [--provider NAME]… [--messages [PROVIDER=]FILE]… [--packets] [--json]
//
// Reads an .evtx or .evt log record by record, decodes the IO_ERROR_LOG_PACKET of every driver
// event and, when message tables are given, renders each event's description from them. Output is
// a table, or one JSON object per line with --json. Damage in the log is reported on stderr as
// warnings naming the chunk and record; the readable records are still listed.

import { stat } from 'node:fs/promises';
import { driverPacketOf, EventLogError, messageIdOf, readEventLogFile, type EventRecord, type ReadWarning } from '../eventlog/events.js';
import { EvtxFormatError } from '../eventlog/evtx.js';
import { EvtFormatError } from '../eventlog/evt.js';
import { hex32 } from '../hex.js';
import { packetToJson, type IoErrorLogPacket } from '../packet/packet.js';
import { findEventMessage, renderEventMessage } from '../packet/render.js';
import { loadMessageTables, type MessageTableSet } from '../rc-gen/message-source.js';
import { CliError, parseCommandLine, printError, usageText, type CommandSpec } from './kit.js';

const CODE = {
  usage: 'MC6001',
  read: 'MC6002',
  format: 'MC6003',
  messages: 'MC6004',
  damaged: 'MC6101',
} as const;

export const EVENTS_SPEC: CommandSpec = {
  name: 'events',
  synopsis: ['winmc events FILE [options]'],
  description: 'Lists the records of an .evtx or .evt event log and decodes the IO_ERROR_LOG_PACKET of every\ndriver event.',
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
    { names: ['--json'], kind: 'flag', group: 'events', help: 'one JSON object per line instead of a table', doc: 'One JSON object per line instead of a table.' },
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
  return { file: files[0]!, providers, messages, packetsOnly: args.flag('packets'), json: args.flag('json') };
}

/** Message tables by provider (lower case); the key '' holds tables for every provider. */
type TablesByProvider = Map<string, MessageTableSet[]>;

function tablesFor(tables: TablesByProvider, provider: string): MessageTableSet[] | undefined {
  return tables.get(provider.toLowerCase()) ?? tables.get('');
}


const hex = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

export function eventJson(e: EventRecord, packet: IoErrorLogPacket | null, message: string | undefined): Record<string, unknown> {
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
  return out;
}

const LEVEL_NAMES: Record<number, string> = { 1: 'Critical', 2: 'Error', 3: 'Warning', 4: 'Info', 5: 'Verbose' };

/** A string in double quotes with control characters and quotes escaped, backslashes as they are. */
function quote(s: string): string {
  const escaped = s.replace(/[\x00-\x1f"]/g, (c) =>
    c === '"' ? '\\"' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
  return `"${escaped}"`;
}

export function eventTableLines(e: EventRecord, packet: IoErrorLogPacket | null, message: string | undefined): string[] {
  const id = e.qualifiers === null ? String(e.eventId) : `${e.eventId} (${hex32(messageIdOf(e))})`;
  const time = e.timeCreated.replace('T', ' ').replace(/(\.\d{3})\d*Z$/, '$1');
  const lines = [
    `${String(e.recordId).padStart(8)}  ${time.padEnd(23)}  ${(LEVEL_NAMES[e.level] ?? String(e.level)).padEnd(8)}  ${e.provider.padEnd(20)}  ${id.padEnd(20)}  ${e.strings.map(quote).join(', ')}`,
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
  if (message !== undefined) {
    for (const line of message.split(/\r?\n/)) lines.push(`${indent}| ${line}`);
  }
  return lines;
}

const TABLE_HEADER = `${'Record'.padStart(8)}  ${'Time (UTC)'.padEnd(23)}  ${'Level'.padEnd(8)}  ${'Provider'.padEnd(20)}  ${'Event ID'.padEnd(20)}  Strings`;

/**
 * The description as Event Viewer shows it (PACKET-REGISTRY.md §1.7): FormatMessage with the
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
  const { file, providers, json, packetsOnly } = parsed;

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
    for await (const event of readEventLogFile(file, warn)) {
      records++;
      progress.update(event.offset, records);
      if (wanted.size > 0 && !wanted.has(event.provider.toLowerCase())) continue;
      const packet = driverPacketOf(event);
      if (packetsOnly && packet === null) continue;
      const forProvider = tablesFor(tables, event.provider);
      let message: string | undefined;
      if (forProvider !== undefined) {
        // The provider's tables first, then (for driver events) the standard IoLogMsg texts,
        // as Event Viewer walks EventMessageFile.
        const found = findEventMessage(forProvider, messageIdOf(event));
        if (found !== undefined && (found.source === 'table' || packet !== null)) message = renderMessage(found.text, event, warn);
      }
      if (!json && listed++ === 0) await out.line(TABLE_HEADER);
      if (json) await out.line(JSON.stringify(eventJson(event, packet, message)));
      else for (const line of eventTableLines(event, packet, message)) await out.line(line);
      if (out.closed) break;
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
  return 0;
}
