import type { Command } from '../command.js';

/** Placeholder replaced by the local stack implementation (ops/stack). */
export const stackCommands: readonly Command[] = [];
