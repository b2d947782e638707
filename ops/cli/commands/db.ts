import type { Command } from '../command.js';

/** `parmana db ...` sub-commands. */
export const dbCommands: readonly Command[] = [];
