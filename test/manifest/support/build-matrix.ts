// Builds one header into the programs of the build-and-run proof: x64 and x86 user-mode programs
// (linked against advapi32), the x64 one run under Wine, and an x64 driver (linked against
// ntoskrnl) for headers whose code can use the kernel-mode APIs.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cProgram, scanHeaderMacros, type HeaderMacros } from './c-program.js';
import { compileCAsync, GCC_X64, GCC_X86, runUnderWine, type CompileResult } from './toolchain.js';

// mc.exe's ETW_INLINE is `DECLSPEC_NOINLINE __inline`: MSVC's __inline keeps an out-of-line
// copy the linker can use, C99 inline in gcc does not; gnu89 inline semantics match MSVC's.
export const BASE_FLAGS = ['-fgnu89-inline'];
const DRIVER_FLAGS = ['-nostdlib', '-shared', '-Wl,--subsystem,native', '-Wl,--entry,DriverEntry'];

export type Target = 'x64' | 'x86' | 'km';

export interface BuildOutcome {
  macros: HeaderMacros;
  /** The user-mode builds; undefined for an older -km header (kernel-mode code only). */
  x64?: CompileResult;
  x86?: CompileResult;
  /** Exit code of the x64 program under Wine; undefined when it did not build or Wine is absent. */
  run?: number | null;
  runOutput?: string;
  /** The driver build; undefined for a header that has no kernel-mode code. */
  km?: CompileResult;
}

/** True when the header's code can be built for kernel mode: -km headers, and the 10.0.16299+ ones (MCGEN_USE_KERNEL_MODE_APIS follows wdm.h's _ETW_KM_). */
export function hasKernelModeCode(header: string): boolean {
  return /MCGEN_USE_KERNEL_MODE_APIS/.test(header) || kernelModeOnly(header);
}

/** An older -km header: it calls EtwRegister outright (the -um one only names it in a comment). */
export function kernelModeOnly(header: string): boolean {
  return /\bEtwRegister\s*\(/.test(header) && !/MCGEN_USE_KERNEL_MODE_APIS/.test(header);
}

// The same header bytes under the same name build and run the same way: a winmc header that is
// byte-identical to mc.exe's reuses that header's outcome instead of building it again.
const outcomes = new Map<string, Promise<BuildOutcome>>();

export function buildHeader(dir: string, headerName: string, header: Uint8Array, opts: { run: boolean; flags?: string[] }): Promise<BuildOutcome> {
  const key = createHash('sha256').update(headerName).update('\0').update(header).update(JSON.stringify(opts)).digest('hex');
  let o = outcomes.get(key);
  if (!o) {
    o = build(dir, headerName, header, opts);
    outcomes.set(key, o);
  }
  return o;
}

async function build(dir: string, headerName: string, header: Uint8Array, opts: { run: boolean; flags?: string[] }): Promise<BuildOutcome> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, headerName), header);
  const text = Buffer.from(header).toString('latin1');
  const macros = scanHeaderMacros(text);
  const flags = [...BASE_FLAGS, ...(opts.flags ?? [])];
  const userKm = kernelModeOnly(text);
  const out: BuildOutcome = { macros };
  const builds: Promise<void>[] = [];
  if (!userKm) {
    writeFileSync(join(dir, 'um.c'), cProgram(headerName, macros));
    builds.push(compileCAsync(GCC_X64, join(dir, 'um.c'), join(dir, 'um64.exe'), { flags }).then((r) => void (out.x64 = r)));
    builds.push(compileCAsync(GCC_X86, join(dir, 'um.c'), join(dir, 'um32.exe'), { flags }).then((r) => void (out.x86 = r)));
  }
  if (hasKernelModeCode(text)) {
    writeFileSync(join(dir, 'km.c'), cProgram(headerName, macros, { kernelMode: true }));
    const km = { flags: [...flags, ...DRIVER_FLAGS], linkLibs: ['-lntoskrnl'] };
    builds.push(compileCAsync(GCC_X64, join(dir, 'km.c'), join(dir, 'km64.sys'), km).then((r) => void (out.km = r)));
  }
  await Promise.all(builds);
  if (opts.run && out.x64?.ok) {
    const r = runUnderWine(join(dir, 'um64.exe'));
    out.run = r.exitCode;
    out.runOutput = r.stdout + r.stderr;
  }
  return out;
}

/** The first error lines of a compiler's output, for messages. */
export function firstErrors(diagnostics: string, n = 3): string {
  return diagnostics
    .split('\n')
    .filter((l) => /error|undefined reference/.test(l))
    .slice(0, n)
    .join('\n');
}
