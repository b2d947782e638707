import type { Command } from '../command.js';

/** `parmana worker ...` sub-commands. */
export const workerCommands: readonly Command[] = [];
