import type { Command } from '../command.js';

/** `parmana produce ...` sub-commands. */
export const produceCommands: readonly Command[] = [];
