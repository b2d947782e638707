import type { CommandIo } from './command.js';
import { main } from './dispatch.js';

// Entry point of `parmana`: the only CLI file that touches process.env and the real stdout/stderr.
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
