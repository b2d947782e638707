import { verifyAttestation, type AttestationChecks } from '../../core/attestation/verifyAttestation.js';
import type { TrustRoot } from '../../core/trust/TrustRoot.js';
import type { VerificationResult } from '../contract.js';

/** Runs the attestation checks and reports them as pass / fail / skipped (fingerprint is skipped without signals). */
export function verifyForApi(
  envelope: unknown,
  root: TrustRoot,
  signals?: unknown,
): Omit<VerificationResult, 'verificationId'> {
  const result = verifyAttestation(envelope, root, signals === undefined ? {} : { signals });
  const checks: Record<string, 'pass' | 'fail' | 'skipped'> = {};
  const names: (keyof AttestationChecks)[] = [
    'envelope',
    'payloadType',
    'body',
    'version',
    'signature',
    'keyKnown',
    'keyPurpose',
    'keyValidAtRequestedAt',
    'keyNotRevoked',
    'fingerprint',
  ];
  for (const name of names) {
    const value = result.checks[name];
    checks[name] = value === undefined ? 'skipped' : value ? 'pass' : 'fail';
  }
  return {
    valid: result.valid,
    checks,
    reasons: result.reasons,
    executionId: result.body?.executionId ?? null,
    signerKeyId: result.body?.signerKeyId ?? null,
  };
}
