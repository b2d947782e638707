import type { RejectionRecord } from '../../shared/records/RejectionRecord.js';
import type { Projection, Row, VerifiedValue } from './Projection.js';
import { stageAndInsert } from './stageAndInsert.js';

const COLUMNS = [
  'source_topic',
  'source_partition',
  'source_offset',
  'execution_id',
  'policy_id',
  'policy_version',
  'code',
  'message',
  'path',
  'requested_at',
  'payload_type',
  'payload',
  'signature',
  'signer_key_id',
] as const;

/**
 * rejections -> audit_rejections, keyed by the source record so redelivery is a no-op; inside the log writer's
 * append transaction, for rejections it verified (the worker signs them like attestations).
 */
export function rejectionsProjection(topic: string): Projection<VerifiedValue> {
  return {
    name: 'rejections',
    topic,
    async write(client, records) {
      const rows: Row[] = records.map(({ source, value }) => {
        const r = value as RejectionRecord;
        return [
          source.topic,
          source.partition,
          source.offset,
          r.executionId,
          r.policyId,
          r.policyVersion,
          r.code,
          r.message,
          r.path,
          r.requestedAt,
          r.payloadType,
          r.payload,
          r.signature,
          r.signerKeyId,
        ];
      });
      return stageAndInsert(client, 'audit_rejections', COLUMNS, rows);
    },
  };
}
