// winmc packet build|decode|limits: IO_ERROR_LOG_PACKETs from the command line.
//
//   build   fields by name, --dump words, --string repeated → hex (default), --json, or -o FILE;
//           refused when the entry is over ERROR_LOG_MAXIMUM_SIZE (every architecture unless --arch).
//   decode  FILE | --hex HEX | --xml FILE → the fields, and the message as Event Viewer shows it.
//   limits  the size limits per architecture; --size N checks one EntrySize; --dump-words and
//           --string report what still fits.

import { escapeText } from '../binary/codec.js';
import { readFile } from 'node:fs/promises';
import { writeFilesAtomically } from '../io/atomic-write.js';
import {
  PacketFormatError,
  type DecodedEvent,
  decodeDriverPacket,
  decodeEventLogPacket,
  decodeEventXml,
  isEventLogPacket,
  parseHex,
  toHex,
} from '../packet/decode.js';
import { FormatMessageError } from '../packet/format-message.js';
import { hex32 } from '../hex.js';
import { describeErrorCode, ioLogCodeByName, ntstatusParts } from '../packet/ntiologc.js';
import {
  ARCHES,
  type Arch,
  type IoErrorLogPacket,
  packetToJson,
  type PacketFields,
  PacketFieldError,
  PacketSizeError,
  type StringOffsetConvention,
  archLimits,
  buildPacket,
  completePacket,
  entrySizeOf,
  fitReport,
  fitsEntrySize,
  isArch,
  majorFunctionName,
} from '../packet/packet.js';
import { findEventMessage, renderEventMessage } from '../packet/render.js';
import { loadMessageTables, type MessageTableSet } from '../rc-gen/message-source.js';
import { CliError, nearest, parseCommandLine, printError, usageText, type CommandSpec, type OptionDef, type ParsedArgs } from './kit.js';

const CODE = {
  usage: 'MC4001',
  read: 'MC4002',
  format: 'MC4003',
  messages: 'MC4004',
  size: 'MC4005',
  field: 'MC4006',
} as const;

const field = (name: string, help: string, value = 'N'): OptionDef => ({ names: [`--${name}`], kind: 'value', value, group: 'fields', help });
const flag = (name: string, help: string, group = 'output'): OptionDef => ({ names: [`--${name}`], kind: 'flag', group, help });

const VERB_SPEC = (verb: string, synopsis: string, options: OptionDef[]): CommandSpec => ({
  name: `packet ${verb}`,
  synopsis: [synopsis],
  style: 'gnu',
  word: 'option',
  repeated: 'error',
  usageCode: CODE.usage,
  groups: [
    { id: 'fields', title: 'Fields' },
    { id: 'input', title: 'Input' },
    { id: 'output', title: 'Output' },
  ],
  options,
});

