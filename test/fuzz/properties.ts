// One fuzz property per reader (issue 17), for test/fuzz/readers.test.ts and `npm run fuzz`. Each
// takes its seeds from real files — ../shared/corpus (or $WINMC_CORPUS) and the fixtures — and from
// what the project's writers make, and classifies what the reader did with a mutant.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { FormatError } from '../../src/binary/errors.js';
import { toHex } from '../../src/binary/codec.js';
import { driverPacketOf, memoryByteSource, readEventRecords, type ReadWarning } from '../../src/eventlog/events.js';
import { EVTX_CHUNK_SIZE, EVTX_FILE_HEADER_BLOCK_SIZE } from '../../src/eventlog/evtx.js';
import { decodeEvtRecord } from '../../src/eventlog/evt.js';
import { decodeDriverPacket, decodeEventLogData, decodeEventLogPacket, decodeEventXml, parseHex, PacketFormatError } from '../../src/packet/decode.js';
import { buildPacket, writeEventLogData, completePacket } from '../../src/packet/packet.js';
import { messageTableDifferences, readMessageTable, writeMessageTable, MessageTableFormatError } from '../../src/rc-gen/message-table.js';
import { messageTablesToMc } from '../../src/rc-gen/mc-source.js';
import { writeRes } from '../../src/rc-gen/res.js';
import { writeMessageDll, readPeResources, looksLikePe } from '../../src/rc-gen/pe.js';
import { readFoundTable, readTableFile } from '../../src/rc-gen/table-file.js';
import { readCrim, CrimFormatError } from '../../src/manifest/crim.js';
import { parseManifest } from '../../src/manifest/parse.js';
import { RegfHive } from '../../src/registry/regf.js';
import { RegistryError } from '../../src/registry/errors.js';
import { HiveRegistry } from '../../src/registry/hive.js';
import { dwordValue, multiStringValue, stringValue, RegType } from '../../src/registry/values.js';
import { readEtlEvents } from '../../src/eventlog/etl/index.js';
import { loadManifest, manifestDecoder } from '../../src/eventlog/etl/manifest.js';
import { cleanupUnzipped, mutableSamples } from '../eventlog/etl-support.js';
import { corpusPath, repoRoot } from '../support/paths.js';
import type { Outcome, ReaderProperty } from './harness.js';

/** Control characters that must not reach a terminal unescaped (tab and line breaks aside). */
const RAW_CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/;
/** A message that says where: a hex offset, "offset", a line, or a chunk/record. */
const LOCATED = /0x[0-9a-f]+|offset|line \d+|shorter than|too short/i;

/** The outcome of an exception: 'refused' when it is `expected` and located, else what is wrong. */
export function classify(err: unknown, expected: (err: unknown) => boolean): Outcome {
  if (!expected(err)) return `threw ${(err as Error)?.name ?? typeof err}: ${String((err as Error)?.message ?? err).slice(0, 300)}\n${((err as Error)?.stack ?? '').split('\n').slice(1, 5).join('\n')}`;
  const message = (err as Error).message;
  if (err instanceof FormatError && !(Number.isFinite(err.offset) && err.offset >= 0)) return `unlocated ${err.name}: offset ${err.offset}: ${message}`;
  if (!LOCATED.test(message)) return `unlocated ${(err as Error).name}: ${message}`;
  if (RAW_CONTROL.test(message)) return `unescaped ${(err as Error).name}: ${JSON.stringify(message)}`;
  return 'refused';
}

function checkWarning(w: ReadWarning): string | undefined {
  if (!Number.isFinite(w.offset) || w.offset < 0) return `warning without a file offset: ${w.message}`;
  if (RAW_CONTROL.test(w.message)) return `unescaped warning: ${JSON.stringify(w.message)}`;
  return undefined;
}

const isFormatError = (err: unknown) => err instanceof FormatError;

/** A property's run: 'accepted' when `read` returns, else what classify makes of its exception. */
const acceptedUnless =
  (errorClass: abstract new (...args: never[]) => Error, read: (input: Uint8Array) => unknown) =>
  (input: Uint8Array): Outcome => {
    try {
      read(input);
      return 'accepted';
    } catch (err) {
      return classify(err, (x) => x instanceof errorClass);
    }
  };
const read = (path: string) => new Uint8Array(readFileSync(path));
const corpusFileIfAny = (...parts: string[]) => (existsSync(corpusPath(...parts)) ? read(corpusPath(...parts)) : undefined);
const dirs = (path: string) => (existsSync(path) ? readdirSync(path).sort() : []);

/** Every file under `root` whose name matches, up to `limit`. */
function filesUnder(root: string, match: RegExp, limit = 40): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of dirs(dir)) {
      if (out.length >= limit) return;
      const p = join(dir, name);
      if (match.test(name)) out.push(p);
      else if (statSync(p).isDirectory()) walk(p);
    }
  };
  walk(root);
  return out;
}

