// winmc events FILE.etl: the .etl side of `winmc events` (src/eventlog/etl). It takes the filters
// `winmc events` parses for .evtx (--provider, --event-id, --level, --since, --until, --limit,
// --json, --wide) and three of its own:
//   --manifest FILE   decode manifest events with FILE: a .man, a TEMP.BIN, or a PE with
//                     WEVT_TEMPLATE (repeatable);
//   --summary         a count per provider and event name, as PerfView's COUNT lines;
//   --processes       the process table the kernel logger's Process events give;
//   --perfview        count, attribute and name events as PerfView's TraceLog does.
// Damage is reported on stderr as warnings naming the buffer and its file offset (MC6101); a file
// that is not an .etl is MC6003.

import { open, readFile } from 'node:fs/promises';
import { fileByteSource } from '../eventlog/events.js';
import { readEtlEvents, looksLikeEtl, payloadHex, type EtlEvent, type EventDecoder } from '../eventlog/etl/index.js';
import { loadManifest, manifestDecoder, ManifestLoadError } from '../eventlog/etl/manifest.js';
import type { FieldValue } from '../eventlog/etl/payload.js';
import type { OptionDef } from './kit.js';

/** The options .etl adds to `winmc events` (EVENTS_SPEC.options gets them appended). */
export const ETL_OPTIONS: OptionDef[] = [
  {
    names: ['--manifest'],
    kind: 'list',
    value: 'FILE',
    group: 'events',
    help: 'render (.evtx) or decode (.etl) manifest events with FILE (.man, TEMP.BIN or a PE with WEVT_TEMPLATE; repeatable)',
    doc: 'Render (`.evtx`) or decode (`.etl`) manifest-based events with this instrumentation manifest: a `.man`, the `TEMP.BIN` that `winmc compile` writes, or a PE (DLL/EXE) with a `WEVT_TEMPLATE` resource. For `.evtx`, the events of its providers get their message, level, task, opcode, keyword and channel names as Event Viewer shows them (see below). Repeatable.',
  },
  {
    names: ['--summary'],
    kind: 'flag',
    group: 'events',
    help: '.etl: a count per provider and event name instead of the events',
    doc: '`.etl`: instead of the events, one line per provider and event name with its count, `COUNT Provider/Event:N`, as PerfView writes them (after the filters).',
  },
  {
    names: ['--processes'],
    kind: 'flag',
    group: 'events',
    help: '.etl: the process table of the kernel logger\'s Process events',
    doc: '`.etl`: instead of the events, the processes the kernel logger saw (Process Start/Stop and rundown events): pid, parent pid, image, command line, start and end.',
  },
  {
    names: ['--perfview'],
    kind: 'flag',
    group: 'events',
    help: '.etl: as PerfView\'s TraceLog: idle-thread CPU samples dropped, threads read ahead, --manifest events named by their messages',
    doc: '`.etl`: read as PerfView\'s TraceLog does, so that `--summary` gives its COUNT lines: CPU samples of the idle thread outside DPCs and ISRs are dropped, the thread table is read from the whole file first (a second pass) so every thread has its process, and `--manifest` events are named by their task and opcode messages, as TraceEvent\'s compiled-in CLR parser names them (`GC/AllocationTick`). See docs/events.md.',
  },
];

/** What `winmc events` hands over for an .etl file. */
export interface EtlEventsCommand {
  file: string;
  providers: string[];
  eventIds: [number, number][];
  levels: Set<number>;
  since?: number;
  until?: number;
  limit?: number;
  json: boolean;
  wide: boolean;
  manifests: string[];
  summary: boolean;
  processes: boolean;
  /** --perfview: TraceLog's sample rule, the thread table read ahead, names from messages. */
  perfview: boolean;
  filters: string[];
}

export interface EtlIo {
  out: (line: string) => Promise<void> | void;
  err: (text: string) => void;
  /** Whether stderr is a terminal: a progress line then. */
  tty: boolean;
}

const CODE = { read: 'MC6002', format: 'MC6003', manifest: 'MC6004', damaged: 'MC6101', noMatch: 'MC6102' } as const;

