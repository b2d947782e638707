import type { Command } from '../command.js';
import { keysCommands } from './keys.js';
import { policyCommands } from './policy.js';
import { stackCommands } from './stack.js';
import { trustCommands } from './trust.js';
import { verifyCommands } from './verify.js';

/** Every sub-command of `parmana`; each area contributes its own list. */
export const COMMANDS: readonly Command[] = [
  ...stackCommands,
  ...policyCommands,
  ...keysCommands,
  ...trustCommands,
  ...verifyCommands,
];
