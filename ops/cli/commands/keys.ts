import type { Command } from '../command.js';

/** `parmana keys ...` sub-commands. */
export const keysCommands: readonly Command[] = [];
