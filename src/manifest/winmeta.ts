// The predefined `win:` items of the SDK's winmeta.xml that manifests reference without defining:
// levels, opcodes, the `win:None` task, keywords, the global channels, and the in/out types.
// Values and message ids are those Windows ships (docs/manifests.md, "Predefined items").

export interface WinmetaItem {
  name: string;
  value: number;
  /** Message id in the OS's own message tables (wevtapi); 0xFFFFFFFF for reserved names with no message. */
  messageId: number;
  /** Text of that message in en-US (what mc imports when a manifest uses the item). */
  text: string;
  symbol: string;
}

export interface WinmetaKeyword extends Omit<WinmetaItem, 'value'> {
  mask: bigint;
}

export interface WinmetaChannel extends WinmetaItem {
  type: 'Admin' | 'Operational' | 'Analytic' | 'Debug';
  isolation?: string;
}

const NO_MESSAGE = 0xffffffff;

type ItemKind = 'Level' | 'Opcode' | 'Task';

/** `win:<name>`, symbol `WINEVENT_<KIND>_<symbol>`. */
function item(kind: ItemKind, value: number, name: string, messageId: number, text: string, symbol: string): WinmetaItem {
  return { name: `win:${name}`, value, messageId, text, symbol: `WINEVENT_${kind.toUpperCase()}_${symbol}` };
}

/** `win:ReservedLevel6`…: the reserved names of values `first` to `last`, with no message. */
function reserved(kind: ItemKind, first: number, last: number): WinmetaItem[] {
  return Array.from({ length: last - first + 1 }, (_, i) => item(kind, first + i, `Reserved${kind}${first + i}`, NO_MESSAGE, '', `RESERVED_${first + i}`));
}

// The named levels, opcodes and the task: kind, value, name after `win:`, en-US text, symbol after
// `WINEVENT_<KIND>_`. The message id is the kind's base plus the value.
const NAMED: readonly [kind: ItemKind, value: number, name: string, text: string, symbol: string][] = [
  ['Level', 0, 'LogAlways', 'Log Always', 'LOG_ALWAYS'],
  ['Level', 1, 'Critical', 'Critical', 'CRITICAL'],
  ['Level', 2, 'Error', 'Error', 'ERROR'],
  ['Level', 3, 'Warning', 'Warning', 'WARNING'],
  ['Level', 4, 'Informational', 'Information', 'INFO'],
  ['Level', 5, 'Verbose', 'Verbose', 'VERBOSE'],
  ['Opcode', 0, 'Info', 'Info', 'INFO'],
  ['Opcode', 1, 'Start', 'Start', 'START'],
  ['Opcode', 2, 'Stop', 'Stop', 'STOP'],
  ['Opcode', 3, 'DC_Start', 'DCStart', 'DC_START'],
  ['Opcode', 4, 'DC_Stop', 'DCStop', 'DC_STOP'],
  ['Opcode', 5, 'Extension', 'Extension', 'EXTENSION'],
  ['Opcode', 6, 'Reply', 'Reply', 'REPLY'],
  ['Opcode', 7, 'Resume', 'Resume', 'RESUME'],
  ['Opcode', 8, 'Suspend', 'Suspend', 'SUSPEND'],
  ['Opcode', 9, 'Send', 'Send', 'SEND'],
  ['Opcode', 240, 'Receive', 'Receive', 'RECEIVE'],
  ['Task', 0, 'None', 'None', 'NONE'],
];
const MESSAGE_BASE = { Level: 0x50000000, Opcode: 0x30000000, Task: 0x70000000 } as const;

function named(kind: ItemKind): WinmetaItem[] {
  return NAMED.filter((row) => row[0] === kind).map(([, value, name, text, symbol]) => item(kind, value, name, MESSAGE_BASE[kind] + value, text, symbol));
}

export const WIN_LEVELS: readonly WinmetaItem[] = [...named('Level'), ...reserved('Level', 6, 15)];
export const WIN_OPCODES: readonly WinmetaItem[] = [...named('Opcode'), ...reserved('Opcode', 241, 255)];
export const WIN_TASKS: readonly WinmetaItem[] = named('Task');

