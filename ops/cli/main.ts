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
  return found.command.run(found.rest, io);
}

const io: CommandIo = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  cwd: process.cwd(),
};

main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`parmana: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
