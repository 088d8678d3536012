// Placeholder so the dispatcher type-checks; replaced by the module that implements 'register'.
export async function run(_argv: string[], command: string): Promise<number> {
  process.stderr.write(`winmc : error MC1001: '${command}' is not available in this build\n`);
  return 2;
}
