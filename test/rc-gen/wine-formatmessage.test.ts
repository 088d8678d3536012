// Proof with real Windows code: winmc's message DLLs loaded by LoadLibraryExW(AS_DATAFILE) and
// read by FormatMessageW under Wine, for every message and language of the corpus, compared with
// the compiled source texts and with winmc's own renderer (src/packet/format-message.ts).

import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCompileArgs } from '../../src/cli/compile.js';
import { compileMc, type CompileOptions } from '../../src/mc/compile.js';
import { formatMessage, type Insert } from '../../src/packet/format-message.js';
import { writeMessageDll, type Machine } from '../../src/rc-gen/pe.js';
import { MINGW_GCC, corpusRoot, hasCorpus, hasTool, repoRoot, tempDir } from './peers.js';

const hasWine = hasTool('wine', ['--version']);
const hasGcc = hasTool(MINGW_GCC);
const skip = !hasWine || !hasGcc || !hasCorpus;
if (skip) console.warn(`wine-formatmessage.test: skipped (wine: ${hasWine}, ${MINGW_GCC}: ${hasGcc}, corpus: ${hasCorpus})`);

/** One message of one language in one DLL. */
interface Probe {
  dll: string;
  languageId: number;
  id: number;
  text: string;
  /** Argument-array slot kinds for the C program, or 'x' when the inserts cannot be typed. */
  kinds: string;
  inserts: Insert[];
}

/**
 * The argument-array slots a template reads and what each must hold: w wide string, a ANSI
 * string (%S, %hs in FormatMessageW), i integer, c character code. `*` widths and floating
 * point are left to the ignore-inserts call ('x').
 */
function insertKinds(template: string): string {
  const slots: string[] = [];
  for (let i = 0; i < template.length; i++) {
    if (template[i] !== '%') continue;
    const m = /^%([1-9][0-9]?)(?:!([^!]*)!)?/.exec(template.slice(i, i + 40));
    if (!m) {
      i++; // %% %n %0 … : skip the escaped character
      continue;
    }
    const n = Number(m[1]);
    const fmt = m[2] ?? 's';
    let kind: string;
    if (fmt.includes('*') || /[eEfgGaA]$/.test(fmt)) return 'x';
    if (/[diouxX]$/.test(fmt)) kind = 'i';
    else if (/[cC]$/.test(fmt)) kind = 'c';
    else if (/(^|[^lw])S$/.test(fmt) || /hs$/.test(fmt)) kind = 'a';
    else if (/s$/.test(fmt) || /[lw]S$/.test(fmt)) kind = 'w';
    else return 'x';
    if (slots[n - 1] !== undefined && slots[n - 1] !== kind) return 'x';
    slots[n - 1] = kind;
    i += m[0].length - 1;
  }
  if (slots.length === 0) return '-';
  return Array.from(slots, (k) => k ?? 'w').join('');
}

function insertsFor(kinds: string): Insert[] {
  if (kinds === '-' || kinds === 'x') return [];
  return [...kinds].map((k, i) => (k === 'w' ? `<w:${i + 1}>` : k === 'a' ? `<a:${i + 1}>` : k === 'i' ? 100 + i + 1 : 65 + i));
}

/** Compile options of a corpus case as its mc.exe build used them (output directories aside). */
function caseOptions(caseDir: string): { input: string; options: CompileOptions } {
  const c = JSON.parse(readFileSync(join(caseDir, 'case.json'), 'utf8')) as { input: string; args: string[]; flavor: string; ansiCodepage: number };
  // An ANSI (-A) table is converted by FormatMessageW with the process code page; the Wine
  // prefix runs with 1252, so a case built for another code page is compiled as Unicode here.
  const args = c.ansiCodepage === 1252 ? c.args : c.args.filter((a) => a !== '-A');
  const cmd = parseCompileArgs([...args, '--compat', c.flavor, '--ansi-codepage', String(c.ansiCodepage), c.input]);
  return { input: join(caseDir, 'input', c.input), options: cmd.options };
}

function largeOptions(dir: string): { input: string; options: CompileOptions } {
  const file = readdirSync(dir).find((f) => f.endsWith('.mc'))!;
  return { input: join(dir, file), options: { inputName: file, ansiCodepage: file === 'ru-RU.mc' ? 1251 : 1252 } };
}

