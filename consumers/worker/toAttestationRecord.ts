import type { AttestationBody } from '../../core/attestation/AttestationBody.js';
import { PAYLOAD_TYPES, type SignedBytes } from '../../core/dsse/Envelope.js';
import type { AttestationRecord } from '../../shared/records/AttestationRecord.js';

/** The Avro attestation record: the signed bytes verbatim plus copies of a few fields for routing and queries. */
export function toAttestationRecord(
  body: AttestationBody,
  signed: SignedBytes,
  traceparent: string | null,
): AttestationRecord {
  return {
    executionId: body.executionId,
    policyId: body.policyId,
    policyVersion: body.policyVersion,
    action: body.decision.action,
    requiresOverride: body.decision.requires_override,
    executionState: body.execution_state,
    ruleId: body.decision.ruleId,
    executionFingerprint: body.execution_fingerprint,
    requestedAt: body.requestedAt,
    payloadType: PAYLOAD_TYPES.attestation,
    payload: signed.payload,
    signature: signed.signature.toString('base64'),
    signerKeyId: signed.keyId,
    traceparent,
  };
}
