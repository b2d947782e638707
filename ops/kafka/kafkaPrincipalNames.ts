import type { Config } from '../config/config.js';
import { PRINCIPALS } from '../credentials/principals.js';
import { kafkaConnection, type KafkaPrincipal } from '../runtime/kafkaConnection.js';
import type { KafkaPrincipalNames } from './aclSpecs.js';

function defaultName(kind: string): string {
  const p = PRINCIPALS.find((q) => q.component === 'kafka' && q.process === kind);
  if (p === undefined) throw new Error(`no Kafka principal ${kind}`);
  return p.username;
}

/**
 * Whom the ACLs name: each process's user from its configured credentials file (an operator may rename a user
 * there), the stack's default name otherwise. The subscriber is a downstream system: always its default name.
 */
export function kafkaPrincipalNames(config: Config, cwd: string): KafkaPrincipalNames {
  const name = (kind: KafkaPrincipal, file: string): string =>
    kafkaConnection(config, kind, cwd).sasl?.username ?? defaultName(file);
  return {
    worker: name('worker', 'worker'),
    api: name('api', 'api'),
    sinks: name('sinks', 'sinks'),
    logWriter: name('logWriter', 'log-writer'),
    logMonitor: name('logMonitor', 'log-monitor'),
    producer: name('producer', 'producer'),
    subscriber: defaultName('subscriber'),
  };
}
