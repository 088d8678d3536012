// Builds a C program that exercises an mc-style -um header: registers every provider through its
// EventRegister<Provider>() macro, writes every event through its EventWrite<Event>(…) macro with
// zero arguments, unregisters, and returns 0. The macros are read from the header text itself, so
// the same program works for mc.exe's own headers and for winmc's.
//
// A literal 0 is a valid argument for every parameter mc.exe's macros take: they are integers,
// floating-point values or pointers (strings, GUIDs, FILETIMEs, SIDs, binary and array data are
// all passed by address), and 0 converts implicitly to each; a macro that writes a string maps
// NULL to L"NULL"/"NULL" itself.

export interface WriteMacro {
  name: string;
  params: string[];
}

export interface HeaderMacros {
  registers: string[];
  unregisters: string[];
  writes: WriteMacro[];
  /** `EXTERN_C __declspec(selectany) … ULONG <Provider>EnableBits[n];` with no initializer: type, name, size. */
  uninitialized: { type: string; name: string; size: string }[];
}

// MSVC makes an uninitialized selectany array a (COMDAT) definition; gcc keeps it a declaration,
// so the program defines it (docs/manifests-csharp-rc-build.md).
const UNINITIALIZED = /^[ \t]*EXTERN_C[ \t]+__declspec\(selectany\)[ \t]+(?:DECLSPEC_CACHEALIGN[ \t]+)?(\w+)[ \t]+(\w+)\[(\w+)\];/gm;

const DEFINE = /^[ \t]*#[ \t]*define[ \t]+(Event(?:Register|Unregister|Write)\w*)\(([^)]*)\)/gm;

/**
 * The macros a program should call. Left out: `…ByGuid…` (needs a GUID of the caller's) and the
 * `…_ForContext…` forms of the newest headers (they take a caller-allocated context of a
 * provider-specific type); `EventWrite…_AssumeEnabled` is kept (it writes without the check).
 */
export function scanHeaderMacros(header: string): HeaderMacros {
  const seen = new Set<string>();
  const out: HeaderMacros = { registers: [], unregisters: [], writes: [], uninitialized: [] };
  for (const m of header.matchAll(UNINITIALIZED)) out.uninitialized.push({ type: m[1]!, name: m[2]!, size: m[3]! });
  for (const m of header.matchAll(DEFINE)) {
    const name = m[1]!;
    if (seen.has(name) || /ByGuid|ForContext/.test(name)) continue;
    seen.add(name);
    const params = m[2]!.split(',').map((p) => p.trim()).filter((p) => p !== '');
    if (name.startsWith('EventRegister')) {
      if (params.length === 0) out.registers.push(name);
    } else if (name.startsWith('EventUnregister')) {
      if (params.length === 0) out.unregisters.push(name);
    } else {
      out.writes.push({ name, params });
    }
  }
  return out;
}

export interface ProgramOptions {
  /** The C expression for one argument; `0` when absent or when it returns undefined. */
  argument?: (macro: WriteMacro, index: number) => string | undefined;
  /**
   * A driver: `#include <ddk/wdm.h>` (mingw-w64 keeps the DDK headers under ddk/) and a
   * DriverEntry. wdm.h defines _ETW_KM_, which makes the 10.0.16299+ headers use EtwRegister
   * and EtwWriteTransfer.
   */
  kernelMode?: boolean;
}

/** The program's text (LF line ends) for a header saved as `headerName` beside it. */
export function cProgram(headerName: string, macros: HeaderMacros, opts: ProgramOptions = {}): string {
  const lines: string[] = [];
  // evntprov.h for the headers of runs without -um/-km, which declare descriptors only.
  lines.push(...(opts.kernelMode ? ['#include <ddk/wdm.h>'] : ['#include <windows.h>', '#include <evntprov.h>']));
  lines.push(`#include "${headerName}"`, '');
  for (const u of macros.uninitialized) lines.push(`${u.type} ${u.name}[${u.size}];`);
  if (macros.uninitialized.length > 0) lines.push('');
  if (opts.kernelMode) {
    lines.push('NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)', '{', '    (void)DriverObject;', '    (void)RegistryPath;');
  } else {
    lines.push('int main(void)', '{');
  }
  lines.push('    ULONG status = 0;', '    (void)status;');
  for (const r of macros.registers) lines.push(`    status = ${r}();`);
  for (const w of macros.writes) {
    const args = w.params.map((_, i) => opts.argument?.(w, i) ?? '0');
    lines.push(`    status = ${w.name}(${args.join(', ')});`);
  }
  for (const u of macros.unregisters) lines.push(`    status = ${u}();`);
  lines.push('    return 0;', '}', '');
  return lines.join('\n');
}
