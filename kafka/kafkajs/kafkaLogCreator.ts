import { logLevel, type logCreator } from 'kafkajs';
import type { Logger } from 'pino';

// Broker answers that are part of normal operation, which kafkajs logs as errors before retrying by itself:
// CONCURRENT_TRANSACTIONS (the coordinator is still finishing the previous commit), and the coordinator being
// elected, loading or moving while a group forms or rebalances (every fresh start, every broker restart).
const ROUTINE = [
  'another concurrent operation',
  'coordinator is loading',
  'coordinator is not available',
  'not the correct coordinator',
  'group is rebalancing',
  'There is no leader for this topic-partition',
];

/**
 * kafkajs log lines through pino, at the level a person reading them needs: routine retried conditions at info,
 * kafkajs's debug at debug, real errors stay errors.
 */
export function kafkaLogCreator(log: Logger): logCreator {
  return () =>
    ({ level, log: entry }) => {
      const { message, ...rest } = entry;
      const text = `${typeof rest.error === 'string' ? rest.error : ''} ${message}`;
      const routine = ROUTINE.some((r) => text.includes(r));
      const fields = { kafkajs: rest };
      if (level === logLevel.DEBUG) log.debug(fields, message);
      else if (routine) log.info(fields, message);
      else if (level === logLevel.ERROR || level === logLevel.NOTHING) log.error(fields, message);
      else if (level === logLevel.WARN) log.warn(fields, message);
      else log.info(fields, message);
    };
}
