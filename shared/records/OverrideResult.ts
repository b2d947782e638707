/** The result half of the Avro override message (schemas/override-message.avsc). */
export interface OverrideResult {
  commandId: string;
  executionId: string;
  status: string;
  code: string | null;
  approved: boolean;
  approvedBy: string;
  approverRole: string;
  reason: string;
  decidedAt: string;
  payloadType: string | null;
  payload: Buffer | null;
  signature: string | null;
  signerKeyId: string | null;
}
