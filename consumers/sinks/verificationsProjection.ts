import type { Projection, Row } from './Projection.js';
import { stageAndInsert } from './stageAndInsert.js';

const COLUMNS = [
  'verification_id',
  'execution_id',
  'valid',
  'checks',
  'reasons',
  'signer_key_id',
  'source',
  'requested_by',
  'verified_at',
] as const;

interface VerificationRecord {
  verificationId: string;
  executionId: string | null;
  valid: boolean;
  checks: string;
  reasons: string;
  signerKeyId: string | null;
  source: string;
  requestedBy: string | null;
  verifiedAt: string;
}

function json(text: string, fallback: string): string {
  try {
    JSON.parse(text);
    return text;
  } catch {
    return fallback;
  }
}

/** verifications -> audit_verifications (verificationId is the idempotency key). */
export function verificationsProjection(topic: string): Projection {
  return {
    name: 'verifications',
    topic,
    write(client, records) {
      const rows: Row[] = records.map(({ value }) => {
        const v = value as VerificationRecord;
        return [
          v.verificationId,
          v.executionId,
          v.valid,
          json(v.checks, '{}'),
          json(v.reasons, '[]'),
          v.signerKeyId,
          v.source,
          v.requestedBy,
          v.verifiedAt,
        ];
      });
      return stageAndInsert(client, 'audit_verifications', COLUMNS, rows);
    },
  };
}
