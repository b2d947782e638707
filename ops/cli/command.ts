/** One CLI sub-command. `run` returns the process exit code; it never calls process.exit itself. */
export interface Command {
  /** Words that select the command, e.g. ['policy', 'compile']. */
  readonly path: readonly string[];
  readonly usage: string;
  readonly summary: string;
  run(args: readonly string[], io: CommandIo): Promise<number>;
}

/** Output channels and environment handed to commands, so tests can run them in-process too. */
export interface CommandIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}
