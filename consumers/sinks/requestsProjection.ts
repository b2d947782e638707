import type { ExecutionRequestRecord } from '../worker/records.js';
import type { Projection, Row } from './Projection.js';
import { stageAndInsert } from './stageAndInsert.js';

const COLUMNS = [
  'execution_id',
  'source_topic',
  'source_partition',
  'source_offset',
  'policy_id',
  'policy_version',
  'signals',
  'requested_at',
  'requested_by',
] as const;

/**
 * requests -> audit_requests: every request as the worker consumed it, so `parmana audit rederive` can decide a
 * logged decision again. Keyed by executionId and the record's place (the attestation's provenance names both).
 */
export function requestsProjection(topic: string): Projection {
  return {
    name: 'requests',
    topic,
    // The worker dead-letters undecodable requests; a second copy from here would duplicate them.
    deadLetters: false,
    write(client, records) {
      const rows: Row[] = records.map(({ source, value }) => {
        const r = value as ExecutionRequestRecord;
        return [
          r.executionId,
          source.topic,
          source.partition,
          source.offset,
          r.policyId,
          r.policyVersion,
          r.signals,
          r.requestedAt,
          r.requestedBy,
        ];
      });
      return stageAndInsert(client, 'audit_requests', COLUMNS, rows);
    },
  };
}
