import type { ClientBase } from 'pg';
import { ParmanaError } from '../../core/errors/ParmanaError.js';
import type { AttestationRecord } from '../../shared/records/AttestationRecord.js';
import type { Projection, Row, VerifiedValue } from './Projection.js';
import { stageAndInsert } from './stageAndInsert.js';
import { SECURITY_EVENT_COLUMNS } from './securityEventsProjection.js';

export const DECISION_COLUMNS = [
  'execution_id',
  'policy_id',
  'policy_version',
  'action',
  'requires_override',
  'execution_state',
  'rule_id',
  'execution_fingerprint',
  'requested_at',
  'payload_type',
  'payload',
  'signature',
  'signer_key_id',
  'bundle_hash',
  'trust_root_version',
  'source_topic',
  'source_partition',
  'source_offset',
] as const;

/**
 * attestations -> audit_decisions, inside the log writer's append transaction, for attestations it verified (their
 * bodies come from the verification: nothing is parsed or checked twice). A second, different outcome for an
 * executionId (possible when Redis lost a write) is kept out by the primary key and raised as a critical
 * conflicting_outcome event.
 */
export function decisionsProjection(topic: string): Projection<VerifiedValue> {
  return {
    name: 'decisions',
    topic,
    async write(client: ClientBase, records) {
      const rows: Row[] = records.map(({ source, value, attestation: body }) => {
        const r = value as AttestationRecord;
        // Fail closed: the log writer hands over only what verified, with its body.
        if (body === undefined) {
          throw new ParmanaError('ATT-005', { detail: `unverified attestation ${source.topic}:${source.offset}` });
        }
        return [
          body.executionId,
          body.policyId,
          body.policyVersion,
          body.decision.action,
          body.decision.requires_override,
          body.execution_state,
          body.decision.ruleId,
          body.execution_fingerprint,
          body.requestedAt,
          r.payloadType,
          r.payload,
          r.signature,
          r.signerKeyId,
          body.bundleHash,
          body.trustRootVersion,
          source.topic,
          source.partition,
          source.offset,
        ];
      });
      const inserted = await stageAndInsert(client, 'audit_decisions', DECISION_COLUMNS, rows);
      // Rows the conflict clause skipped are redeliveries or a second outcome for an executionId: only then is the
      // staging table (this batch's rows until COMMIT) compared with what is stored.
      if (inserted < rows.length) {
        await client.query(
          `INSERT INTO audit_security_events (${SECURITY_EVENT_COLUMNS.join(', ')})
        SELECT encode(sha256(convert_to('conflicting_outcome:', 'UTF8') || s.payload), 'hex'),
               'conflicting_outcome', 'critical', s.execution_id, 'sink:decisions', 'INV-013',
               jsonb_build_object('stored_fingerprint', d.execution_fingerprint, 'new_fingerprint', s.execution_fingerprint,
                                  'stored_source', d.source_topic || ':' || d.source_partition || ':' || d.source_offset,
                                  'new_source', s.source_topic || ':' || s.source_partition || ':' || s.source_offset),
               now()
        FROM stage_audit_decisions s JOIN audit_decisions d ON d.execution_id = s.execution_id
        WHERE d.payload <> s.payload
        ON CONFLICT DO NOTHING`,
        );
      }
      return inserted;
    },
  };
}
