import { logLevel, type logCreator } from 'kafkajs';
import type { Logger } from 'pino';

/**
 * kafkajs log lines through pino. CONCURRENT_TRANSACTIONS answers are part of normal transactional operation (the
 * coordinator is still finishing the previous commit and the client retries in milliseconds), so they go to debug.
 */
export function kafkaLogCreator(log: Logger): logCreator {
  return () =>
    ({ level, log: entry }) => {
      const { message, ...rest } = entry;
      const routine = typeof rest.error === 'string' && rest.error.includes('another concurrent operation');
      const fields = { kafkajs: rest };
      if (routine || level === logLevel.DEBUG) log.debug(fields, message);
      else if (level === logLevel.ERROR || level === logLevel.NOTHING) log.error(fields, message);
      else if (level === logLevel.WARN) log.warn(fields, message);
      else log.info(fields, message);
    };
}
