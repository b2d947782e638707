import { UsageError } from './args.js';
import { allCommands, commandsFor } from './commands/index.js';
import type { Command, CommandIo } from './command.js';

async function usage(): Promise<string> {
  const lines = (await allCommands()).map((c) => `  parmana ${c.usage.padEnd(48)} ${c.summary}`);
  return ['Usage:', ...lines].join('\n');
}

/** Picks the command whose path is the longest prefix of argv. */
export async function findCommand(
  argv: readonly string[],
): Promise<{ command: Command; rest: readonly string[] } | undefined> {
  let best: Command | undefined;
  for (const c of await commandsFor(argv[0])) {
    if (c.path.every((word, i) => argv[i] === word) && (best === undefined || c.path.length > best.path.length))
      best = c;
  }
  return best === undefined ? undefined : { command: best, rest: argv.slice(best.path.length) };
}

export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === 'help') {
    io.stdout(await usage());
    return argv.length === 0 ? 2 : 0;
  }
  const found = await findCommand(argv);
  if (found === undefined) {
    io.stderr(`parmana: unknown command "${argv.join(' ')}"\n${await usage()}`);
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
