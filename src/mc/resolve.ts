// Resolution: walks the statements in source order, keeping mc.exe's per-file state (name
// tables, current severity/facility, per-facility id counters, typedef, radix), and produces the
// model the writers print. Comments are merged back in by offset so the header keeps mc.exe's
// streaming order (MC-SPEC.md §5.1).

import { diagnostic, type Diagnostic, type DiagnosticKind } from './diagnostics.js';
import { inFlavorOrder, type Flavor } from './flavors.js';
import type { HeaderItem, HeaderMessage, LanguageOutput, McModel, MessageText, NameDefine } from './model.js';
import type { McToken } from './lexer.js';
import type { LanguageBlock, MessageStatement, NamesStatement, NameToken, NumberToken, Statement } from './statements.js';
import { FACILITY_BUILTINS, LANGUAGE_BUILTINS, languageEntry, NameTable, SEVERITY_BUILTINS, severityOrFacility, type LanguageEntry, type SeverityOrFacility } from './tables.js';
import { entrySize, MAX_ENTRY_SIZE } from '../rc-gen/message-table.js';
import { hex32 } from '../hex.js';
import { objectArray } from './shapes.js';

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

/** A C number: 0x hex (group 1), 0 octal (group 2) or decimal (group 3); one regular expression for the three. */
const C_NUMBER = /^(?:0[xX]([0-9a-fA-F]+)|(0[0-7]*)|([1-9][0-9]*))$/;

export function parseNumber(image: string): number | undefined {
  const m = C_NUMBER.exec(image);
  if (m === null) return undefined;
  const n = m[1] !== undefined ? parseInt(m[1], 16) : m[2] !== undefined ? parseInt(image, 8) : parseInt(image, 10);
  // `>>> 0`: parseInt gives a boxed number even for a small one, and a boxed number stored where
  // small integers were made V8 change the model's object shapes and recompile the resolver.
  return n <= 0xffffffff ? n >>> 0 : undefined;
}

function hex(n: number): string {
  return n.toString(16).toUpperCase();
}

// The model stays in memory until every output is written, so its strings are built flat (join)
// rather than as chains of concatenations, and its arrays at their final size: a pushed-to array
// keeps room for 16 more elements. Together that was a third of a 100k-message model's heap.

/** Spaces that pad a name to 32 columns, by the name's length. */
const PAD = Array.from({ length: 33 }, (_, n) => ' '.repeat(32 - n));

function padDefine(name: string, value: string): string {
  return ['#define ', name, name.length < 32 ? PAD[name.length]! : '', ' ', value].join('');
}

/** A message's text in a language (names are unique in the table; a message has a few texts at most). */
function textFor(texts: readonly MessageText[], language: LanguageEntry): MessageText | undefined {
  for (let i = 0; i < texts.length; i++) if (texts[i]!.language === language.name) return texts[i];
  return undefined;
}

