import { UsageError } from './args.js';
import { COMMANDS } from './commands/index.js';
import type { Command, CommandIo } from './command.js';

function usage(): string {
  const lines = COMMANDS.map((c) => `  parmana ${c.usage.padEnd(48)} ${c.summary}`);
  return ['Usage:', ...lines].join('\n');
}

/** Picks the command whose path is the longest prefix of argv. */
export function findCommand(argv: readonly string[]): { command: Command; rest: readonly string[] } | undefined {
  let best: Command | undefined;
  for (const c of COMMANDS) {
    if (c.path.every((word, i) => argv[i] === word) && (best === undefined || c.path.length > best.path.length))
      best = c;
  }
  return best === undefined ? undefined : { command: best, rest: argv.slice(best.path.length) };
}

export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === 'help') {
    io.stdout(usage());
    return argv.length === 0 ? 2 : 0;
  }
  const found = findCommand(argv);
  if (found === undefined) {
    io.stderr(`parmana: unknown command "${argv.join(' ')}"\n${usage()}`);
    return 2;
  }
  try {
    return await found.command.run(found.rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`parmana ${found.command.usage}: ${err.message}`);
      return 2;
    }
    throw err;
  }
}
