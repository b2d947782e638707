import type { TrustRoot } from '../../core/trust/TrustRoot.js';
import { envelopeOf } from '../../shared/records/envelopeOf.js';
import type { AttestationVerifier } from './AttestationVerifier.js';
import { attestationCheck, verifyOutcome, type OutcomeCheck, type SignedOutcome } from './verifyOutcome.js';

/**
 * Checks a cycle's outcomes, results in their order: attestations (nearly all of them) on the verifier (a thread
 * pool), rejections and override results on this thread. Each outcome is verified once, here, for both the log and
 * the audit rows.
 */
export async function verifyOutcomes(
  outcomes: readonly SignedOutcome[],
  root: TrustRoot,
  verifier: AttestationVerifier,
): Promise<OutcomeCheck[]> {
  const attestations = outcomes.filter((o) => o.kind === 'attestation');
  const verified = await verifier.verifyAll(attestations.map((o) => envelopeOf(o)));
  let next = 0;
  return outcomes.map((o) => {
    if (o.kind !== 'attestation') return verifyOutcome(o, root);
    const v = verified[next++];
    // The verifier answers one result per envelope; a missing one is never taken for valid.
    return v === undefined ? { valid: false, problems: ['ATT-005'] } : attestationCheck(o, v);
  });
}