const work = tempDir('wine');
const prefix = join(work, 'prefix');
const wineEnv = { ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=', LANG: 'en_US.UTF-8', LC_ALL: 'en_US.UTF-8' };
const toWinePath = (p: string) => `Z:${p.replace(/\//g, '\\')}`;
afterAll(() => {
  if (!skip) spawnSync('wineserver', ['-k'], { env: wineEnv, stdio: 'ignore' });
  rmSync(work, { recursive: true, force: true });
});

/** Runs a Windows program under Wine with stdout and stderr in files (a pipe breaks Wine's console). */
function wine(args: string[], tag: string, timeout: number): { status: number | null; stdout: string; stderr: string } {
  const outPath = join(work, `${tag}.stdout`);
  const errPath = join(work, `${tag}.stderr`);
  const out = openSync(outPath, 'w');
  const err = openSync(errPath, 'w');
  try {
    const r = spawnSync('wine', args, { cwd: work, env: wineEnv, stdio: ['ignore', out, err], timeout });
    return { status: r.status, stdout: readFileSync(outPath, 'utf8'), stderr: readFileSync(errPath, 'utf8') };
  } finally {
    closeSync(out);
    closeSync(err);
  }
}

describe.skipIf(skip)('FormatMessageW under Wine reads winmc DLLs (skipped without wine, mingw gcc or the corpus)', () => {
  const probes: Probe[] = [];
  const skipped: string[] = [];
  const answers = new Map<string, { chars: number; error: number; text: string }>();
  const key = (dll: string, lang: number, id: number, call: number) => `${dll}|${lang}|${id}|${call}`;

  beforeAll(() => {
    const exe = join(work, 'format-messages.exe');
    const gcc = spawnSync(MINGW_GCC, ['-O1', '-Wall', '-o', exe, join(repoRoot, 'test', 'rc-gen', 'fixtures', 'format-messages.c')], { encoding: 'utf8' });
    expect(gcc.status, gcc.stderr).toBe(0);
    mkdirSync(prefix, { recursive: true });
    const boot = spawnSync('wineboot', ['-i'], { env: wineEnv, stdio: 'ignore', timeout: 280_000 });
    expect(boot.status, 'wineboot -i').toBe(0);

    const sources = [
      ...readdirSync(join(corpusRoot, 'mc')).map((name) => ({ name, ...caseOptions(join(corpusRoot, 'mc', name)) })),
      ...readdirSync(join(corpusRoot, 'large')).map((name) => ({ name, ...largeOptions(join(corpusRoot, 'large', name)) })),
    ];
    const requests: string[] = [];
    for (const source of sources) {
      const result = compileMc(readFileSync(source.input), source.options);
      if (result.diagnostics.some((d) => d.severity === 'error') || !result.model) {
        skipped.push(`${source.name}: does not compile (${result.diagnostics.find((d) => d.severity === 'error')?.message})`);
        continue;
      }
      const tables = result.files.filter((f) => f.kind === 'bin').map((f) => ({ languageId: f.languageId!, data: f.bytes }));
      if (new Set(tables.map((t) => t.languageId)).size !== tables.length) {
        skipped.push(`${source.name}: two languages share a LANGID, which one DLL cannot hold`);
        continue;
      }
      // Every machine's DLL loads as a data file; cover x86 and arm64 with the multi-language nssm
      // case, and load its x64 DLL once more as an ordinary module (no entry point, no imports).
      const loads: { machine: Machine; how: 'dll' | 'load' }[] =
        source.name === 'bitforgebr__nssm__messages'
          ? [{ machine: 'x64', how: 'dll' }, { machine: 'x86', how: 'dll' }, { machine: 'arm64', how: 'dll' }, { machine: 'x64', how: 'load' }]
          : [{ machine: 'x64', how: 'dll' }];
      for (const { machine, how } of loads) {
        const dll = join(work, `${source.name}.${machine}.${how}.dll`);
        writeFileSync(dll, writeMessageDll(tables, { machine }));
        requests.push(`${how} ${toWinePath(dll)}`);
        for (const lang of result.model.languages) {
          for (const m of lang.messages) {
            const kinds = insertKinds(m.text);
            probes.push({ dll, languageId: lang.id, id: m.value >>> 0, text: m.text, kinds, inserts: insertsFor(kinds) });
            requests.push(`msg ${lang.id.toString(16)} ${(m.value >>> 0).toString(16)} ${kinds}`);
          }
        }
      }
    }
    writeFileSync(join(work, 'requests.txt'), requests.join('\n') + '\n');
    const r = wine([exe, 'requests.txt', 'answers.bin'], 'format', 280_000);
    expect(r.status, r.stderr).toBe(0);

    // Answers come in request order: one per probe, then a second one unless its kinds are 'x'.
    const bytes = readFileSync(join(work, 'answers.bin'));
    let at = 0;
    const next = (p: Probe, call: number) => {
      if (at + 20 > bytes.length) return;
      const [lang, id, c, chars, error] = [0, 4, 8, 12, 16].map((o) => bytes.readUInt32LE(at + o));
      expect([lang, id, c], 'answer order').toEqual([p.languageId, p.id, call]);
      answers.set(key(p.dll, p.languageId, p.id, call), { chars: chars!, error: error!, text: bytes.subarray(at + 20, at + 20 + chars! * 2).toString('utf16le') });
      at += 20 + chars! * 2;
    };
    for (const p of probes) {
      next(p, 0);
      if (p.kinds !== 'x') next(p, 1);
    }
    expect(at, 'every answer read').toBe(bytes.length);
  }, 600_000);

  it('answers every message of every language, from data-file and module loads alike', () => {
    expect(new Set(probes.map((p) => p.dll)).size).toBeGreaterThan(37);
    if (skipped.length > 0) console.warn(`wine-formatmessage: not compiled: ${skipped.join('; ')}`);
    expect(probes.length).toBeGreaterThan(10_000);
    const missing = probes.filter((p) => !answers.has(key(p.dll, p.languageId, p.id, 0)));
    expect(missing.map((p) => `${p.dll} 0x${p.id.toString(16)}`)).toEqual([]);
  });

  it('returns the source text itself for every message without % sequences', () => {
    const plain = probes.filter((p) => !p.text.includes('%') && !/\r(?!\n)|(?<!\r)\n/.test(p.text));
    expect(plain.length).toBeGreaterThan(1000);
    const wrong = plain.filter((p) => answers.get(key(p.dll, p.languageId, p.id, 0))!.text !== p.text);
    expect(wrong.slice(0, 10).map((p) => ({ dll: p.dll, id: p.id.toString(16), lang: p.languageId.toString(16), source: p.text, wine: answers.get(key(p.dll, p.languageId, p.id, 0))!.text }))).toEqual([]);
  });

  it("equals winmc's renderer with FORMAT_MESSAGE_IGNORE_INSERTS for every message", () => {
    const wrong = probes.filter((p) => {
      const a = answers.get(key(p.dll, p.languageId, p.id, 0))!;
      let ours: string | undefined;
      try {
        ours = formatMessage(p.text, [], { ignoreInserts: true });
      } catch {
        ours = undefined;
      }
      return ours === undefined ? a.chars !== 0 : a.text !== ours;
    });
    expect(wrong.slice(0, 10).map((p) => ({ id: p.id.toString(16), lang: p.languageId.toString(16), source: p.text, wine: answers.get(key(p.dll, p.languageId, p.id, 0))!.text }))).toEqual([]);
  });

  it("equals winmc's renderer with sample inserts for every message whose inserts can be typed", () => {
    const typed = probes.filter((p) => p.kinds !== 'x');
    const withInserts = typed.filter((p) => p.kinds !== '-');
    expect(withInserts.length).toBeGreaterThan(500);
    expect(withInserts.filter((p) => /<w:1>|\b101\b/.test(answers.get(key(p.dll, p.languageId, p.id, 1))!.text)).length).toBeGreaterThan(500);
    console.info(`wine-formatmessage: ${probes.length} messages, ${typed.length} with inserts rendered, ${probes.length - typed.length} with * widths or conflicting insert types`);
    const wrong = typed.filter((p) => {
      const a = answers.get(key(p.dll, p.languageId, p.id, 1))!;
      let ours: string | undefined;
      try {
        ours = formatMessage(p.text, p.inserts);
      } catch {
        ours = undefined;
      }
      return ours === undefined ? a.chars !== 0 : a.text !== ours;
    });
    expect(wrong.slice(0, 10).map((p) => ({ id: p.id.toString(16), lang: p.languageId.toString(16), kinds: p.kinds, source: p.text, wine: answers.get(key(p.dll, p.languageId, p.id, 1))!.text }))).toEqual([]);
  });
});
