import type { Config } from '../config/config.js';

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  /** Avro schema file in schemas/ registered under `<name>-value`; none for the raw dead-letter topic. */
  readonly schemaFile?: string;
  readonly configEntries?: readonly { name: string; value: string }[];
}

/** Every topic of the product with its partition count from configuration. */
export function topicSpecs(c: Config): TopicSpec[] {
  return [
    { name: c.topicRequests, partitions: c.partitionsRequests, schemaFile: 'execution-request.avsc' },
    { name: c.topicAttestations, partitions: c.partitionsOutcomes, schemaFile: 'attestation.avsc' },
    { name: c.topicRejections, partitions: c.partitionsOutcomes, schemaFile: 'rejection.avsc' },
    // Keyed by executionId with as many partitions as requests: a command reaches the worker owning the request.
    { name: c.topicOverrides, partitions: c.partitionsRequests, schemaFile: 'override-message.avsc' },
    { name: c.topicSecurityEvents, partitions: c.partitionsAudit, schemaFile: 'security-event.avsc' },
    { name: c.topicVerifications, partitions: c.partitionsAudit, schemaFile: 'verification.avsc' },
    { name: c.topicApiCalls, partitions: c.partitionsAudit, schemaFile: 'api-call.avsc' },
    {
      name: c.topicDeadLetter,
      partitions: c.partitionsAudit,
      configEntries: [{ name: 'retention.ms', value: String(30 * 86_400_000) }],
    },
    // Signed notes as plain text (self-describing and signed: no Avro envelope). One partition keeps them in order;
    // kept forever, like the log they commit to.
    {
      name: c.topicLogCheckpoints,
      partitions: 1,
      configEntries: [{ name: 'retention.ms', value: '-1' }],
    },
    // Compacted: a reader starting from the beginning gets each instance's latest beat without replaying history.
    // Short segments and a low dirty ratio let the cleaner run: the active segment is never compacted.
    {
      name: c.topicHeartbeats,
      partitions: 1,
      schemaFile: 'heartbeat.avsc',
      configEntries: [
        { name: 'cleanup.policy', value: 'compact' },
        { name: 'segment.ms', value: String(10 * 60_000) },
        { name: 'min.cleanable.dirty.ratio', value: '0.1' },
      ],
    },
  ];
}