export const PACKET_SPECS: Record<'build' | 'decode' | 'limits', CommandSpec> = {
  build: VERB_SPEC('build', 'winmc packet build [fields] [--dump W]... [--string S]... [--arch A] [--json | --hex | -o FILE]', [
    field('major', 'MajorFunctionCode'),
    field('retry', 'RetryCount'),
    field('category', 'EventCategory'),
    field('error-code', 'ErrorCode, a number or an IO_ERR_ name', 'N|NAME'),
    field('unique', 'UniqueErrorValue'),
    field('final-status', 'FinalStatus'),
    field('sequence', 'SequenceNumber'),
    field('ioctl', 'IoControlCode'),
    field('device-offset', 'DeviceOffset (64-bit, may be negative)'),
    { names: ['--dump'], kind: 'list', value: 'W', group: 'fields', help: 'one DumpData ULONG; repeatable, or comma-separated' },
    { names: ['--string'], kind: 'list', value: 'S', group: 'fields', help: 'one insertion string (becomes %2, %3, ... in the message); repeatable' },
    field('string-offset', "'struct' (48 + DumpDataSize, the default), 'header' (40 + DumpDataSize) or N", 'X'),
    field('arch', 'x86, x64 or arm64; without it the packet must fit all three', 'A'),
    flag('json', 'JSON output'),
    flag('hex', 'hex output (the default)'),
    { names: ['-o'], kind: 'value', value: 'FILE', group: 'output', help: 'write the packet bytes to FILE' },
  ]),
  decode: VERB_SPEC('decode', 'winmc packet decode [FILE | --hex HEX | --xml FILE] [--messages FILE]... [--json]', [
    { names: ['--hex'], kind: 'value', value: 'HEX', group: 'input', help: 'the packet or event data as hex text' },
    { names: ['--xml'], kind: 'value', value: 'FILE', group: 'input', help: 'an event XML export; every driver event in it is decoded' },
    { names: ['--form'], kind: 'value', value: 'event|driver', group: 'input', help: 'force the shape of FILE/--hex instead of detecting it' },
    { names: ['--device'], kind: 'value', value: 'NAME', group: 'input', help: '%1 for a driver packet (the device object name; default empty)' },
    { names: ['--string'], kind: 'list', value: 'S', group: 'input', help: "the event's strings for event data, in record order (%1 first); repeatable" },
    { names: ['--messages'], kind: 'list', value: 'FILE', group: 'input', help: 'message table (.mc or MSGnnnnn.bin); repeatable' },
    { names: ['--language'], kind: 'value', value: 'LANGID', group: 'input', help: 'prefer this language of the message tables (e.g. 0x409)' },
    flag('json', 'JSON instead of text'),
  ]),
  limits: VERB_SPEC('limits', 'winmc packet limits [--arch A] [--size N] [--dump-words N] [--string S]...', [
    field('arch', 'x86, x64 or arm64 (default: all three)', 'A'),
    field('size', 'check one EntrySize'),
    field('dump-words', 'DumpData words to fit'),
    field('string-offset', "'struct', 'header' or N", 'X'),
    { names: ['--string'], kind: 'list', value: 'S', group: 'fields', help: 'a string to fit; repeatable' },
    flag('json', 'JSON output'),
  ]),
};

const USAGE = [
  ...Object.values(PACKET_SPECS).map((spec, i) => `${i === 0 ? 'Usage: ' : '       '}${spec.synopsis[0]}`),
  '',
  'build: the packet from its fields, as hex (default), JSON or a file; refused when the entry is over',
  'ERROR_LOG_MAXIMUM_SIZE (on every architecture unless --arch). decode: FILE (a driver packet or event',
  'data), --hex or --xml, with the message as Event Viewer shows it. limits: the size limits per architecture.',
  ...Object.entries(PACKET_SPECS).map(([verb, spec]) =>
    usageText({ ...spec, synopsis: [], groups: spec.groups.map((g) => ({ ...g, title: `${verb}: ${g.title.toLowerCase()}` })) }).trimEnd(),
  ),
].join('\n') + '\n';

/** Parses a verb's options; throws the first command-line error. */
function parse(argv: readonly string[], verb: keyof typeof PACKET_SPECS): ParsedArgs {
  const args = parseCommandLine(PACKET_SPECS[verb], argv);
  args.throwFirst();
  return args;
}

function single(args: ParsedArgs, name: string): string | undefined {
  return args.value(name);
}

function list(args: ParsedArgs, name: string): string[] {
  return args.list(name);
}

function number(text: string, option: string, max: number): number {
  const t = text.trim();
  const value = /^0x[0-9a-f]+$/i.test(t) ? parseInt(t, 16) : /^[0-9]+$/.test(t) ? parseInt(t, 10) : NaN;
  if (!Number.isSafeInteger(value) || value > max) {
    throw new CliError(CODE.field, `--${option}: '${text}' is not a number from 0 to 0x${max.toString(16)}`, 1);
  }
  return value;
}

function signed64(text: string, option: string): bigint {
  const m = /^(-?)(0x[0-9a-f]+|[0-9]+)$/i.exec(text.trim());
  if (!m) throw new CliError(CODE.field, `--${option}: '${text}' is not an integer`, 1);
  const v = BigInt(m[2]!);
  return m[1] ? -v : v;
}

