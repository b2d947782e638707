/** The Avro attestation record (schemas/attestation.avsc). */
export interface AttestationRecord {
  executionId: string;
  policyId: string;
  policyVersion: string;
  action: string;
  requiresOverride: boolean;
  executionState: string;
  ruleId: string;
  executionFingerprint: string;
  requestedAt: string;
  payloadType: string;
  payload: Buffer;
  signature: string;
  signerKeyId: string;
  traceparent: string | null;
}