/** The header shows the text split at CR LF, without the empty piece after the last line end. */
function headerLines(text: string): string[] {
  // Most texts are one line: no split (a runtime call for a two-character separator).
  const first = text.indexOf('\r\n');
  if (first < 0) return text === '' ? [] : [text];
  if (first === text.length - 2) return [text.slice(0, first)];
  const lines = text.split('\r\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Resolves statements fed one at a time, in source order. `comments` may still be growing while
 * statements are added (the scanner fills it as it goes): only comments before the statement
 * being resolved are read.
 */
export class Resolver {
  private readonly diagnostics: Diagnostic[] = [];
  private readonly severities = new NameTable(SEVERITY_BUILTINS, (e) => severityOrFacility(e.name, e.value, e.alias));
  private readonly facilities = new NameTable(FACILITY_BUILTINS, (e) => severityOrFacility(e.name, e.value, e.alias));
  private readonly languages = new NameTable(LANGUAGE_BUILTINS, (e) => languageEntry(e.name, e.id, e.file));
  /** The header's items in streaming order: comments, the banner, messages. */
  private readonly items: HeaderItem[] = objectArray();
  private readonly messages: HeaderMessage[] = objectArray();
  /** The last message code used, per facility value (mc.exe counts per facility). */
  private readonly lastCode = new Map<number, number>();
  /** The line of each message value defined so far, keyed by the value as an int32. */
  private readonly valueLines = new Map<number, number>();
  /** MessageIdTypedef / MessageIdTypedefMacro in effect. */
  private typedef: { name: string; macro: boolean } | undefined;
  /** OutputBase in effect: 10 or 16. */
  private radix: number;
  /** Severity and Facility in effect: a message inherits them from the one before. */
  private severity: SeverityOrFacility;
  private facility: SeverityOrFacility;
  /** The severity/facility banner is written once, before the first message. */
  private bannerWritten = false;
  /** Index of the first comment not yet placed in `items`. */
  private nextComment = 0;
  /** Set when the message limit is reached: later statements are ignored. */
  private stopped = false;

  constructor(
    private readonly comments: readonly McToken[],
    private readonly source: string,
    private readonly o: ResolveOptions,
  ) {
    this.radix = o.decimal ? 10 : 16;
    this.severity = this.severities.lookup('Success')!;
    this.facility = this.facilities.lookup('Application')!;
  }

  /** Takes the next statement in source order. */
  readonly add = (s: Statement): void => {
    if (this.stopped) return;
    if (this.messages.length >= this.o.maxMessages) {
      this.report('limitExceeded', `more than ${this.o.maxMessages} messages: the limit on messages in one file`, s);
      this.stopped = true;
      return;
    }
    switch (s.kind) {
      case 'typedef':
        this.flushCommentsBefore(s.offset);
        if (C_IDENTIFIER.test(s.name.name)) this.typedef = { name: s.name.name, macro: s.macro };
        else this.report('expectedName', `${s.macro ? 'MessageIdTypedefMacro' : 'MessageIdTypedef'} '${s.name.name}' is not a C identifier`, s.name);
        break;
      case 'names':
        this.flushCommentsBefore(s.offset);
        this.defineNames(s);
        break;
      case 'outputBase':
        this.flushCommentsBefore(s.offset);
        this.setRadix(s.value);
        break;
      case 'message':
        this.message(s);
        break;
    }
  };

  /** After the last statement: the model and the resolver's diagnostics. */
  finish(): { model: McModel; diagnostics: Diagnostic[] } {
    this.flushCommentsBefore(Infinity);
    const model = buildModel(this.o, this.items, this.messages, this.languages);
    this.checkBinNames(model);
    return { model, diagnostics: this.diagnostics };
  }

  private report(kind: DiagnosticKind, message: string, at?: { line: number; column?: number }): void {
    if (this.diagnostics.length < this.o.maxErrors) this.diagnostics.push(diagnostic(kind, message, at));
  }

  /** Two languages whose texts would go to one .bin file (names compared as Windows does, ignoring case). */
  private checkBinNames(model: McModel): void {
    const seen = new Map<string, string>();
    for (const lang of model.languages) {
      const other = seen.get(lang.binName.toLowerCase());
      if (other !== undefined) {
        this.report('redefinedLanguageFile', `languages '${other}' and '${lang.name}' both write ${lang.binName}`);
        return;
      }
      seen.set(lang.binName.toLowerCase(), lang.name);
    }
  }

  private flushCommentsBefore(offset: number): void {
    const comments = this.comments;
    while (this.nextComment < comments.length && comments[this.nextComment]!.startOffset < offset) {
      const c = comments[this.nextComment++]!;
      const end = c.startOffset + c.image.length;
      let text = c.image.slice(1);
      const lineEnd = end < this.source.length;
      // The CR of a CR LF pair belongs to the line end, not to the comment.
      if (lineEnd && text.endsWith('\r')) text = text.slice(0, -1);
      this.items.push({ comment: { text, lineEnd } });
    }
  }

  private number(tok: NumberToken, what: string): number | undefined {
    const n = parseNumber(tok.image);
    if (n === undefined) this.report('badNumber', `${what}: '${tok.image}' is not a valid number (decimal, 0x hex or 0 octal, at most 32 bits)`, tok);
    return n;
  }

  private nameDefines(table: NameTable<SeverityOrFacility>): NameDefine[] {
    return inFlavorOrder(this.o.flavor, table.entries)
      .filter((e) => e.alias !== undefined)
      .map((e) => {
        const valueText = this.radix === 10 ? String(e.value) : `0x${hex(e.value)}`;
        return { name: e.name, alias: e.alias!, value: e.value, valueText, define: padDefine(e.alias!, valueText) };
      });
  }

  private defineNames(s: NamesStatement): void {
    for (const entry of s.entries) {
      const value = this.number(entry.value, `${s.table} '${entry.name}'`);
      if (value === undefined) continue;
      if (s.table === 'language') {
        // The grammar requires `:file` after a language id, so `extra` is always there.
        const file = entry.extra!;
        if (value > 0xffff) {
          this.report('languageIdRange', `language '${entry.name}': id 0x${hex(value)} is above 0xFFFF`, entry.value);
          continue;
        }
        if (FILE_NAME_FORBIDDEN.test(file.name) || file.name === '.' || file.name === '..') {
          this.report('badFileName', `language '${entry.name}': file name '${file.name}' must not contain a path, '..' or reserved characters`, file);
          continue;
        }
        this.languages.define(languageEntry(entry.name, value, file.name));
        continue;
      }
      const extra = entry.extra?.name;
      const max = s.table === 'severity' ? 3 : 0xfff;
      if (value > max) {
        this.report(s.table === 'severity' ? 'severityRange' : 'facilityRange', `${s.table} '${entry.name}' = 0x${hex(value)} is above 0x${hex(max)}`, entry.value);
        continue;
      }
      if (extra !== undefined && !C_IDENTIFIER.test(extra)) {
        this.report('expectedName', `${s.table} '${entry.name}': alias '${extra}' is not a C identifier`, entry.extra!);
        continue;
      }
      (s.table === 'severity' ? this.severities : this.facilities).define(severityOrFacility(entry.name, value, extra));
    }
  }

  private setRadix(tok: NumberToken): void {
    const n = this.number(tok, 'OutputBase');
    if (n === undefined) return;
    if (n !== 10 && n !== 16) this.report('outputBase', `OutputBase must be 10 or 16, found ${tok.image}`, tok);
    else this.radix = n;
  }

  private storedText(block: LanguageBlock, symbolicName: string | undefined): string | undefined {
    const raw = block.text;
    // The lexer ends a text token just after its terminator line ('.' and its line end), or at
    // the end of the input when there is none.
    const terminator = splitTerminator(raw);
    if (!terminator) {
      this.report('unterminatedText', `message text for language '${block.name.name}' is not terminated: the file ends before a line holding only '.'`, block);
      return undefined;
    }
    const body = terminator.body;
    if (!terminator.lineEnd) {
      const line = block.textLine + (body.match(/\n/g)?.length ?? 0);
      this.report('finalPeriodNoLineEnd', `the '.' that ends the message text must be followed by a line end`, { line });
    }
    // Every text line is stored with CR LF, whatever the source used (a CR right before the LF
    // belongs to the line end); a CR LF source is stored as it stands.
    let text = hasLoneLf(body) ? body.replace(/\r?\n/g, '\r\n') : body;
    // An empty text block takes the symbolic name as its text (MC-SPEC.md §4.1).
    if (body.length === 0 && symbolicName !== undefined) text = symbolicName + '\r\n';
    if (this.o.noTrailingNewline && text.endsWith('\r\n')) text = text.slice(0, -2);
    return text;
  }

  private message(m: MessageStatement): void {
    this.flushCommentsBefore(m.offset);
    if (!this.bannerWritten) {
      this.items.push({ banner: { facilities: this.nameDefines(this.facilities), severities: this.nameDefines(this.severities), hresult: this.o.hresultBanner } });
      this.bannerWritten = true;
    }
    let symbolicName: string | undefined;
    let header: HeaderMessage | undefined;
    const texts: MessageText[] = [];
    // An index loop: run once per message, mostly unoptimised, where for-of steps through an iterator object.
    for (let i = 0; i < m.items.length; i++) {
      const item = m.items[i]!;
      switch (item.kind) {
        case 'severity': {
          const e = this.severities.lookup(item.name.name);
          if (e) this.severity = e;
          else this.reportUndefined('undefinedSeverity', 'severity', item.name, this.severities);
          break;
        }
        case 'facility': {
          const e = this.facilities.lookup(item.name.name);
          if (e) this.facility = e;
          else this.reportUndefined('undefinedFacility', 'facility', item.name, this.facilities);
          break;
        }
        case 'symbolicName':
          if (C_IDENTIFIER.test(item.name.name)) symbolicName = item.name.name;
          else this.report('expectedName', `symbolic name '${item.name.name}' is not a C identifier`, item.name);
          break;
        case 'outputBase':
          this.setRadix(item.value);
          break;
        case 'language': {
          const first = header === undefined;
          header ??= this.startMessage(m, symbolicName);
          if (!header) return;
          this.languageText(m, header, item, symbolicName, texts, first);
          break;
        }
      }
    }
    if (header) header.texts = texts.slice();
  }

  // The per-message code in small methods, the reports apart: a one-shot compile runs it mostly
  // unoptimised, and V8's optimiser (one background thread on two cores) finishes small
  // functions sooner than one large one (docs/performance.md).

  /** One language block of a message: its text stored, checked, and the first one shown in the header. */
  private languageText(m: MessageStatement, header: HeaderMessage, item: LanguageBlock, symbolicName: string | undefined, texts: MessageText[], first: boolean): void {
    const lang = this.languages.lookup(item.name.name);
    const text = this.storedText(item, symbolicName);
    if (!lang) {
      this.reportUndefined('undefinedLanguage', 'language', item.name, this.languages);
    } else if (textFor(texts, lang)) {
      this.reportDuplicateLanguage(m, lang, header, item);
    } else if (text !== undefined) {
      this.checkLength(header, lang, text, item);
      texts.push({ language: lang.name, languageId: lang.id, text });
    }
    if (first) {
      // mc.exe writes a message's header block as soon as its first language text is complete.
      header.textLines = headerLines(text ?? '');
      this.flushCommentsBefore(item.endOffset);
      this.items.push({ message: header });
    }
  }

  private reportUndefined(kind: DiagnosticKind, what: string, name: NameToken, table: NameTable<{ name: string }>): void {
    this.report(kind, `${what} '${name.name}' is not defined (known: ${table.entries.map((x) => x.name).join(', ')})`, name);
  }

  // Apart from message(): a closure there that captured `lang` made every language block of
  // every message allocate a context for it, error or not.
  private reportDuplicateLanguage(m: MessageStatement, lang: LanguageEntry, header: HeaderMessage, at: LanguageBlock): void {
    const first = m.items.find((i) => i.kind === 'language' && this.languages.lookup(i.name.name) === lang)!;
    this.report('duplicateLanguage', `language '${lang.name}' appears twice in message ${header.symbolicName ?? header.valueHex} (first at line ${first.line})`, at);
  }

  private checkLength(h: HeaderMessage, lang: LanguageEntry, text: string, at: { line: number; column: number }): void {
    const o = this.o;
    // Measured as the writer will encode it: in a double-byte code page an ANSI entry can be
    // twice as long as its character count.
    if (entrySize(text, !o.ansiBins, o.ansiCodepage) > MAX_ENTRY_SIZE) {
      this.report('entryTooLong', `message ${h.symbolicName ?? h.valueHex} (${lang.name}) has ${text.length} characters: a .bin entry holds at most ${o.ansiBins ? MAX_ENTRY_SIZE - 5 : (MAX_ENTRY_SIZE - 6) / 2}`, at);
    }
    if (o.maxMessageLength !== undefined && text.length > o.maxMessageLength) {
      this.report('messageTooLong', `message ${h.symbolicName ?? h.valueHex} (${lang.name}) is ${text.length} characters long, more than -m ${o.maxMessageLength}`, at);
    }
  }

  private startMessage(m: MessageStatement, symbolicName: string | undefined): HeaderMessage | undefined {
    const o = this.o;
    const severity = this.severity;
    const facility = this.facility;
    const typedef = this.typedef;
    const last = this.lastCode.get(facility.value) ?? 0;
    let code: number;
    if (m.id.form === 'next') code = last + 1;
    else {
      const n = this.number(m.id.value, 'MessageId');
      if (n === undefined) return undefined;
      code = m.id.form === 'relative' ? last + n : n;
    }
    if (code > 0xffff) {
      this.report('messageIdRange', `message id 0x${hex(code)} is above 0xFFFF`, m.id.form === 'next' ? m : m.id.value);
      return undefined;
    }
    this.lastCode.set(facility.value, code);
    const value = ((severity.value << 30) | (o.customerBit ? 0x20000000 : 0) | (facility.value << 16) | code) >>> 0;
    // As int32 keys the values stay small integers, not heap numbers.
    const seen = this.valueLines.get(value | 0);
    if (seen !== undefined) {
      this.report('duplicateValue', `message value ${hex32(value)} is already defined at line ${seen}`, m);
      return undefined;
    }
    this.valueLines.set(value | 0, m.line);
    const valueHex = hex32(value);
    const literal = this.radix === 10 ? `${value}L` : `${valueHex}L`;
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
    this.messages.push(header);
    return header;
  }
}

function buildModel(o: ResolveOptions, items: HeaderItem[], messages: HeaderMessage[], languages: NameTable<LanguageEntry>): McModel {
  const prefix = o.binPrefix ? `${o.baseName}_` : '';
  const outputs: LanguageOutput[] = [];
  for (const lang of inFlavorOrder(o.flavor, languages.entries)) {
    const texts: { value: number; text: string }[] = [];
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i]!;
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
