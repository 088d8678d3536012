// formatMessage against a real FormatMessageW: Wine's kernelbase, driven by a small program built
// here with mingw-w64 and run under wine. Templates are generated from the grammar of
// format-message.ts (strings for %1..%4, numbers for %5..%8) and all go through one wine start.
// Known, documented divergences are left out of the grammar: %b (a space per the mc
// documentation; Wine prints "b"), inserts beyond the array (undefined in FormatMessage), and the
// ANSI string formats !S! !hs! (in FormatMessageW they read a char*, and every insert of an event
// is a wide string).

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { formatMessage, type Insert } from '../../src/packet/format-message.js';

function has(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const hasPeers = has('x86_64-w64-mingw32-gcc', ['--version']) && has('sh', ['-c', 'command -v wine']);

// Case file: UTF-16LE fields, each NUL-terminated and tagged by its first character: 't' the
// template, 's' a string insert, '#' an integer insert; an empty field ends the case. Output:
// per case "OK:" + text or "ERR:" + GetLastError(), NUL-terminated.
const DRIVER = String.raw`#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
  FILE *in = fopen(argv[1], "rb"), *out = fopen(argv[2], "wb");
  if (!in || !out) return 2;
  fseek(in, 0, SEEK_END); long n = ftell(in); fseek(in, 0, SEEK_SET);
  WCHAR *buf = malloc(n + 2);
  if (fread(buf, 1, n, in) != (size_t)n) return 3;
  buf[n / 2] = 0;
  WCHAR *p = buf, *end = buf + n / 2;
  while (p < end) {
    WCHAR *tmpl = p + 1; p += wcslen(p) + 1;
    DWORD_PTR args[100] = {0}; int count = 0;
    while (p < end && *p && count < 100) { args[count++] = *p == L'#' ? (DWORD_PTR)_wtoi64(p + 1) : (DWORD_PTR)(p + 1); p += wcslen(p) + 1; }
    p++;
    WCHAR *result = NULL;
    SetLastError(0);
    DWORD r = FormatMessageW(FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_ARGUMENT_ARRAY | FORMAT_MESSAGE_ALLOCATE_BUFFER,
                             tmpl, 0, 0, (LPWSTR)&result, 0, (va_list *)args);
    /* An empty result is r == 0 with ERROR_NO_WORK_DONE (235) on current Windows and Wine. */
    if (r == 0 && GetLastError() != 0 && GetLastError() != 235) { WCHAR e[32]; int k = swprintf(e, 32, L"ERR:%lu", GetLastError()); fwrite(e, 2, k + 1, out); }
    else { fwrite(L"OK:", 2, 3, out); if (result) fwrite(result, 2, r, out); fwrite(L"", 2, 1, out); }
    if (result) LocalFree(result);
  }
  fclose(out);
  return 0;
}
`;

const dir = mkdtempSync(join(tmpdir(), 'winmc-fm-wine-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Case {
  template: string;
  inserts: Insert[];
}

/** Runs every case through FormatMessageW under wine; "ERR:n" for a failure. */
function wineFormat(cases: readonly Case[]): string[] {
  const exe = join(dir, 'fm.exe');
  execFileSync('x86_64-w64-mingw32-gcc', ['-O1', '-o', exe, join(dir, 'fm.c')]);
  const input = cases.map((c) => ['t' + c.template, ...c.inserts.map((v) => (typeof v === 'string' ? 's' + v : `#${v}`))].join('\0') + '\0\0').join('');
  writeFileSync(join(dir, 'in.txt'), Buffer.from(input, 'utf16le'));
  // A private prefix, kept between runs so that only the first run pays for wineboot.
  const prefix = join(tmpdir(), 'winmc-wine-format-message');
  mkdirSync(prefix, { recursive: true });
  const r = spawnSync('wine', [exe, join(dir, 'in.txt'), join(dir, 'out.txt')], {
    env: { ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=' },
    stdio: ['ignore', 'ignore', 'ignore'],
    timeout: 240_000,
  });
  expect(r.status, 'wine fm.exe exit status').toBe(0);
  const out = readFileSync(join(dir, 'out.txt')).toString('utf16le').split('\0');
  out.pop();
  return out;
}

function ours(c: Case): string {
  try {
    return 'OK:' + formatMessage(c.template, c.inserts);
  } catch {
    return 'ERR:87'; // ERROR_INVALID_PARAMETER
  }
}

const STRINGS: Insert[] = ['alpha', '', 'x y', 'Δ\\Device'];
const NUMBERS: Insert[] = [0, 7, 0x1ab, 12345678];

const text = fc.stringMatching(/^[ab. \n\r\t]{0,4}$/); // no '!': after %n it would open a format
const escape = fc.constantFrom('%%', '%.', '%!', '% ', '%n', '%r', '%t', '%q', '%Z');
const stringInsert = fc
  .tuple(fc.integer({ min: 1, max: 4 }), fc.constantFrom('', '!s!', '!-5s!', '!.2s!', '!5.1ls!', '!ws!', '!08s!', '!3s!'))
  .map(([n, f]) => `%${n}${f}`);
const numberInsert = fc
  .tuple(fc.integer({ min: 5, max: 8 }), fc.constantFrom('!d!', '!x!', '!08X!', '!-6u!', '!#x!', '!+d!', '!.3d!', '!o!', '! d!', '!#o!', '!5.0u!'))
  .map(([n, f]) => `%${n}${f}`);
const template = fc
  .array(fc.oneof(text, escape, stringInsert, numberInsert), { minLength: 1, maxLength: 8 })
  .chain((parts) => fc.boolean().map((end) => parts.join('') + (end ? '%0tail' : '')));

const FIXED: Case[] = [
  { template: '%1!*.*u!,%1!*.*u!', inserts: [6, 4, 2, 5, 3, 1] },
  { template: '%1!*.*u!,%4!*.*u!', inserts: [6, 4, 2, 5, 3, 1] },
  { template: '%3!d! %1!*d!', inserts: [5, 0, 9, 42] },
  { template: '%1!*s!|%2', inserts: [4, 'ab'] },
  { template: '[%1!*s!]', inserts: [-3, 'a'] },
  { template: '%1!.*s!', inserts: [2, 'abcdef'] },
  { template: '%1!c!%2!c!', inserts: [116, 101] },
  { template: 'test%', inserts: [] },
  { template: '%', inserts: [] },
  { template: '%10%1', inserts: ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'ten'] },
  { template: '%100', inserts: ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'ten'] },
  { template: 'a\r\r\nb\n\rc', inserts: [] },
  { template: '%1!d! %1!u! %1!x!', inserts: [-1] },
];

describe.skipIf(!hasPeers)(`formatMessage against FormatMessageW under wine${hasPeers ? '' : ' (skipped: wine or x86_64-w64-mingw32-gcc not installed)'}`, () => {
  it('agrees on the fixed cases and on 300 generated templates', () => {
    writeFileSync(join(dir, 'fm.c'), DRIVER);
    const generated = fc.sample(template, { numRuns: 300, seed: 20240505 }).map((t) => ({ template: t, inserts: [...STRINGS, ...NUMBERS] }));
    const cases = [...FIXED, ...generated];
    const theirs = wineFormat(cases);
    expect(theirs.length).toBe(cases.length);
    const mismatches = cases
      .map((c, i) => ({ template: c.template, inserts: c.inserts, wine: theirs[i], ours: ours(c) }))
      .filter((m) => m.wine !== m.ours);
    expect(mismatches).toEqual([]);
  }, 300_000);
});