const kw = (name: string, bit: number, text: string, symbol: string, messageId = 0x10000000 + bit + 1): WinmetaKeyword => ({
  name,
  mask: 1n << BigInt(bit),
  messageId,
  text,
  symbol,
});

export const WIN_KEYWORDS: readonly WinmetaKeyword[] = [
  { name: 'win:AnyKeyword', mask: 0n, messageId: 0x10000000, text: '', symbol: 'WINEVENT_KEYWORD_ANY' },
  kw('win:ResponseTime', 48, 'Response Time', 'WINEVENT_KEYWORD_RESPONSE_TIME'),
  kw('win:WDIContext', 49, 'WDI Context', 'WINEVENT_KEYWORD_WDI_CONTEXT'),
  kw('win:WDIDiag', 50, 'WDI Diag', 'WINEVENT_KEYWORD_WDI_DIAG'),
  kw('win:SQM', 51, 'SQM', 'WINEVENT_KEYWORD_SQM'),
  kw('win:AuditFailure', 52, 'Audit Failure', 'WINEVENT_KEYWORD_AUDIT_FAILURE'),
  kw('win:AuditSuccess', 53, 'Audit Success', 'WINEVENT_KEYWORD_AUDIT_SUCCESS'),
  kw('win:CorrelationHint', 54, 'Correlation Hint', 'WINEVENT_KEYWORD_CORRELATION_HINT'),
  kw('win:EventlogClassic', 55, 'Classic', 'WINEVENT_KEYWORD_EVENTLOG_CLASSIC'),
  ...[56, 57, 58, 59, 60, 61, 62, 63].map((bit) => kw(`win:ReservedKeyword${bit}`, bit, '', `WINEVENT_KEYWORD_RESERVED_${bit}`, NO_MESSAGE)),
];

/** The global channels. Imported by name (`<importChannel name="System"/>`) or `win:`-qualified name. */
export const WIN_CHANNELS: readonly WinmetaChannel[] = [
  { name: 'TraceClassic', value: 0, messageId: 0x90000001, text: 'TraceClassic', symbol: 'WINEVENT_CHANNEL_CLASSIC_TRACE', type: 'Debug' },
  { name: 'System', value: 8, messageId: 0x90000002, text: 'System', symbol: 'WINEVENT_CHANNEL_GLOBAL_SYSTEM', type: 'Admin', isolation: 'System' },
  { name: 'Application', value: 9, messageId: 0x90000003, text: 'Application', symbol: 'WINEVENT_CHANNEL_GLOBAL_APPLICATION', type: 'Admin', isolation: 'Application' },
  { name: 'Security', value: 10, messageId: 0x90000004, text: 'Security', symbol: 'WINEVENT_CHANNEL_GLOBAL_SECURITY', type: 'Admin', isolation: 'Custom' },
  { name: 'TraceLogging', value: 11, messageId: 0x90000005, text: 'TraceLogging', symbol: 'WINEVENT_CHANNEL_TRACELOGGING', type: 'Debug' },
  { name: 'ProviderMetadata', value: 12, messageId: 0x90000006, text: 'ProviderMetadata', symbol: 'WINEVENT_CHANNEL_PROVIDERMETADATA', type: 'Debug' },
];

/** TDH in-types (`win:` names). */
export const IN_TYPES: Readonly<Record<string, number>> = {
  UnicodeString: 1,
  AnsiString: 2,
  Int8: 3,
  UInt8: 4,
  Int16: 5,
  UInt16: 6,
  Int32: 7,
  UInt32: 8,
  Int64: 9,
  UInt64: 10,
  Float: 11,
  Double: 12,
  Boolean: 13,
  Binary: 14,
  GUID: 15,
  Pointer: 16,
  FILETIME: 17,
  SYSTEMTIME: 18,
  SID: 19,
  HexInt32: 20,
  HexInt64: 21,
  CountedUnicodeString: 22,
  CountedAnsiString: 23,
  CountedBinary: 25,
};

