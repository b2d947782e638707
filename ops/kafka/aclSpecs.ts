import type { Config } from '../config/config.js';

export type AclResource = 'topic' | 'group' | 'transactional-id';
export type AclOperation = 'read' | 'write';

/** One ALLOW binding: a principal may do one operation on a resource named exactly, or on every name with a prefix. */
export interface AclSpec {
  readonly principal: string;
  readonly resource: AclResource;
  readonly name: string;
  readonly pattern: 'literal' | 'prefixed';
  readonly operation: AclOperation;
}

/** The user name of each Kafka principal the product's processes log in as. */
export interface KafkaPrincipalNames {
  readonly worker: string;
  readonly api: string;
  readonly sinks: string;
  readonly logWriter: string;
  readonly logMonitor: string;
  readonly producer: string;
  readonly subscriber: string;
}

type Topics = Pick<
  Config,
  | 'topicRequests'
  | 'topicAttestations'
  | 'topicRejections'
  | 'topicOverrides'
  | 'topicSecurityEvents'
  | 'topicVerifications'
  | 'topicApiCalls'
  | 'topicDeadLetter'
  | 'topicHeartbeats'
  | 'topicLogCheckpoints'
>;

/**
 * Least privilege per process kind, derived from the configured topic names and client id, so each pipeline
 * (and each test's own topics) gets exactly its bindings. READ implies DESCRIBE (group lag, offsets) and WRITE
 * implies DESCRIBE; idempotent producers need WRITE on a topic only (Kafka ≥ 3.0). Groups and transactional ids
 * are prefixed by the process's own client id: `<clientId>-worker…`, `<clientId>-sinks…`, and so on, which is how
 * every process names them (per-instance groups and transactional ids share the prefix).
 */
export function aclSpecs(c: Topics & Pick<Config, 'clientId'>, who: KafkaPrincipalNames): AclSpec[] {
  const out: AclSpec[] = [];
  const topics = (principal: string, operation: AclOperation, names: readonly string[]): void => {
    for (const name of names) out.push({ principal, resource: 'topic', name, pattern: 'literal', operation });
  };
  const groups = (principal: string, prefix: string): void => {
    out.push({ principal, resource: 'group', name: `${c.clientId}-${prefix}`, pattern: 'prefixed', operation: 'read' });
  };
  // The worker: requests and override commands in; outcomes, override results, security events, dead letters and
  // heartbeats out, inside its transactions.
  topics(who.worker, 'read', [c.topicRequests, c.topicOverrides]);
  topics(who.worker, 'write', [
    c.topicAttestations,
    c.topicRejections,
    c.topicOverrides,
    c.topicSecurityEvents,
    c.topicDeadLetter,
    c.topicHeartbeats,
  ]);
  groups(who.worker, 'worker');
  out.push({
    principal: who.worker,
    resource: 'transactional-id',
    name: `${c.clientId}-worker`,
    pattern: 'prefixed',
    operation: 'write',
  });
  // The API: requests, override commands, its own audit records and the security events it sees (401, 403, 429, a
  // tampered attestation at /verify) out; outcomes and heartbeats in.
  topics(who.api, 'write', [
    c.topicRequests,
    c.topicOverrides,
    c.topicSecurityEvents,
    c.topicVerifications,
    c.topicApiCalls,
  ]);
  topics(who.api, 'read', [c.topicAttestations, c.topicRejections, c.topicOverrides, c.topicHeartbeats]);
  groups(who.api, 'api');
  // The sinks project the unsigned audited topics (the log writer projects the outcomes); they write dead letters and
  // heartbeats only.
  topics(who.sinks, 'read', [c.topicSecurityEvents, c.topicVerifications, c.topicApiCalls, c.topicRequests]);
  topics(who.sinks, 'write', [c.topicDeadLetter, c.topicHeartbeats]);
  groups(who.sinks, 'sinks');
  // The log writer reads the outcomes it logs and projects and publishes signed checkpoints; an outcome whose
  // signature does not verify goes to the dead letters with a signature_failure event instead of into the log.
  topics(who.logWriter, 'read', [c.topicAttestations, c.topicRejections, c.topicOverrides]);
  topics(who.logWriter, 'write', [c.topicLogCheckpoints, c.topicDeadLetter, c.topicSecurityEvents]);
  groups(who.logWriter, 'log-writer');
  // The monitor follows the checkpoints only.
  topics(who.logMonitor, 'read', [c.topicLogCheckpoints]);
  groups(who.logMonitor, 'log-monitor');
  // The producer SDK submits requests; a downstream subscriber reads attestations, in groups `<clientId>-subscriber…`.
  topics(who.producer, 'write', [c.topicRequests]);
  topics(who.subscriber, 'read', [c.topicAttestations]);
  groups(who.subscriber, 'subscriber');
  return out;
}
