import type { KafkaConnection } from '../../kafka/KafkaConnection.js';
import type { Config } from '../config/config.js';
import { configuredCredentials } from './configuredCredentials.js';

/** The process kinds that connect to Kafka, each as its own principal (docs/operations.md, "Kafka principals"). */
export type KafkaPrincipal = 'worker' | 'api' | 'sinks' | 'logWriter' | 'logMonitor' | 'producer' | 'admin';

const VARIABLE = {
  worker: 'kafkaCredentialsWorker',
  api: 'kafkaCredentialsApi',
  sinks: 'kafkaCredentialsSinks',
  logWriter: 'kafkaCredentialsLogWriter',
  logMonitor: 'kafkaCredentialsLogMonitor',
  producer: 'kafkaCredentialsProducer',
  admin: 'kafkaCredentialsAdmin',
} as const satisfies Record<KafkaPrincipal, keyof Config>;

/**
 * The brokers and this process's own credentials (read once, at start-up, from the file its variable names; a
 * relative path is taken from the working directory). No file configured: no authentication.
 */
export function kafkaConnection(
  config: Pick<Config, 'kafkaBrokers' | (typeof VARIABLE)[KafkaPrincipal]>,
  principal: KafkaPrincipal,
  cwd: string = process.cwd(),
): KafkaConnection {
  const sasl = configuredCredentials(config[VARIABLE[principal]], cwd);
  return Object.freeze(sasl === undefined ? { brokers: config.kafkaBrokers } : { brokers: config.kafkaBrokers, sasl });
}