// ---- seeds ----

function evtxSeeds(): Uint8Array[] {
  const seeds: Uint8Array[] = [];
  for (const name of ['system.evtx', '2-vss_7-System.evtx', 'plaso_System2.evtx']) {
    const path = corpusPath('evtx', name);
    if (!existsSync(path)) continue;
    const bytes = read(path);
    // The header block and one chunk (its second when there is one): a 68 KiB log.
    for (const index of [0, 1]) {
      const at = EVTX_FILE_HEADER_BLOCK_SIZE + index * EVTX_CHUNK_SIZE;
      if (at + EVTX_CHUNK_SIZE > bytes.length) continue;
      const one = new Uint8Array(EVTX_FILE_HEADER_BLOCK_SIZE + EVTX_CHUNK_SIZE);
      one.set(bytes.subarray(0, EVTX_FILE_HEADER_BLOCK_SIZE));
      one.set(bytes.subarray(at, at + EVTX_CHUNK_SIZE), EVTX_FILE_HEADER_BLOCK_SIZE);
      seeds.push(one);
    }
  }
  return seeds;
}

function evtSeeds(): Uint8Array[] {
  const path = corpusPath('evtx', 'plaso_SysEvent.Evt');
  if (!existsSync(path)) return [];
  const bytes = read(path);
  // The first 64 KiB and 16 KiB with the header's first record moved to the first record there
  // (the oldest record of this wrapped log is further on); the chain then runs off the end.
  return [65536, 16384].map((size) => evtStartingAtFirstRecord(bytes, size));
}

/** The first `size` bytes of an EVT log with StartOffset moved to the first record in them. */
function evtStartingAtFirstRecord(bytes: Uint8Array, size: number): Uint8Array {
  {
    const seed = bytes.slice(0, size);
    const view = new DataView(seed.buffer);
    for (let at = 0x30; at + 8 <= size; at += 4) {
      if (view.getUint32(at + 4, true) === 0x654c664c && view.getUint32(at, true) >= 0x38) {
        view.setUint32(16, at, true); // StartOffset
        break;
      }
    }
    return seed;
  }
}

function tableSeeds(): Uint8Array[] {
  const paths = [...filesUnder(join(repoRoot, 'fixtures'), /\.bin$/i, 20), ...filesUnder(corpusPath('mc'), /^MSG.*\.bin$/i, 20)];
  const seeds: Uint8Array[] = paths.map(read).filter((b) => b.length <= 256 * 1024);
  seeds.push(
    writeMessageTable([
      { id: 1, text: 'one\r\n', unicode: true },
      { id: 2, text: 'two %1\r\n', unicode: true },
      { id: 0xc0000005, text: 'ansi\r\n', unicode: false },
    ]),
  );
  return seeds;
}

function resSeeds(): Uint8Array[] {
  const tables = tableSeeds().slice(0, 6);
  return [writeRes([{ languageId: 0x409, data: tables[0]! }]), writeRes(tables.slice(0, 3).map((data, i) => ({ languageId: [0x409, 0x407, 0x40c][i]!, data })))];
}

function peSeeds(): Uint8Array[] {
  const tables = tableSeeds().slice(0, 4);
  const seeds = [
    writeMessageDll([{ languageId: 0x409, data: tables[0]! }], { machine: 'x64' }),
    writeMessageDll(tables.slice(0, 2).map((data, i) => ({ languageId: [0x409, 0x407][i]!, data })), { machine: 'x86' }),
  ];
  return seeds;
}

function crimSeeds(): Uint8Array[] {
  return filesUnder(corpusPath('man'), /TEMP\.BIN$/i, 40).map(read).filter((b) => b.length <= 64 * 1024);
}

function manifestSeeds(): Uint8Array[] {
  return filesUnder(corpusPath('man'), /\.man$/i, 40).map(read).filter((b) => b.length <= 64 * 1024);
}

function packetSeeds(): Uint8Array[] {
  const a = buildPacket({ errorCode: 0xc0040004, uniqueErrorValue: 7, dumpData: [1, 2, 3], strings: ['\\Device\\Harddisk0', 'disk'] }, { arch: 'x64' });
  const b = buildPacket({ errorCode: 0x80040005, dumpData: [], strings: [] }, { arch: 'x86' });
  const c = writeEventLogData(completePacket({ errorCode: 0xc0040004, dumpData: [0xdeadbeef, 5] }));
  return [a, b, c];
}

const text = (b: Uint8Array) => new TextDecoder('utf-8').decode(b);
const bytesOf = (s: string) => new TextEncoder().encode(s);

