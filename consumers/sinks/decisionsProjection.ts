import type { PoolClient } from 'pg';
import { verifyAttestation, type AttestationVerification } from '../../core/attestation/verifyAttestation.js';
import type { TrustRoot } from '../../core/trust/TrustRoot.js';
import type { AttestationRecord } from '../../shared/records/AttestationRecord.js';
import { envelopeOf } from '../../shared/records/envelopeOf.js';
import type { Projection, Row, SourcedValue } from './Projection.js';
import { inlineVerifier, type AttestationVerifier } from './AttestationVerifier.js';
import { stageAndInsert } from './stageAndInsert.js';
import { SECURITY_EVENT_COLUMNS } from './securityEventsProjection.js';
import { signatureFailureRow } from './signatureFailureRow.js';

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
 * attestations -> audit_decisions. Every attestation is verified first: a bad one becomes a critical
 * signature_failure event, never a decision row. A second, different outcome for an executionId (possible when Redis
 * lost a write) is kept out by the primary key and raised as a critical conflicting_outcome event.
 */
export function decisionsProjection(
  topic: string,
  trustRoot: () => TrustRoot,
  verifier: AttestationVerifier = inlineVerifier(trustRoot),
): Projection {
  // Results of prepare(), by record: write() runs right after, in the sink's transaction.
  const checked = new WeakMap<SourcedValue, AttestationVerification>();
  return {
    name: 'decisions',
    topic,
    async prepare(records) {
      const results = await verifier.verifyAll(records.map((r) => envelopeOf(r.value as AttestationRecord)));
      records.forEach((r, i) => {
        const result = results[i];
        if (result !== undefined) checked.set(r, result);
      });
    },
    async write(client: PoolClient, records) {
      const rows: Row[] = [];
      const events: Row[] = [];
      for (const record of records) {
        const { source, value } = record;
        const r = value as AttestationRecord;
        // Never unverified: a record prepare() did not see is checked here.
        const check = checked.get(record) ?? verifyAttestation(envelopeOf(r), trustRoot());
        const body = check.body;
        if (!check.valid || body === undefined || body.executionId !== r.executionId) {
          events.push(
            signatureFailureRow(
              'decisions',
              r,
              check.reasons[0]?.code ?? 'ATT-003',
              {
                reasons: check.reasons,
                signerKeyId: r.signerKeyId,
                topic: source.topic,
                partition: source.partition,
                offset: source.offset,
              },
              new Date().toISOString(),
            ),
          );
          continue;
        }
        rows.push([
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
        ]);
      }
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
      await stageAndInsert(client, 'audit_security_events', SECURITY_EVENT_COLUMNS, events);
      return inserted;
    },
  };
}
