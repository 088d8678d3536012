// Every command's option table by command name, for the docs (scripts/cli-tables.js writes the
// tables of README.md and docs/ from them; test/cli/kit.test.ts checks they agree). The CLI itself
// never loads this module: each command loads its own table only.

import type { CommandSpec } from './kit.js';

export async function commandSpecs(): Promise<Record<string, CommandSpec>> {
  const [{ COMPILE_SPEC }, { DUMP_SPEC }, { EVENTS_SPEC }, { REGISTER_SPECS }, { PACKET_SPECS }] = await Promise.all([
    import('./compile.js'),
    import('./dump.js'),
    import('./events.js'),
    import('./register.js'),
    import('./packet.js'),
  ]);
  const specs: Record<string, CommandSpec> = { compile: COMPILE_SPEC, dump: DUMP_SPEC, events: EVENTS_SPEC, ...REGISTER_SPECS };
  for (const [verb, spec] of Object.entries(PACKET_SPECS)) specs[`packet-${verb}`] = spec;
  return specs;
}

/** `<!-- options: COMMAND/GROUP -->` followed by the group's table. */
export const TABLE_MARKER = /^<!-- options: ([\w-]+)\/([\w-]+) -->$/;

/**
 * A markdown document with each marked table replaced by the one its command's table gives.
 * `found` collects the markers seen.
 */
export function withTables(text: string, specs: Record<string, CommandSpec>, table: (spec: CommandSpec, group: string) => string, found: string[] = []): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    out.push(line);
    const m = TABLE_MARKER.exec(line.trimEnd());
    if (!m) continue;
    const spec = specs[m[1]!];
    if (!spec) throw new Error(`options marker for an unknown command '${m[1]}'`);
    found.push(`${m[1]}/${m[2]}`);
    out.push(table(spec, m[2]!));
    while (i + 1 < lines.length && lines[i + 1]!.startsWith('|')) i++;
  }
  return out.join('\n');
}