function xmlSeeds(): Uint8Array[] {
  const packet = toHex(writeEventLogData(completePacket({ errorCode: 0xc0040004, dumpData: [1] }))).toUpperCase();
  const inline = `<?xml version="1.0" encoding="UTF-8"?>
<Events>
<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="disk"/><EventID Qualifiers="49156">4</EventID><EventRecordID>9</EventRecordID></System>
<EventData><Data>\\Device\\Harddisk0\\DR0</Data><Data>a &amp; b</Data><Binary>${packet}</Binary></EventData></Event>
<!-- a comment <Event> -->
<Event><System><EventID>7</EventID></System></Event>
</Events>`;
  const seeds = [bytesOf(inline)];
  const log = corpusPath('evtx', 'system.evtx');
  if (existsSync(log)) {
    try {
      const exported = execFileSync('evtxexport', ['-f', 'xml', log], { maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] }).toString('utf8');
      const cut = exported.indexOf('</Event>', 48 * 1024);
      seeds.push(bytesOf(exported.slice(0, cut < 0 ? exported.length : cut + 8)));
    } catch {
      // evtxexport is not installed: the inline export only.
    }
  }
  return seeds;
}

function hiveSeeds(): Uint8Array[] {
  const hive = RegfHive.create('SYSTEM', 'seed');
  const root = hive.rootOffset;
  const select = hive.createSubkey(root, 'Select');
  hive.setValue(select, 'Current', dwordValue(1));
  let key = hive.createSubkey(root, 'ControlSet001');
  key = hive.createSubkey(key, 'Services');
  key = hive.createSubkey(key, 'EventLog');
  const system = hive.createSubkey(key, 'System');
  hive.setValue(system, 'Sources', multiStringValue(['System', 'disk', 'Tcpip']));
  for (const name of ['disk', 'Tcpip', 'WinmcSample']) {
    const s = hive.createSubkey(system, name);
    hive.setValue(s, 'EventMessageFile', stringValue(RegType.EXPAND_SZ, `%SystemRoot%\\System32\\drivers\\${name}.sys`));
    hive.setValue(s, 'TypesSupported', dwordValue(7));
  }
  hive.setValue(system, 'Big', { type: RegType.BINARY, data: new Uint8Array(20000).map((_, i) => i & 0xff) });
  return [hive.toBytes()];
}

/** The .etl samples small enough to mutate (etl-support.ts), unzipped and removed again once read. */
function etlSeeds(): Uint8Array[] {
  const seeds = mutableSamples().map((s) => s.bytes);
  cleanupUnzipped();
  return seeds;
}

let clrDecoder: ReturnType<typeof manifestDecoder> | null | undefined;
/** ClrEtwAll.man's decoder, so mutated CLR payloads go through the manifest templates too. */
function clrManifestDecoder(): ReturnType<typeof manifestDecoder> | null {
  if (clrDecoder === undefined) {
    const man = corpusFileIfAny('etl', 'ClrEtwAll.man');
    clrDecoder = man ? manifestDecoder(loadManifest(man, 'ClrEtwAll.man')) : null;
  }
  return clrDecoder;
}

/** An ETL warning names the buffer and its file offset (docs/events.md, damage). */
const ETL_WARNING = /^buffer \d+ \(file offset 0x[0-9a-f]+\)/;

