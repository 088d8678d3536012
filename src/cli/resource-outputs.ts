// --res and --dll for `winmc compile`: the message tables packed into a .res or a message DLL.
import type { CompiledFile } from '../mc/compile-core.js';
import type { CompileCommand } from './compile.js';

export async function resourceOutputs(files: CompiledFile[], cmd: CompileCommand): Promise<{ path: string; bytes: Uint8Array }[]> {
  const tables = files.filter((f) => f.kind === 'bin').map((f) => ({ languageId: f.languageId!, data: f.bytes }));
  const out: { path: string; bytes: Uint8Array }[] = [];
  if (cmd.resFile) {
    const { writeRes } = await import('../rc-gen/res.js');
    out.push({ path: cmd.resFile, bytes: writeRes(tables) });
  }
  if (cmd.dllFile) {
    const { writeMessageDll } = await import('../rc-gen/pe.js');
    out.push({ path: cmd.dllFile, bytes: writeMessageDll(tables, { machine: cmd.machine }) });
  }
  return out;
}
