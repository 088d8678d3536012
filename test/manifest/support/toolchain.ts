// The cross toolchain and Wine for the header build-and-run tests: found on PATH, absent ones
// reported so a test can skip with a message.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export function which(tool: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, tool);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

export const GCC_X64 = 'x86_64-w64-mingw32-gcc';
export const GCC_X86 = 'i686-w64-mingw32-gcc';

/** `wine64` where it is a separate program, else `wine` (Wine 8+ runs both from one loader). */
export function wineProgram(): string | undefined {
  return which('wine64') ?? which('wine');
}

export interface CompileResult {
  ok: boolean;
  /** The compiler's messages (errors and warnings). */
  diagnostics: string;
}

/** Compiles (and links, unless `compileOnly`) one C file. */
export function compileC(compiler: string, source: string, output: string, opts: { compileOnly?: boolean; flags?: string[]; linkLibs?: string[] } = {}): CompileResult {
  const libs = opts.compileOnly ? [] : (opts.linkLibs ?? ['-ladvapi32']);
  const args = [...(opts.flags ?? []), ...(opts.compileOnly ? ['-c'] : []), source, '-o', output, ...libs];
  const r = spawnSync(compiler, args, { encoding: 'utf8', timeout: 240_000 });
  return { ok: r.status === 0, diagnostics: `${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

/** compileC without blocking, so the builds of one header run side by side. */
export function compileCAsync(compiler: string, source: string, output: string, opts: { compileOnly?: boolean; flags?: string[]; linkLibs?: string[] } = {}): Promise<CompileResult> {
  const libs = opts.compileOnly ? [] : (opts.linkLibs ?? ['-ladvapi32']);
  const args = [...(opts.flags ?? []), ...(opts.compileOnly ? ['-c'] : []), source, '-o', output, ...libs];
  return new Promise((resolve) => {
    const child = spawn(compiler, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 240_000 });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => (stderr += d));
    child.on('error', (e) => resolve({ ok: false, diagnostics: `${stderr}${String(e)}` }));
    child.on('close', (code) => resolve({ ok: code === 0, diagnostics: stderr }));
  });
}

let winePrefix: string | undefined;

export interface RunResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a Windows program under Wine in a private prefix. Its output goes to files, not pipes:
 * Wine's console handling breaks on a pipe.
 */
export function runUnderWine(exe: string): RunResult {
  const wine = wineProgram();
  if (!wine) throw new Error('wine not found');
  // One prefix for every run (a new one costs ~700 MB and a wineboot); WINMC_WINEPREFIX overrides it.
  winePrefix ??= process.env.WINMC_WINEPREFIX ?? join(tmpdir(), 'winmc-wine-header-build');
  mkdirSync(winePrefix, { recursive: true });
  const outFile = `${exe}.stdout.txt`;
  const errFile = `${exe}.stderr.txt`;
  const cmd = `"${wine}" "${exe}" > "${outFile}" 2> "${errFile}" < /dev/null`;
  writeFileSync(outFile, '');
  writeFileSync(errFile, '');
  const r = spawnSync('/bin/sh', ['-c', cmd], {
    env: { ...process.env, WINEPREFIX: winePrefix, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=' },
    timeout: 240_000,
  });
  return { exitCode: r.status, stdout: readFileSync(outFile, 'utf8'), stderr: readFileSync(errFile, 'utf8') };
}
