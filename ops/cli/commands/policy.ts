import type { Command } from '../command.js';

/** `parmana policy ...` sub-commands. */
export const policyCommands: readonly Command[] = [];