function archOption(args: ParsedArgs): Arch | undefined {
  const a = single(args, 'arch');
  if (a === undefined) return undefined;
  if (!isArch(a)) throw new CliError(CODE.usage, `--arch: '${a}' is not one of ${ARCHES.join(', ')}`, 2);
  return a;
}

function stringOffsetOption(args: ParsedArgs): { convention: StringOffsetConvention; explicit?: number } {
  const v = single(args, 'string-offset');
  if (v === undefined || v === 'struct') return { convention: 'struct' };
  if (v === 'header') return { convention: 'header' };
  return { convention: 'struct', explicit: number(v, 'string-offset', 0xffff) };
}

// ---------------------------------------------------------------------------------------------
// build

const BUILD_FIELDS: { option: string; field: keyof PacketFields; max: number }[] = [
  { option: 'major', field: 'majorFunctionCode', max: 0xff },
  { option: 'retry', field: 'retryCount', max: 0xff },
  { option: 'category', field: 'eventCategory', max: 0xffff },
  { option: 'unique', field: 'uniqueErrorValue', max: 0xffffffff },
  { option: 'final-status', field: 'finalStatus', max: 0xffffffff },
  { option: 'sequence', field: 'sequenceNumber', max: 0xffffffff },
  { option: 'ioctl', field: 'ioControlCode', max: 0xffffffff },
];

async function build(argv: readonly string[]): Promise<number> {
  const args = parse(argv, 'build');
  if (args.help) return help();
  if (args.positional.length > 0) throw new CliError(CODE.usage, `unexpected argument '${args.positional[0]}'`, 2);
  const outputs = [args.flag('json'), args.flag('hex'), single(args, 'o') !== undefined].filter(Boolean).length;
  if (outputs > 1) throw new CliError(CODE.usage, 'choose one of --json, --hex and -o FILE', 2);

  const fields: PacketFields = {};
  const mutable = fields as Record<string, unknown>;
  for (const f of BUILD_FIELDS) {
    const v = single(args, f.option);
    if (v !== undefined) mutable[f.field] = number(v, f.option, f.max);
  }
  const code = single(args, 'error-code');
  if (code !== undefined) {
    const named = ioLogCodeByName(code);
    fields.errorCode = named ? named.value : number(code, 'error-code', 0xffffffff);
  }
  const offset = single(args, 'device-offset');
  if (offset !== undefined) fields.deviceOffset = signed64(offset, 'device-offset');
  fields.dumpData = list(args, 'dump')
    .flatMap((d) => d.split(','))
    .filter((d) => d.trim() !== '')
    .map((d) => number(d, 'dump', 0xffffffff));
  fields.strings = list(args, 'string');
  const { convention, explicit } = stringOffsetOption(args);
  if (explicit !== undefined) fields.stringOffset = explicit;

  const given = archOption(args);
  // Without --arch the packet has to fit everywhere; x86 has the smallest limit.
  const arch: Arch = given ?? 'x86';
  const bytes = buildPacket(fields, { arch, stringOffset: convention });
  const packet = completePacket(fields, convention);
  const limit = archLimits(arch).errorLogMaximumSize;

  const outPath = single(args, 'o');
  if (outPath !== undefined) {
    writeFilesAtomically([{ path: outPath, bytes }]);
    return 0;
  }
  if (args.flag('json')) {
    const fits = Object.fromEntries(ARCHES.map((a) => [a, entrySizeOf(packet) <= archLimits(a).errorLogMaximumSize]));
    process.stdout.write(JSON.stringify({ arch: given ?? 'all', entrySize: bytes.length, errorLogMaximumSize: limit, fits, packet: packetJson(packet), hex: toHex(bytes) }, null, 2) + '\n');
    return 0;
  }
  process.stdout.write(toHex(bytes) + '\n');
  return 0;
}

// ---------------------------------------------------------------------------------------------
// decode

interface DecodedItem {
  form: 'event' | 'driver';
  source: string;
  packet: IoErrorLogPacket;
  /** FormatMessage inserts: %1 = device name, then the driver's strings. */
  inserts: string[];
  provider?: string;
  recordId?: number;
}

