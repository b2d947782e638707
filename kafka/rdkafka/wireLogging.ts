import type { Client, LibrdKafkaError } from 'node-rdkafka';
import type { Logger } from 'pino';
import { rdkafkaConnectionConfig, type KafkaConnection } from '../KafkaConnection.js';

/** What every librdkafka client is configured with: the brokers and credentials, its name, logs as events. */
export function baseConfig(connection: KafkaConnection, clientId: string): Record<string, string | number | boolean> {
  return {
    ...rdkafkaConnectionConfig(connection),
    'client.id': clientId,
    'socket.keepalive.enable': true,
    // Small requests must leave at once: with Nagle on, each waits for the previous one's ACK (tens of ms).
    'socket.nagle.disable': true,
    // Idle connections closed by the broker are routine; librdkafka reconnects by itself.
    'log.connection.close': false,
    event_cb: true,
    log_level: 4,
  };
}

interface LogEvent {
  readonly severity: number;
  readonly fac: string;
  readonly message: string;
}

// Conditions of every start-up and rebalance that librdkafka reports as warnings and then retries by itself.
const ROUTINE = /load in progress|Coordinator not available|not coordinator|NOT_COORDINATOR|rebalance in progress/i;

/**
 * librdkafka's own log lines and error events through pino. Routine start-up and rebalance conditions are info;
 * transport failures, leadership moves and the like (retried by librdkafka, but worth seeing) are warnings; only
 * fatal errors (the client cannot continue) are errors.
 */
export function wireLogging(client: Client<string>, log: Logger, role: string): void {
  client.on('event.log', (e: LogEvent) => {
    const fields = { rdkafka: { role, facility: e.fac } };
    if (e.severity <= 4 && !ROUTINE.test(e.message)) log.warn(fields, e.message);
    else if (e.severity <= 4) log.info(fields, e.message);
    else log.debug(fields, e.message);
  });
  client.on('event.error', (err: LibrdKafkaError) => {
    const fields = { rdkafka: { role, code: err.code, fatal: err.isFatal === true } };
    if (err.isFatal === true) log.error(fields, err.message);
    else log.warn(fields, err.message);
  });
}
