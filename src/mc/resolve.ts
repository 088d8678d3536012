// Resolution: walks the statements in source order, keeping mc.exe's per-file state (name
// tables, current severity/facility, per-facility id counters, typedef, radix), and produces the
// model the writers print. Comments are merged back in by offset so the header keeps mc.exe's
// streaming order (MC-SPEC.md §5.1).

import type { IToken } from 'chevrotain';
import { diagnostic, type Diagnostic, type DiagnosticKind } from './diagnostics.js';
import { inFlavorOrder, type Flavor } from './flavors.js';
import type { HeaderItem, HeaderMessage, LanguageOutput, McModel, MessageText, NameDefine } from './model.js';
import type { LanguageBlock, MessageStatement, NamesStatement, NumberToken, Statement } from './statements.js';
import { FACILITY_BUILTINS, LANGUAGE_BUILTINS, NameTable, SEVERITY_BUILTINS, type LanguageEntry, type SeverityOrFacility } from './tables.js';
import { entrySize, MAX_ENTRY_SIZE } from '../rc-gen/message-table.js';
import { hex32 } from '../hex.js';

export interface ResolveOptions {
  flavor: Flavor;
  baseName: string;
  binPrefix: boolean;
  customerBit: boolean;
  decimal: boolean;
  hresultBanner: boolean;
  noTrailingNewline: boolean;
  maxMessageLength?: number;
  ansiBins: boolean;
  ansiCodepage: number;
  maxErrors: number;
  maxMessages: number;
}

const C_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Splits a text token at the `.` line that ends it: the body before it, and whether the `.` has
 * a line end (CR LF or LF) after it. Undefined when the token does not end in such a line.
 */
function splitTerminator(raw: string): { body: string; lineEnd: boolean } | undefined {
  let end = raw.length;
  let lineEnd = false;
  if (raw.endsWith('\n')) {
    end -= raw.endsWith('\r\n') ? 2 : 1;
    lineEnd = true;
  } else if (raw.endsWith('\r')) {
    end -= 1;
  }
  const dot = end - 1;
  if (dot < 0 || raw.charCodeAt(dot) !== 46 /* . */ || (dot > 0 && raw.charCodeAt(dot - 1) !== 10)) return undefined;
  return { body: raw.slice(0, dot), lineEnd };
}

/** Whether some LF in the text has no CR before it. */
function hasLoneLf(text: string): boolean {
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) if (i === 0 || text.charCodeAt(i - 1) !== 13) return true;
  return false;
}
const FILE_NAME_FORBIDDEN = /[\\/:*?"<>|\x00-\x1f]/;

export function parseNumber(image: string): number | undefined {
  let n: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(image)) n = parseInt(image.slice(2), 16);
  else if (/^0[0-7]*$/.test(image)) n = parseInt(image, 8);
  else if (/^[1-9][0-9]*$/.test(image)) n = parseInt(image, 10);
  else return undefined;
  return n <= 0xffffffff ? n : undefined;
}

function hex(n: number): string {
  return n.toString(16).toUpperCase();
}

// The model stays in memory until every output is written, so its strings are built flat (join)
// rather than as chains of concatenations, and its arrays at their final size: a pushed-to array
// keeps room for 16 more elements. Together that was a third of a 100k-message model's heap.

function padDefine(name: string, value: string): string {
  return ['#define ', name.padEnd(32), ' ', value].join('');
}

/** A message's text in a language (names are unique in the table; a message has a few texts at most). */
function textFor(texts: readonly MessageText[], language: LanguageEntry): MessageText | undefined {
  for (const t of texts) if (t.language === language.name) return t;
  return undefined;
}