async function decode(argv: readonly string[]): Promise<number> {
  const args = parse(argv, 'decode');
  if (args.help) return help();
  const files = args.positional;
  const hex = single(args, 'hex');
  const xml = single(args, 'xml');
  const inputs = files.length + (hex !== undefined ? 1 : 0) + (xml !== undefined ? 1 : 0);
  if (inputs !== 1) throw new CliError(CODE.usage, inputs === 0 ? 'nothing to decode: give FILE, --hex HEX or --xml FILE' : 'give exactly one of FILE, --hex HEX and --xml FILE', 2);
  const form = single(args, 'form');
  if (form !== undefined && form !== 'event' && form !== 'driver') throw new CliError(CODE.usage, `--form: '${form}' is not 'event' or 'driver'`, 2);
  const language = single(args, 'language');
  const languageId = language === undefined ? undefined : number(language, 'language', 0xffff);

  const tables: MessageTableSet[] = [];
  for (const path of list(args, 'messages')) {
    try {
      tables.push(...(await loadMessageTables(path)));
    } catch (err) {
      throw new CliError(CODE.messages, `${path}: ${(err as Error).message}`, 1);
    }
  }

  let items: DecodedItem[];
  if (xml !== undefined) {
    const text = await readInput(xml, 'utf8');
    let events: DecodedEvent[];
    try {
      events = decodeEventXml(text);
    } catch (err) {
      if (err instanceof PacketFormatError) throw new CliError(CODE.format, `${xml}: ${err.message}`, 1);
      throw err;
    }
    if (events.length === 0) throw new CliError(CODE.format, `${xml}: no event with an I/O error packet in its <Binary> data`, 1);
    items = events.map((e) => ({
      form: 'event',
      source: `${xml}(${e.record.line})`,
      packet: e.packet,
      inserts: e.record.strings,
      provider: e.record.provider,
      recordId: e.record.recordId,
    }));
  } else {
    const source = hex !== undefined ? '--hex' : files[0]!;
    const bytes = hex !== undefined ? parseHexOption(hex) : await readInput(files[0]!);
    const asEvent = form === 'event' || (form === undefined && isEventLogPacket(bytes));
    try {
      if (asEvent) {
        items = [{ form: 'event', source, packet: decodeEventLogPacket(bytes), inserts: list(args, 'string') }];
      } else {
        const packet = decodeDriverPacket(bytes);
        items = [{ form: 'driver', source, packet, inserts: [single(args, 'device') ?? '', ...packet.strings] }];
      }
    } catch (err) {
      if (err instanceof PacketFormatError) throw new CliError(CODE.format, `${source}: ${err.message}`, 1);
      throw err;
    }
  }

  const rendered = items.map((item) => ({ item, message: message(tables, item, languageId) }));
  if (args.flag('json')) {
    const json = rendered.map(({ item, message }) => ({
      source: item.source,
      form: item.form,
      ...(item.provider !== undefined ? { provider: item.provider } : {}),
      ...(item.recordId !== undefined ? { recordId: item.recordId } : {}),
      packet: packetJson(item.packet),
      inserts: item.inserts,
      message: message.text ?? null,
      messageSource: message.source ?? null,
      ...(message.error ? { messageError: message.error } : {}),
    }));
    process.stdout.write(JSON.stringify(xml !== undefined ? json : json[0], null, 2) + '\n');
    return 0;
  }
  const blocks = rendered.map(({ item, message }) => describe(item, message));
  process.stdout.write(blocks.join('\n'));
  return 0;
}

function parseHexOption(hex: string): Uint8Array {
  try {
    return parseHex(hex);
  } catch (err) {
    if (err instanceof PacketFormatError) throw new CliError(CODE.format, `--hex: ${err.message}`, 1);
    throw err;
  }
}

