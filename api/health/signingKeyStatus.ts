import { checkKey, type TrustRoot } from '../../core/trust/TrustRoot.js';
import type { HealthResponse } from '../contract.js';

interface Beat {
  readonly status: string;
  readonly signerKeyId: string | null;
}

/**
 * The signing key the live workers report, checked against the trust root. A live worker that is paused and reports
 * no key has a failing signing device (HSM or KMS): the key is "down".
 */
export function signingKeyStatus(
  alive: readonly Beat[],
  root: TrustRoot,
  now: Date,
): { status: HealthResponse['signing_key']['status']; keyId: string | null } {
  const keyId = alive.find((b) => b.signerKeyId !== null)?.signerKeyId ?? null;
  if (keyId === null) {
    const down = alive.some((b) => b.status === 'paused' && b.signerKeyId === null);
    return { status: down ? 'down' : 'unknown', keyId };
  }
  const problems = checkKey(root, keyId, 'attestation-signing', now.toISOString());
  const status =
    problems.includes('TRU-004') || problems.includes('TRU-005')
      ? 'untrusted'
      : problems.includes('TRU-008')
        ? 'revoked'
        : problems.length > 0
          ? 'expired'
          : 'active';
  return { status, keyId };
}