async function readEtl(input: Uint8Array): Promise<Outcome> {
  let bad: string | undefined;
  let warned = false;
  const decoder = clrManifestDecoder();
  try {
    const warn = (w: ReadWarning) => {
      warned = true;
      bad ??= checkWarning(w) ?? (ETL_WARNING.test(w.message) ? undefined : `warning without its buffer: ${w.message}`);
    };
    for await (const e of readEtlEvents(memoryByteSource(input), { warn, decoders: decoder ? [decoder] : [] })) {
      JSON.stringify(e.fields ?? null, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    }
  } catch (err) {
    return classify(err, isFormatError);
  }
  return bad ?? (warned ? 'refused' : 'accepted');
}

// ---- properties ----

async function readLog(input: Uint8Array): Promise<Outcome> {
  let bad: string | undefined;
  try {
    for await (const e of readEventRecords(memoryByteSource(input), (w) => (bad ??= checkWarning(w)))) {
      try {
        driverPacketOf(e);
      } catch (err) {
        const o = classify(err, (x) => x instanceof PacketFormatError);
        if (o !== 'refused') return o;
      }
    }
  } catch (err) {
    return classify(err, isFormatError);
  }
  return bad ?? 'accepted';
}

/** The properties, each with its seeds loaded (a property without seeds is left out). */
export function readerProperties(): ReaderProperty[] {
  const all: ReaderProperty[] = [
    { reader: '.evtx', seeds: evtxSeeds(), run: readLog, megabyte: () => corpusFileIfAny('evtx', 'system.evtx') },
    {
      reader: '.evt',
      seeds: evtSeeds(),
      megabyte: () => {
        const log = corpusFileIfAny('evtx', 'plaso_SysEvent.Evt');
        return log && evtStartingAtFirstRecord(log, 1 << 20);
      },
      run: async (input) => {
        const o = await readLog(input);
        if (o !== 'accepted' && o !== 'refused') return o;
        // The first record on its own, as the ring reader hands it over (its refusal is not the file's).
        if (input.length < 24) return o;
        const start = new DataView(input.buffer, input.byteOffset, input.byteLength).getUint32(16, true);
        const size = start + 4 <= input.length ? new DataView(input.buffer, input.byteOffset, input.byteLength).getUint32(start, true) : 0;
        try {
          decodeEvtRecord(input.subarray(start, Math.min(input.length, start + Math.min(size, 0x10000))), start);
        } catch (err) {
          const r = classify(err, isFormatError);
          if (r !== 'refused') return r;
        }
        return o;
      },
    },
    {
      reader: 'packet bytes',
      seeds: packetSeeds(),
      run: (input) => {
        let outcome: Outcome = 'accepted';
        for (const decode of [decodeDriverPacket, decodeEventLogData, decodeEventLogPacket, (b: Uint8Array) => decodeDriverPacket(b, { arch: 'x86', allowUnterminatedLastString: true })]) {
          try {
            decode(input);
          } catch (err) {
            const o = classify(err, (x) => x instanceof PacketFormatError);
            if (o !== 'refused') return o;
            outcome = 'refused';
          }
        }
        return outcome;
      },
    },
    {
      reader: 'packet hex',
      seeds: packetSeeds().map((b) => bytesOf('0x' + toHex(b).replace(/(.{8})/g, '$1 '))),
      run: acceptedUnless(PacketFormatError, (input) => parseHex(text(input))),
    },
    {
      reader: 'packet XML',
      seeds: xmlSeeds(),
      run: acceptedUnless(PacketFormatError, (input) => decodeEventXml(text(input))),
    },
    {
      reader: '.bin',
      seeds: tableSeeds(),
      run: acceptedUnless(MessageTableFormatError, (input) => {
        const { entries } = readMessageTable(input);
        messageTableDifferences(input);
        messageTablesToMc([{ languageId: 0x409, entries, data: input, file: 'fuzz.bin' }]);
      }),
    },
    { reader: '.etl', seeds: etlSeeds(), run: readEtl },
    { reader: '.res', seeds: resSeeds(), run: readTables },
    {
      reader: 'PE',
      seeds: peSeeds(),
      run: (input) => {
        const o = readTables(input);
        if (o !== 'accepted' || !looksLikePe(input)) return o;
        try {
          readPeResources(input);
        } catch (err) {
          return classify(err, isFormatError);
        }
        return o;
      },
    },
    {
      reader: 'CRIM',
      seeds: crimSeeds(),
      run: acceptedUnless(CrimFormatError, readCrim),
    },
    {
      reader: 'manifest XML',
      seeds: manifestSeeds(),
      run: (input) => {
        const { manifest, diagnostics } = parseManifest(input, 'fuzz.man');
        for (const d of diagnostics) {
          if (RAW_CONTROL.test(d.message)) return `unescaped diagnostic: ${JSON.stringify(d.message)}`;
        }
        return manifest ? 'accepted' : 'refused';
      },
    },
    {
      reader: 'regf',
      seeds: hiveSeeds(),
      run: (input) => {
        try {
          const hive = RegfHive.open(input, 'fuzz.hive');
          walkHive(hive);
          new HiveRegistry(hive).valueNames('SYSTEM\\CurrentControlSet\\Services\\EventLog\\System');
          hive.toBytes();
          return 'accepted';
        } catch (err) {
          const o = classify(err, (x) => x instanceof RegistryError);
          if (o === 'refused' && !(err as Error).message.startsWith('fuzz.hive')) return `hive error without the hive's name: ${(err as Error).message}`;
          return o;
        }
      },
    },
  ];
  return all.filter((p) => p.seeds.length > 0);
}

function readTables(input: Uint8Array): Outcome {
  try {
    const file = readTableFile(input);
    for (const t of file.tables) readFoundTable(t);
    return 'accepted';
  } catch (err) {
    return classify(err, isFormatError);
  }
}

/** Every key and value of a hive, breadth first, at most 10,000 keys (a hostile hive may loop). */
function walkHive(hive: RegfHive): void {
  const seen = new Set<number>();
  const queue = [hive.rootOffset];
  while (queue.length > 0 && seen.size < 10_000) {
    const nk = queue.shift()!;
    if (seen.has(nk)) continue;
    seen.add(nk);
    hive.keyName(nk);
    for (const name of hive.valueNames(nk)) hive.getValue(nk, name);
    queue.push(...hive.subkeys(nk));
  }
}
