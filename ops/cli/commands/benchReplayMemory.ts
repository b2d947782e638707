import { replayMemory } from '../../bench/replayMemory.js';
import { loadConfig } from '../../config/config.js';
import { redisCredentials } from '../../runtime/redisCredentials.js';
import { option, UsageError } from '../args.js';
import type { Command } from '../command.js';

const benchReplayMemory: Command = {
  path: ['bench', 'replay-memory'],
  usage: 'bench replay-memory [--count N]',
  summary:
    'Bytes per terminal replay entry in Redis (REDIS_URL, or the cluster at REDIS_CLUSTER_NODES): MEMORY USAGE and used_memory growth',
  async run(args, io) {
    const count = Number(option(args, '--count') ?? '10000');
    if (!Number.isSafeInteger(count) || count <= 0) throw new UsageError('--count is a positive integer');
    const config = loadConfig(io.env, 'stack');
    const credentials = redisCredentials(config, 'admin', io.cwd);
    await replayMemory({
      config,
      root: io.cwd,
      count,
      print: io.stdout,
      ...(credentials === undefined ? {} : { credentials }),
    });
    return 0;
  },
};

/** `parmana bench replay-memory`. */
export const benchReplayMemoryCommands: readonly Command[] = [benchReplayMemory];
