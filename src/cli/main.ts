// Entry point of the winmc command. Each subcommand lives in its own module and is imported
// only when it is asked for, so a plain compile never loads the packet, event-log or registry code.

type CommandModule = { run(argv: string[], command: string): Promise<number> };

const COMMANDS: Record<string, { load: () => Promise<CommandModule>; describe: string }> = {
  compile: { load: () => import('./compile.js'), describe: 'compile an .mc message text file (mc.exe compatible)' },
  packet: { load: () => import('./packet.js'), describe: 'build, decode and size-check IO_ERROR_LOG_PACKETs' },
  events: { load: () => import('./events.js'), describe: 'read .evtx/.evt logs and decode driver events' },
  register: { load: () => import('./register.js'), describe: 'register an EventLog source (live, .reg, INF, offline hive)' },
  unregister: { load: () => import('./register.js'), describe: 'remove an EventLog source registration' },
  dump: { load: () => import('./dump.js'), describe: 'list the message tables of a .bin, .res or PE file' },
};

export function usage(): string {
  const lines = [
    'Usage: winmc <command> [options]',
    '       winmc [mc.exe switches] FILE.mc      (same as winmc compile)',
    '',
    'Commands:',
  ];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  winmc ${name.padEnd(11)} ${c.describe}`);
  lines.push('', "Run 'winmc <command> --help' for a command's options.");
  return lines.join('\n') + '\n';
}

export async function main(argv: string[]): Promise<number> {
  const first = argv[0];
  if (first === undefined || first === '--help' || first === 'help') {
    process.stdout.write(usage());
    return first === undefined ? 1 : 0;
  }
  if (first === '--version') {
    const { version } = await import('../version.js');
    process.stdout.write(version + '\n');
    return 0;
  }
  const command = COMMANDS[first];
  if (command) {
    const mod = await command.load();
    return mod.run(argv.slice(1), first);
  }
  // No subcommand: behave as mc.exe so `mc` can be replaced by `winmc` on an existing command line.
  const compile = await import('./compile.js');
  return compile.run(argv, 'compile');
}
