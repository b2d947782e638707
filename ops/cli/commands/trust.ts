import type { Command } from '../command.js';

/** `parmana trust ...` sub-commands. */
export const trustCommands: readonly Command[] = [];
