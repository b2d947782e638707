import type { Command } from '../command.js';

/** `parmana sinks ...` sub-commands. */
export const sinksCommands: readonly Command[] = [];