/** TDH out-types (`xs:` and `win:` names). */
export const OUT_TYPES: Readonly<Record<string, number>> = {
  'xs:string': 1,
  'xs:dateTime': 2,
  'xs:byte': 3,
  'xs:unsignedByte': 4,
  'xs:short': 5,
  'xs:unsignedShort': 6,
  'xs:int': 7,
  'xs:unsignedInt': 8,
  'xs:long': 9,
  'xs:unsignedLong': 10,
  'xs:float': 11,
  'xs:double': 12,
  'xs:boolean': 13,
  'xs:GUID': 14,
  'xs:hexBinary': 15,
  'win:HexInt8': 16,
  'win:HexInt16': 17,
  'win:HexInt32': 18,
  'win:HexInt64': 19,
  'win:PID': 20,
  'win:TID': 21,
  'win:Port': 22,
  'win:IPv4': 23,
  'win:IPv6': 24,
  'win:SocketAddress': 25,
  'win:CIMDateTime': 26,
  'win:ETWTIME': 27,
  'win:Xml': 28,
  'win:ErrorCode': 29,
  'win:Win32Error': 30,
  'win:NTSTATUS': 31,
  'win:HResult': 32,
  'win:DateTimeCultureInsensitive': 33,
  'win:Json': 34,
  'win:Utf8': 35,
  'win:Pkcs7WithTypeInfo': 36,
  'win:CodePointer': 37,
  'win:DateTimeUtc': 38,
};

/** Which out-types each in-type accepts (the first is its default). From winmeta.xml's inType/outType table. */
export const OUT_TYPES_OF: Readonly<Record<string, readonly string[]>> = {
  UnicodeString: ['xs:string', 'win:Xml', 'win:Json'],
  AnsiString: ['xs:string', 'win:Xml', 'win:Json', 'win:Utf8'],
  Int8: ['xs:byte', 'xs:string'],
  UInt8: ['xs:unsignedByte', 'win:HexInt8', 'xs:string'],
  Int16: ['xs:short'],
  UInt16: ['xs:unsignedShort', 'win:Port', 'win:HexInt16', 'xs:string'],
  Int32: ['xs:int', 'win:HResult'],
  UInt32: ['xs:unsignedInt', 'win:PID', 'win:TID', 'win:IPv4', 'win:ETWTIME', 'win:ErrorCode', 'win:Win32Error', 'win:NTSTATUS', 'win:HexInt32', 'win:HResult', 'xs:string'],
  Int64: ['xs:long'],
  UInt64: ['xs:unsignedLong', 'win:HexInt64', 'xs:string'],
  Float: ['xs:float'],
  Double: ['xs:double'],
  Boolean: ['xs:boolean'],
  Binary: ['xs:hexBinary', 'win:IPv6', 'win:SocketAddress', 'win:Pkcs7WithTypeInfo'],
  GUID: ['xs:GUID'],
  Pointer: ['win:HexInt64', 'win:CodePointer', 'xs:string'],
  FILETIME: ['xs:dateTime', 'win:DateTimeCultureInsensitive', 'win:DateTimeUtc'],
  SYSTEMTIME: ['xs:dateTime', 'win:DateTimeCultureInsensitive', 'win:DateTimeUtc'],
  SID: ['xs:string'],
  HexInt32: ['win:HexInt32', 'win:ErrorCode', 'win:Win32Error', 'win:NTSTATUS', 'win:HResult'],
  HexInt64: ['win:HexInt64'],
  CountedUnicodeString: ['xs:string', 'win:Xml', 'win:Json'],
  CountedAnsiString: ['xs:string', 'win:Xml', 'win:Json', 'win:Utf8'],
  CountedBinary: ['xs:hexBinary', 'win:IPv6', 'win:SocketAddress', 'win:Pkcs7WithTypeInfo'],
};

export function winLevel(name: string): WinmetaItem | undefined {
  return WIN_LEVELS.find((l) => l.name === name);
}
export function winOpcode(name: string): WinmetaItem | undefined {
  return WIN_OPCODES.find((l) => l.name === name);
}
export function winTask(name: string): WinmetaItem | undefined {
  return WIN_TASKS.find((l) => l.name === name);
}
export function winKeyword(name: string): WinmetaKeyword | undefined {
  return WIN_KEYWORDS.find((l) => l.name === name);
}
export function winChannel(name: string): WinmetaChannel | undefined {
  const bare = name.startsWith('win:') ? name.slice(4) : name;
  return WIN_CHANNELS.find((c) => c.name === bare);
}
