import type { Config } from '../config/config.js';

/** What every stack part is given: the validated configuration, absolute folders and an output line sink. */
export interface StackContext {
  readonly config: Config;
  /** Repository root (absolute). */
  readonly root: string;
  /** Data, logs and pids (absolute; PARMANA_STACK_DIR). */
  readonly stackDir: string;
  /** Fetched artifacts (absolute; ops/.cache, ignored by git). */
  readonly cacheDir: string;
  readonly print: (line: string) => void;
}

export interface PartStatus {
  readonly running: boolean;
  readonly detail: string;
}

/** One service of the local stack. `up` and `down` are idempotent. */
export interface StackPart {
  readonly name: string;
  /** Where the part records its process id, for parts the stack runs itself (not the machine's Postgres). */
  readonly pidFile?: (stackDir: string) => string;
  up(ctx: StackContext): Promise<string>;
  down(ctx: StackContext): Promise<string>;
  status(ctx: StackContext): Promise<PartStatus>;
}
