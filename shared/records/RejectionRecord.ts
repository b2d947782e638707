/** The Avro rejection record (schemas/rejection.avsc). */
export interface RejectionRecord {
  executionId: string;
  policyId: string;
  policyVersion: string;
  code: string;
  message: string;
  path: string | null;
  requestedAt: string;
  payloadType: string;
  payload: Buffer;
  signature: string;
  signerKeyId: string;
  traceparent: string | null;
}
