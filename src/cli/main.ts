// Entry point of the winmc command. Each subcommand lives in its own module and is imported
// only when it is asked for, so a plain compile never loads the packet, event-log or registry code.
// Exit status in every command (src/cli/kit.ts): 0 success, 1 bad input, 2 a bad command line.

import { statSync } from 'node:fs';
import { EXIT, nearest } from './kit.js';

type CommandModule = { run(argv: string[], command: string): Promise<number> };

export const COMMANDS: Record<string, { load: () => Promise<CommandModule>; describe: string }> = {
  compile: { load: () => import('./compile.js'), describe: 'compile an .mc message text file or a .man manifest (mc.exe compatible)' },
  packet: { load: () => import('./packet.js'), describe: 'build, decode and size-check IO_ERROR_LOG_PACKETs' },
  events: { load: () => import('./events.js'), describe: 'read .evtx/.evt logs and decode driver events' },
  register: { load: () => import('./register.js'), describe: 'register an EventLog source (live, .reg, INF, offline hive)' },
  unregister: { load: () => import('./register.js'), describe: 'remove an EventLog source registration' },
  dump: { load: () => import('./dump.js'), describe: 'list the message tables of a .bin, .res or PE file' },
};

export function usage(): string {
  const lines = [
    'Usage: winmc <command> [options]',
    '       winmc [mc.exe switches] FILE.mc|FILE.man   (same as winmc compile)',
    '',
    'Commands:',
  ];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  winmc ${name.padEnd(11)} ${c.describe}`);
  lines.push('', "Run 'winmc <command> --help' for a command's options; 'winmc --version' for the version.");
  return lines.join('\n') + '\n';
}

/**
 * A first argument that is neither a command nor a switch nor an existing file, and does not look
 * like a file name either (no dot, no path separator): a mistyped or unknown command.
 */
function unknownCommand(first: string): string | undefined {
  if (/^[-/]/.test(first) || /[.\\/:]/.test(first)) return undefined;
  if (statSync(first, { throwIfNoEntry: false }) !== undefined) return undefined;
  const guess = nearest(first, Object.keys(COMMANDS));
  return `unknown command '${first}'${guess ? `; did you mean ${guess}?` : ''} (commands: ${Object.keys(COMMANDS).join(', ')}; an input file has an extension, such as .mc or .man)`;
}

export async function main(argv: string[]): Promise<number> {
  const first = argv[0];
  if (first === undefined) {
    process.stderr.write(usage());
    return EXIT.usage;
  }
  // `winmc -?` is mc.exe's usage request and goes to compile (its switches); --help lists the commands.
  if (first === '--help' || first === 'help') {
    process.stdout.write(usage());
    return EXIT.ok;
  }
  if (first === '--version' || first === '-V') {
    const { version } = await import('../version.js');
    process.stdout.write(version + '\n');
    return EXIT.ok;
  }
  const command = COMMANDS[first];
  if (command) {
    const mod = await command.load();
    return mod.run(argv.slice(1), first);
  }
  const unknown = unknownCommand(first);
  if (unknown !== undefined) {
    process.stderr.write(`winmc : error MC1001: ${unknown}\n`);
    return EXIT.usage;
  }
  // No subcommand: behave as mc.exe so `mc` can be replaced by `winmc` on an existing command line.
  const compile = await import('./compile.js');
  return compile.run(argv, 'compile');
}
