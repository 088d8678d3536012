// compileMc: .mc bytes in, output files out (the pipeline is compile-core.ts). This module adds
// the grammar parser (parser.ts, chevrotain), which reports the syntax errors of a file; the CLI
// calls compile-core.ts itself and loads the parser only for a file that needs it.

import { compileMcWith, type CompileOptions, type CompileResult } from './compile-core.js';
import { parseStream } from './parser.js';

export { baseNameOf, LIMITS } from './compile-core.js';
export type { CompiledFile, CompileOptions, CompileResult, Limits, OutputKind } from './compile-core.js';

export function compileMc(input: Uint8Array, options: CompileOptions = {}): CompileResult {
  return compileMcWith(input, options, parseStream);
}