/** Whether the file at `path` starts as an .etl does. */
export async function isEtlFile(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = new Uint8Array(0x50);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return looksLikeEtl(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

function passes(e: EtlEvent, cmd: EtlEventsCommand, providers: Set<string>): boolean {
  if (providers.size > 0 && !providers.has(e.provider.toLowerCase()) && !providers.has(e.providerGuid)) return false;
  if (cmd.eventIds.length > 0 && !cmd.eventIds.some(([lo, hi]) => e.eventId >= lo && e.eventId <= hi)) return false;
  if (cmd.levels.size > 0 && !cmd.levels.has(e.level)) return false;
  if (cmd.since !== undefined || cmd.until !== undefined) {
    const t = Date.parse(e.timeCreated.replace(/(\.\d{3})\d*Z$/, '$1Z'));
    if (cmd.since !== undefined && !(t >= cmd.since)) return false;
    if (cmd.until !== undefined && !(t < cmd.until)) return false;
  }
  return true;
}

/**
 * The JSON line of an event (the issue's field list, plus the header kind, the payload of an
 * undecoded one, and processIdFrom / threadIdFrom when the process or thread is not the header's).
 */
export function etlEventJson(e: EtlEvent): Record<string, unknown> {
  const out: Record<string, unknown> = {
    timeCreated: e.timeCreated,
    provider: e.provider,
    providerGuid: e.providerGuid,
    eventId: e.eventId,
    version: e.version,
    opcode: e.opcode,
    task: e.task,
    level: e.level,
    keywords: '0x' + e.keywords.toString(16),
    eventName: e.eventName,
    processId: e.processId,
    threadId: e.threadId,
    processor: e.processor,
    fields: e.fields,
    message: e.message,
    header: e.headerKind,
  };
  // (assigned, not spread: an object spread per event is slow in V8)
  // where a process or thread not in the record's header came from (docs/events.md)
  if (e.processIdFrom === 'payload' || e.processIdFrom === 'thread') out.processIdFrom = e.processIdFrom;
  if (e.threadIdFrom === 'payload') out.threadIdFrom = e.threadIdFrom;
  if (e.activityId) out.activityId = e.activityId;
  if (e.relatedActivityId) out.relatedActivityId = e.relatedActivityId;
  if (e.fields === null) out.payload = payloadHex(e);
  return out;
}

function text(v: FieldValue): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

const W = { time: 23, provider: 24, name: 32, pid: 6, tid: 6 } as const;

function cell(s: string, width: number, wide: boolean): string {
  const chars = [...s];
  if (chars.length <= width || wide) return s.padEnd(width);
  return chars.slice(0, width - 1).join('') + '…';
}

const TABLE_HEADER = `${'Time (UTC)'.padEnd(W.time)}  ${'Provider'.padEnd(W.provider)}  ${'Event'.padEnd(W.name)}  ${'PID'.padStart(W.pid)}  ${'TID'.padStart(W.tid)}  Fields`;

export function etlTableLine(e: EtlEvent, wide = false): string {
  const time = e.timeCreated.replace('T', ' ').replace(/(\.\d{3})\d*Z$/, '$1');
  const fields = e.fields === null ? `payload (${e.payload.length} bytes): ${payloadHex(e).slice(0, wide ? undefined : 64)}${!wide && e.payload.length > 32 ? '…' : ''}` : Object.entries(e.fields).map(([k, v]) => `${k}=${text(v)}`).join('; ');
  const id = (n: number | null) => (n === null || n === 0xffffffff ? '-' : String(n)).padStart(W.pid);
  const line = [cell(time, W.time, wide), cell(e.provider, W.provider, wide), cell(e.eventName, W.name, wide), id(e.processId), id(e.threadId), wide || fields.length <= 160 ? fields : fields.slice(0, 159) + '…'];
  return line.join('  ').trimEnd() + (e.message ? `\n${' '.repeat(10)}| ${e.message.replace(/\r?\n/g, `\n${' '.repeat(10)}| `)}` : '');
}

export interface ProcessRow {
  pid: number;
  parentPid: number | null;
  image: string;
  commandLine: string;
  /** The Start event's time, or null for a process already running when the trace began. */
  start: string | null;
  /** The Stop event's time, or null for one still running at the end. */
  end: string | null;
  exitStatus: number | null;
}

/**
 * The processes of a trace from the kernel logger's Process events: Start and DCStart open a row
 * (a pid reused after a Stop opens a new one), Stop, DCStop and Defunct fill its end.
 */
export class ProcessTable {
  readonly rows: ProcessRow[] = [];
  private readonly open = new Map<number, ProcessRow>();

  add(e: EtlEvent): void {
    if (!e.providerGuid.startsWith('3d6fa8d0-') || e.fields === null || typeof e.fields.ProcessID !== 'number') return;
    const f = e.fields;
    const pid = f.ProcessID as number;
    const kind = e.eventName.slice('Process/'.length);
    let row = this.open.get(pid);
    if (kind === 'Start' || (kind === 'DCStart' && !row)) {
      row = { pid, parentPid: typeof f.ParentID === 'number' ? f.ParentID : null, image: String(f.ImageFileName ?? ''), commandLine: String(f.CommandLine ?? ''), start: kind === 'Start' ? e.timeCreated : null, end: null, exitStatus: null };
      this.rows.push(row);
      this.open.set(pid, row);
    } else if ((kind === 'Stop' || kind === 'Defunct') && row) {
      row.end = e.timeCreated;
      row.exitStatus = typeof f.ExitStatus === 'number' ? f.ExitStatus : null;
      this.open.delete(pid);
    } else if ((kind === 'Stop' || kind === 'Defunct') && !row) {
      this.rows.push({ pid, parentPid: typeof f.ParentID === 'number' ? f.ParentID : null, image: String(f.ImageFileName ?? ''), commandLine: String(f.CommandLine ?? ''), start: null, end: e.timeCreated, exitStatus: typeof f.ExitStatus === 'number' ? f.ExitStatus : null });
    } else if (kind === 'DCStop' && row && !row.commandLine && typeof f.CommandLine === 'string') {
      row.commandLine = f.CommandLine;
    }
  }

  lines(json: boolean, wide: boolean): string[] {
    if (json) return this.rows.map((r) => JSON.stringify(r));
    const t = (s: string | null, none: string) => (s === null ? none : s.replace('T', ' ').replace(/(\.\d{3})\d*Z$/, '$1'));
    const out = [`${'PID'.padStart(7)}  ${'Parent'.padStart(7)}  ${'Image'.padEnd(24)}  ${'Start (UTC)'.padEnd(23)}  ${'End (UTC)'.padEnd(23)}  Command line`];
    for (const r of this.rows) {
      out.push([String(r.pid).padStart(7), (r.parentPid === null ? '-' : String(r.parentPid)).padStart(7), cell(r.image, 24, wide), t(r.start, '(running)').padEnd(23), t(r.end, '(running)').padEnd(23), r.commandLine].join('  ').trimEnd());
    }
    return out;
  }
}

/** "COUNT Provider/Event:N" lines, ordinal order, as TraceEvent's GeneralParsing writes them. */
export function summaryLines(counts: ReadonlyMap<string, number>, json: boolean): string[] {
  const keys = [...counts.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return json ? keys.map((k) => JSON.stringify({ event: k, count: counts.get(k) })) : keys.map((k) => `COUNT ${k}:${counts.get(k)}`);
}

/** Runs `winmc events FILE.etl`; returns the exit status. */
export async function runEtlEvents(cmd: EtlEventsCommand, io: EtlIo): Promise<number> {
  const decoders: EventDecoder[] = [];
  for (const path of cmd.manifests) {
    try {
      decoders.push(manifestDecoder(loadManifest(new Uint8Array(await readFile(path)), path), cmd.perfview ? { names: 'messages' } : {}));
    } catch (err) {
      if (err instanceof ManifestLoadError || (err as NodeJS.ErrnoException).code !== undefined) {
        io.err(`winmc : error ${CODE.manifest}: --manifest ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}\n`);
        return 1;
      }
      throw err;
    }
  }
  const providers = new Set(cmd.providers.map((p) => p.toLowerCase().replace(/[{}]/g, '')));
  let handle;
  try {
    handle = await open(cmd.file, 'r');
  } catch (err) {
    io.err(`winmc : error ${CODE.read}: ${cmd.file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}\n`);
    return 1;
  }
  const counts = new Map<string, number>();
  const table = new ProcessTable();
  let records = 0;
  let listed = 0;
  let lastProgress = 0;
  let progressShown = false;
  const clearProgress = () => {
    if (progressShown) io.err('\r\x1b[K');
    progressShown = false;
  };
  try {
    const source = await fileByteSource(handle);
    const head = await source.read(0, 0x50);
    if (!looksLikeEtl(head)) {
      io.err(`winmc : error ${CODE.format}: ${cmd.file}: not an .etl file: no WMI_BUFFER_HEADER with the TRACE_LOGFILE_HEADER record at offset 0x48\n`);
      return 1;
    }
    const warn = (w: { message: string }) => {
      clearProgress();
      io.err(`winmc : warning ${CODE.damaged}: ${cmd.file}: ${w.message}\n`);
    };
    for await (const e of readEtlEvents(source, { warn, decoders, dropIdleSamples: cmd.perfview, threadsAhead: cmd.perfview })) {
      records++;
      if (io.tty && source.size >= 16 * 1024 * 1024 && Date.now() - lastProgress >= 250) {
        lastProgress = Date.now();
        io.err(`\rreading ${cmd.file}: ${Math.min(100, Math.floor((e.offset / source.size) * 100))}% (${records} records)\x1b[K`);
        progressShown = true;
      }
      if (!passes(e, cmd, providers)) continue;
      listed++;
      if (cmd.summary) {
        const k = `${e.provider}/${e.eventName}`;
        counts.set(k, (counts.get(k) ?? 0) + 1);
      } else if (cmd.processes) {
        table.add(e);
      } else {
        if (!cmd.json && listed === 1) await io.out(TABLE_HEADER);
        await io.out(cmd.json ? JSON.stringify(etlEventJson(e)) : etlTableLine(e, cmd.wide));
        if (cmd.limit !== undefined && listed >= cmd.limit) break;
      }
    }
  } finally {
    clearProgress();
    await handle.close();
  }
  if (cmd.summary) for (const line of summaryLines(counts, cmd.json)) await io.out(line);
  if (cmd.processes) for (const line of table.lines(cmd.json, cmd.wide)) await io.out(line);
  if (listed === 0) {
    const what = cmd.filters.length > 0 ? `no event matches ${cmd.filters.join(' ')}` : 'no events';
    io.err(`winmc : warning ${CODE.noMatch}: ${cmd.file}: ${what} (${records} record${records === 1 ? '' : 's'} read)\n`);
  }
  return 0;
}
