import type { Command } from '../command.js';

/** `parmana policy build` and `parmana dev init`. */
export const bundleCommands: readonly Command[] = [];