/** The header shows the text split at CR LF, without the empty piece after the last line end. */
function headerLines(text: string): string[] {
  const lines = text.split('\r\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export interface Resolver {
  /** Takes the next statement in source order. */
  add(statement: Statement): void;
  /** After the last statement: the model and the resolver's diagnostics. */
  finish(): { model: McModel; diagnostics: Diagnostic[] };
}

/**
 * A resolver fed one statement at a time. `comments` may still be growing while statements are
 * added (the scanner fills it as it goes): only comments before the statement being resolved are read.
 */
export function createResolver(comments: readonly IToken[], source: string, o: ResolveOptions): Resolver {
  const diagnostics: Diagnostic[] = [];
  const severities = new NameTable<SeverityOrFacility>(SEVERITY_BUILTINS);
  const facilities = new NameTable<SeverityOrFacility>(FACILITY_BUILTINS);
  const languages = new NameTable<LanguageEntry>(LANGUAGE_BUILTINS);
  const items: HeaderItem[] = [];
  const messages: HeaderMessage[] = [];
  const lastCode = new Map<number, number>();
  const valueLines = new Map<number, number>();
  let typedef: { name: string; macro: boolean } | undefined;
  let radix = o.decimal ? 10 : 16;
  let severity = severities.lookup('Success')!;
  let facility = facilities.lookup('Application')!;
  let bannerWritten = false;
  let nextComment = 0;

  const report = (kind: DiagnosticKind, message: string, at: { line: number; column?: number }) => {
    if (diagnostics.length < o.maxErrors) diagnostics.push(diagnostic(kind, message, at));
  };

  const flushCommentsBefore = (offset: number) => {
    while (nextComment < comments.length && comments[nextComment]!.startOffset < offset) {
      const c = comments[nextComment++]!;
      const end = c.startOffset + c.image.length;
      let text = c.image.slice(1);
      const lineEnd = end < source.length;
      // The CR of a CR LF pair belongs to the line end, not to the comment.
      if (lineEnd && text.endsWith('\r')) text = text.slice(0, -1);
      items.push({ comment: { text, lineEnd } });
    }
  };

  const number = (tok: NumberToken, what: string): number | undefined => {
    const n = parseNumber(tok.image);
    if (n === undefined) report('badNumber', `${what}: '${tok.image}' is not a valid number (decimal, 0x hex or 0 octal, at most 32 bits)`, tok);
    return n;
  };

  const nameDefines = (table: NameTable<SeverityOrFacility>): NameDefine[] =>
    inFlavorOrder(o.flavor, table.entries)
      .filter((e) => e.alias !== undefined)
      .map((e) => {
        const valueText = radix === 10 ? String(e.value) : `0x${hex(e.value)}`;
        return { name: e.name, alias: e.alias!, value: e.value, valueText, define: padDefine(e.alias!, valueText) };
      });

  const defineNames = (s: NamesStatement) => {
    for (const entry of s.entries) {
      const value = number(entry.value, `${s.table} '${entry.name}'`);
      if (value === undefined) continue;
      const extra = entry.extra?.name;
      if (s.table === 'language') {
        if (value > 0xffff) {
          report('languageIdRange', `language '${entry.name}': id 0x${hex(value)} is above 0xFFFF`, entry.value);
          continue;
        }
        if (extra === undefined) {
          report('expectedColon', `language '${entry.name}': expected ':' and a .bin file name after the language id`, entry.value);
          continue;
        }
        if (FILE_NAME_FORBIDDEN.test(extra) || extra === '.' || extra === '..') {
          report('badFileName', `language '${entry.name}': file name '${extra}' must not contain a path, '..' or reserved characters`, entry.extra!);
          continue;
        }
        languages.define({ name: entry.name, id: value, file: extra });
        continue;
      }
      const max = s.table === 'severity' ? 3 : 0xfff;
      if (value > max) {
        report(s.table === 'severity' ? 'severityRange' : 'facilityRange', `${s.table} '${entry.name}' = 0x${hex(value)} is above 0x${hex(max)}`, entry.value);
        continue;
      }
      if (extra !== undefined && !C_IDENTIFIER.test(extra)) {
        report('expectedName', `${s.table} '${entry.name}': alias '${extra}' is not a C identifier`, entry.extra!);
        continue;
      }
      (s.table === 'severity' ? severities : facilities).define({ name: entry.name, value, alias: extra });
    }
  };

  const setRadix = (tok: NumberToken) => {
    const n = number(tok, 'OutputBase');
    if (n === undefined) return;
    if (n !== 10 && n !== 16) report('outputBase', `OutputBase must be 10 or 16, found ${tok.image}`, tok);
    else radix = n;
  };

  const storedText = (block: LanguageBlock, symbolicName: string | undefined): string | undefined => {
    const raw = block.text;
    // The lexer ends a text token just after its terminator line ('.' and its line end), or at
    // the end of the input when there is none.
    const terminator = splitTerminator(raw);
    if (!terminator) {
      report('unterminatedText', `message text for language '${block.name.name}' is not terminated: the file ends before a line holding only '.'`, block);
      return undefined;
    }
    const body = terminator.body;
    if (!terminator.lineEnd) {
      const line = block.textLine + (body.match(/\n/g)?.length ?? 0);
      report('finalPeriodNoLineEnd', `the '.' that ends the message text must be followed by a line end`, { line });
    }
    // Every text line is stored with CR LF, whatever the source used (a CR right before the LF
    // belongs to the line end); a CR LF source is stored as it stands.
    let text = hasLoneLf(body) ? body.replace(/\r?\n/g, '\r\n') : body;
    // An empty text block takes the symbolic name as its text (MC-SPEC.md §4.1).
    if (body.length === 0 && symbolicName !== undefined) text = symbolicName + '\r\n';
    if (o.noTrailingNewline && text.endsWith('\r\n')) text = text.slice(0, -2);
    return text;
  };

  const message = (m: MessageStatement) => {
    flushCommentsBefore(m.offset);
    if (!bannerWritten) {
      items.push({ banner: { facilities: nameDefines(facilities), severities: nameDefines(severities), hresult: o.hresultBanner } });
      bannerWritten = true;
    }
    let symbolicName: string | undefined;
    let header: HeaderMessage | undefined;
    let emitted = false;
    const texts: MessageText[] = [];
    for (const item of m.items) {
      switch (item.kind) {
        case 'severity': {
          const e = severities.lookup(item.name.name);
          if (e) severity = e;
          else report('undefinedSeverity', `severity '${item.name.name}' is not defined (known: ${severities.entries.map((x) => x.name).join(', ')})`, item.name);
          break;
        }
        case 'facility': {
          const e = facilities.lookup(item.name.name);
          if (e) facility = e;
          else report('undefinedFacility', `facility '${item.name.name}' is not defined (known: ${facilities.entries.map((x) => x.name).join(', ')})`, item.name);
          break;
        }
        case 'symbolicName':
          if (C_IDENTIFIER.test(item.name.name)) symbolicName = item.name.name;
          else report('expectedName', `symbolic name '${item.name.name}' is not a C identifier`, item.name);
          break;
        case 'outputBase':
          setRadix(item.value);
          break;
        case 'language': {
          header ??= startMessage(m, symbolicName);
          if (!header) return;
          const lang = languages.lookup(item.name.name);
          const text = storedText(item, symbolicName);
          if (!lang) {
            report('undefinedLanguage', `language '${item.name.name}' is not defined (known: ${languages.entries.map((x) => x.name).join(', ')})`, item.name);
          } else if (textFor(texts, lang)) {
            const first = m.items.find((i) => i.kind === 'language' && languages.lookup(i.name.name) === lang)!;
            report('duplicateLanguage', `language '${lang.name}' appears twice in message ${header.symbolicName ?? header.valueHex} (first at line ${first.line})`, item);
          } else if (text !== undefined) {
            checkLength(header, lang, text, item);
            texts.push({ language: lang.name, languageId: lang.id, text });
          }
          if (!emitted) {
            // mc.exe writes a message's header block as soon as its first language text is complete.
            header.textLines = headerLines(text ?? '');
            flushCommentsBefore(item.endOffset);
            items.push({ message: header });
            emitted = true;
          }
          break;
        }
      }
    }
    if (header) header.texts = texts.slice();
  };

  const checkLength = (h: HeaderMessage, lang: LanguageEntry, text: string, at: { line: number; column: number }) => {
    // Measured as the writer will encode it: in a double-byte code page an ANSI entry can be
    // twice as long as its character count.
    if (entrySize(text, !o.ansiBins, o.ansiCodepage) > MAX_ENTRY_SIZE) {
      report('entryTooLong', `message ${h.symbolicName ?? h.valueHex} (${lang.name}) has ${text.length} characters: a .bin entry holds at most ${o.ansiBins ? MAX_ENTRY_SIZE - 5 : (MAX_ENTRY_SIZE - 6) / 2}`, at);
    }
    if (o.maxMessageLength !== undefined && text.length > o.maxMessageLength) {
      report('messageTooLong', `message ${h.symbolicName ?? h.valueHex} (${lang.name}) is ${text.length} characters long, more than -m ${o.maxMessageLength}`, at);
    }
  };

  const startMessage = (m: MessageStatement, symbolicName: string | undefined): HeaderMessage | undefined => {
    const last = lastCode.get(facility.value) ?? 0;
    let code: number;
    if (m.id.form === 'next') code = last + 1;
    else {
      const n = number(m.id.value, 'MessageId');
      if (n === undefined) return undefined;
      code = m.id.form === 'relative' ? last + n : n;
    }
    if (code > 0xffff) {
      report('messageIdRange', `message id 0x${hex(code)} is above 0xFFFF`, m.id.form === 'next' ? m : m.id.value);
      return undefined;
    }
    lastCode.set(facility.value, code);
    const value = ((severity.value << 30) | (o.customerBit ? 0x20000000 : 0) | (facility.value << 16) | code) >>> 0;
    // As int32 keys the values stay small integers, not heap numbers.
    const seen = valueLines.get(value | 0);
    if (seen !== undefined) {
      report('duplicateValue', `message value ${hex32(value)} is already defined at line ${seen}`, m);
      return undefined;
    }
    valueLines.set(value | 0, m.line);
    const valueHex = hex32(value);
    const literal = radix === 10 ? `${value}L` : `${valueHex}L`;
    const defineValue = typedef === undefined ? literal : typedef.macro ? [typedef.name, '(', literal, ')'].join('') : ['((', typedef.name, ')', literal, ')'].join('');
    const header: HeaderMessage = {
      symbolicName,
      value,
      valueHex,
      severity: severity.value,
      severityName: severity.name,
      facility: facility.value,
      facilityName: facility.name,
      code,
      customer: o.customerBit,
      defineValue,
      typedef: typedef?.name,
      typedefIsMacro: typedef?.macro ?? false,
      define: symbolicName === undefined ? '' : padDefine(symbolicName, defineValue),
      textLines: [],
      texts: [],
      line: m.line,
    };
    messages.push(header);
    return header;
  };

  let stopped = false;
  const add = (s: Statement) => {
    if (stopped) return;
    if (messages.length >= o.maxMessages) {
      report('limitExceeded', `more than ${o.maxMessages} messages: the limit on messages in one file`, s);
      stopped = true;
      return;
    }
    switch (s.kind) {
      case 'typedef':
        flushCommentsBefore(s.offset);
        if (C_IDENTIFIER.test(s.name.name)) typedef = { name: s.name.name, macro: s.macro };
        else report('expectedName', `${s.macro ? 'MessageIdTypedefMacro' : 'MessageIdTypedef'} '${s.name.name}' is not a C identifier`, s.name);
        break;
      case 'names':
        flushCommentsBefore(s.offset);
        defineNames(s);
        break;
      case 'outputBase':
        flushCommentsBefore(s.offset);
        setRadix(s.value);
        break;
      case 'message':
        message(s);
        break;
    }
  };
  const finish = () => {
    flushCommentsBefore(Infinity);
    return { model: buildModel(o, items, messages, languages), diagnostics };
  };
  return { add, finish };
}

function buildModel(o: ResolveOptions, items: HeaderItem[], messages: HeaderMessage[], languages: NameTable<LanguageEntry>): McModel {
  const prefix = o.binPrefix ? `${o.baseName}_` : '';
  const outputs: LanguageOutput[] = [];
  for (const lang of inFlavorOrder(o.flavor, languages.entries)) {
    const texts: { value: number; text: string }[] = [];
    for (const m of messages) {
      const t = textFor(m.texts, lang);
      if (t) texts.push({ value: m.value, text: t.text });
    }
    if (texts.length === 0) continue;
    const binName = `${prefix}${lang.file}.bin`;
    outputs.push({
      name: lang.name,
      id: lang.id,
      primary: (lang.id & 0x3ff).toString(16),
      sub: (lang.id >> 10).toString(16),
      binName,
      binReference: o.flavor.quoteBinNames ? `"${binName}"` : binName,
      messages: texts,
    });
  }
  return { flavor: o.flavor, baseName: o.baseName, baseIdentifier: o.baseName.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=[0-9])/, '_'), items, messages, languages: outputs };
}
