import type { Command } from '../command.js';
import { stackCommands } from './stack.js';

/** Every sub-command of `parmana`; each area contributes its own list. */
export const COMMANDS: readonly Command[] = [...stackCommands];
