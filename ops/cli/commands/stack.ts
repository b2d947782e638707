import { ConfigError, loadConfig } from '../../config/config.js';
import { runStack, stackContext, type StackAction } from '../../stack/runStack.js';
import { StackError } from '../../stack/waitFor.js';
import type { Command, CommandIo } from '../command.js';

function stackCommand(action: StackAction, summary: string): Command {
  return {
    path: ['stack', action],
    usage: `stack ${action}`,
    summary,
    async run(_args: readonly string[], io: CommandIo): Promise<number> {
      try {
        const config = loadConfig(io.env, 'stack');
        const ok = await runStack(action, stackContext(config, io.cwd, io.stdout));
        return ok ? 0 : 1;
      } catch (err) {
        if (err instanceof StackError || err instanceof ConfigError) {
          io.stderr(`stack ${action} failed: ${err.message}`);
          return 1;
        }
        throw err;
      }
    },
  };
}

/** `parmana stack up|down|status`: the local Kafka, schema registry, Redis and Postgres (idempotent). */
export const stackCommands: readonly Command[] = [
  stackCommand('up', 'Fetch and start Kafka (KRaft), the schema registry and Redis; create the databases'),
  stackCommand('down', 'Stop the processes the stack started (by their recorded pids)'),
  stackCommand('status', 'Report each part of the stack; exit 1 when any is down'),
];