async function readInput(path: string): Promise<Uint8Array>;
async function readInput(path: string, encoding: 'utf8'): Promise<string>;
async function readInput(path: string, encoding?: 'utf8'): Promise<Uint8Array | string> {
  try {
    return encoding ? await readFile(path, encoding) : new Uint8Array(await readFile(path));
  } catch (err) {
    throw new CliError(CODE.read, `${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 1);
  }
}

interface RenderedMessage {
  text?: string;
  source?: 'table' | 'iologmsg';
  error?: string;
}

function message(tables: readonly MessageTableSet[], item: DecodedItem, languageId: number | undefined): RenderedMessage {
  const found = findEventMessage(tables, item.packet.errorCode, languageId);
  if (!found) return {};
  try {
    return { text: renderEventMessage(found.text, item.inserts), source: found.source };
  } catch (err) {
    if (err instanceof FormatMessageError) return { source: found.source, error: err.message };
    throw err;
  }
}

/** `winmc packet` JSON: the shared field set, with the ErrorCode's name and the strings. */
function packetJson(p: IoErrorLogPacket): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(packetToJson(p))) {
    out[key] = value;
    if (key === 'errorCode') out.errorCodeName = describeErrorCode(p.errorCode);
  }
  out.strings = p.strings;
  return out;
}

/** A string between quotes with line breaks and other control characters made visible. */
function quote(s: string): string {
  return `"${escapeText(s)}"`;
}

function describe(item: DecodedItem, msg: RenderedMessage): string {
  const p = item.packet;
  const status = ntstatusParts(p.errorCode);
  const row = (name: string, value: string) => `  ${(name ? name + ':' : '').padEnd(19)} ${value}\n`;
  let out = `${item.source}: ${item.form === 'event' ? 'event data (40 + DumpDataSize bytes; strings are the event\'s)' : 'driver packet'}`;
  if (item.provider !== undefined) out += `, provider ${item.provider}`;
  if (item.recordId !== undefined) out += `, record ${item.recordId}`;
  out += '\n';
  const mj = majorFunctionName(p.majorFunctionCode);
  out += row('MajorFunctionCode', `0x${p.majorFunctionCode.toString(16).toUpperCase().padStart(2, '0')}${mj ? ` (${mj})` : ''}`);
  out += row('RetryCount', String(p.retryCount));
  out += row('DumpDataSize', String(p.dumpDataSize));
  out += row('NumberOfStrings', String(p.numberOfStrings));
  out += row('StringOffset', String(p.stringOffset));
  out += row('EventCategory', String(p.eventCategory));
  out += row('ErrorCode', `${describeErrorCode(p.errorCode)}, ${status.severityName}, facility ${status.facility}, code ${status.code}`);
  out += row('UniqueErrorValue', hex32(p.uniqueErrorValue));
  out += row('FinalStatus', hex32(p.finalStatus));
  out += row('SequenceNumber', String(p.sequenceNumber));
  out += row('IoControlCode', hex32(p.ioControlCode));
  out += row('DeviceOffset', p.deviceOffset.toString());
  out += row('DumpData', p.dumpData.length === 0 ? '(none)' : p.dumpData.map((w) => w.toString(16).toUpperCase().padStart(8, '0')).join(' '));
  item.inserts.forEach((s, i) => {
    out += row(i === 0 ? 'Inserts' : '', `%${i + 1} = ${quote(s)}${i === 0 ? ' (device name)' : ''}`);
  });
  if (msg.text !== undefined) {
    out += row('Message', msg.text.replace(/\r\n/g, '\n' + ' '.repeat(22)));
    if (msg.source === 'iologmsg') out += row('', '(standard IoLogMsg text built into winmc)');
  } else if (msg.error !== undefined) {
    out += row('Message', `(cannot be formatted: ${msg.error})`);
  } else {
    out += row('Message', `(no message ${hex32(p.errorCode)} in the given tables)`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// limits

async function limits(argv: readonly string[]): Promise<number> {
  const args = parse(argv, 'limits');
  if (args.help) return help();
  if (args.positional.length > 0) throw new CliError(CODE.usage, `unexpected argument '${args.positional[0]}'`, 2);
  const given = archOption(args);
  const arches = given ? [given] : [...ARCHES];
  const size = single(args, 'size');
  if (size !== undefined) {
    const entrySize = number(size, 'size', 0xffff);
    const results = arches.map((arch) => ({ arch, limit: archLimits(arch).errorLogMaximumSize, fits: fitsEntrySize(entrySize, arch) }));
    if (args.flag('json')) process.stdout.write(JSON.stringify({ entrySize, results }, null, 2) + '\n');
    else for (const r of results) process.stdout.write(`${r.arch}: ${entrySize} bytes ${r.fits ? 'fits' : 'refused'} (ERROR_LOG_MAXIMUM_SIZE ${r.limit})\n`);
    return results.every((r) => r.fits) ? 0 : 1;
  }

  const dumpWordsText = single(args, 'dump-words');
  const strings = list(args, 'string');
  if (dumpWordsText !== undefined || strings.length > 0) {
    const dumpWords = dumpWordsText === undefined ? 0 : number(dumpWordsText, 'dump-words', 0x3fff);
    const { convention } = stringOffsetOption(args);
    const reports = arches.map((arch) => fitReport({ dumpData: new Array<number>(dumpWords).fill(0), strings }, { arch, stringOffset: convention }));
    if (args.flag('json')) {
      process.stdout.write(JSON.stringify(reports, null, 2) + '\n');
    } else {
      for (const r of reports) {
        process.stdout.write(
          `${r.arch}: entry ${r.entrySize} of ${r.errorLogMaximumSize} bytes, ${r.fits ? `${r.spare} spare` : `${-r.spare} over`}; ` +
            `with these strings at most ${r.maxDumpWords} DumpData words; ` +
            (r.maxExtraStringChars >= 0 ? `one more string of up to ${r.maxExtraStringChars} characters` : 'no room for another string') +
            (r.maxLastStringChars !== undefined ? `; the last string may have up to ${Math.max(r.maxLastStringChars, 0)} characters` : '') +
            '\n',
        );
      }
    }
    return reports.every((r) => r.fits) ? 0 : 1;
  }

  const all = arches.map(archLimits);
  if (args.flag('json')) {
    process.stdout.write(JSON.stringify(all, null, 2) + '\n');
    return 0;
  }
  process.stdout.write('arch   PORT_MAXIMUM_MESSAGE_LENGTH  IO_ERROR_LOG_MESSAGE_LENGTH  ERROR_LOG_MAXIMUM_SIZE  after sizeof(packet)=48  after header=40\n');
  for (const l of all) {
    process.stdout.write(
      `${l.arch.padEnd(6)} ${String(l.portMaximumMessageLength).padStart(27)}  ${String(l.ioErrorLogMessageLength).padStart(27)}  ${String(l.errorLogMaximumSize).padStart(22)}  ${String(l.roomAfterStruct).padStart(23)}  ${String(l.roomAfterHeader).padStart(15)}\n`,
    );
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------

function help(): number {
  process.stdout.write(USAGE);
  return 0;
}

function suggestVerb(verb: string): string {
  const guess = nearest(verb, Object.keys(PACKET_SPECS));
  return guess ? `; did you mean ${guess}?` : '';
}

export async function run(argv: string[], _command: string): Promise<number> {
  const [verb, ...rest] = argv;
  try {
    switch (verb) {
      case 'build':
        return await build(rest);
      case 'decode':
        return await decode(rest);
      case 'limits':
        return await limits(rest);
      case undefined:
        // Nothing asked: the usage, as an error.
        process.stderr.write(USAGE);
        return 2;
      case '--help':
      case 'help':
        process.stdout.write(USAGE);
        return 0;
      default:
        throw new CliError(CODE.usage, `unknown packet command '${verb}'${suggestVerb(verb)} (expected build, decode or limits)`, 2);
    }
  } catch (err) {
    if (err instanceof CliError) {
      printError(err);
      return err.exitCode;
    }
    if (err instanceof PacketSizeError) {
      process.stderr.write(`winmc : error ${CODE.size}: ${err.message}\n`);
      return 1;
    }
    if (err instanceof PacketFieldError) {
      process.stderr.write(`winmc : error ${CODE.field}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
