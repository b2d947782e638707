import type { TrustRoot } from '../../core/trust/TrustRoot.js';
import type { RejectionRecord } from '../../shared/records/RejectionRecord.js';
import { verifyOutcome } from '../verify/verifyOutcome.js';
import type { Projection, Row } from './Projection.js';
import { SECURITY_EVENT_COLUMNS } from './securityEventsProjection.js';
import { signatureFailureRow } from './signatureFailureRow.js';
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
 * rejections -> audit_rejections, keyed by the source record so redelivery is a no-op. Each rejection is verified
 * first (the worker signs them like attestations): a bad one becomes a critical signature_failure event, never a row.
 */
export function rejectionsProjection(topic: string, trustRoot: () => TrustRoot): Projection {
  return {
    name: 'rejections',
    topic,
    async write(client, records) {
      const rows: Row[] = [];
      const events: Row[] = [];
      for (const { source, value, writtenAt } of records) {
        const r = value as RejectionRecord;
        const check = verifyOutcome({ ...r, kind: 'rejection', at: writtenAt }, trustRoot());
        if (!check.valid) {
          events.push(
            signatureFailureRow(
              'rejections',
              r,
              check.problems[0] ?? 'ATT-005',
              { problems: check.problems, signerKeyId: r.signerKeyId, ...source },
              new Date().toISOString(),
            ),
          );
          continue;
        }
        rows.push([
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
        ]);
      }
      await stageAndInsert(client, 'audit_security_events', SECURITY_EVENT_COLUMNS, events);
      return stageAndInsert(client, 'audit_rejections', COLUMNS, rows);
    },
  };
}
