import type { Command } from '../command.js';

/** `parmana verify ...` sub-commands. */
export const verifyCommands: readonly Command[] = [];
