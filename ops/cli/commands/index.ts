import type { Command } from '../command.js';
import { apiCommands } from './api.js';
import { auditCommands } from './audit.js';
import { logCommands } from './log.js';
import { benchCommands } from './bench.js';
import { benchReplayMemoryCommands } from './benchReplayMemory.js';
import { benchSignerCommands } from './benchSigner.js';
import { produceCommands } from './produce.js';
import { sinksCommands } from './sinks.js';
import { workerCommands } from './worker.js';
import { dbCommands } from './db.js';
import { bundleCommands } from './bundle.js';
import { keysCommands } from './keys.js';
import { policyCommands } from './policy.js';
import { stackCommands } from './stack.js';
import { trustCommands } from './trust.js';
import { verifyCommands } from './verify.js';

/** Every sub-command of `parmana`; each area contributes its own list. */
export const COMMANDS: readonly Command[] = [
  ...stackCommands,
  ...policyCommands,
  ...bundleCommands,
  ...keysCommands,
  ...trustCommands,
  ...verifyCommands,
  ...produceCommands,
  ...sinksCommands,
  ...workerCommands,
  ...dbCommands,
  ...benchCommands,
  ...benchSignerCommands,
  ...benchReplayMemoryCommands,
  ...apiCommands,
  ...auditCommands,
  ...logCommands,
];
