import { hashCanonical } from '../hash/hashCanonical.js';

/** SHA-256 of canonical {policyId, policyVersion, signals} with the signals already validated and normalised. */
export function executionFingerprint(policyId: string, policyVersion: string, signals: unknown): string {
  return hashCanonical({ policyId, policyVersion, signals });
}

export function signalsHash(signals: unknown): string {
  return hashCanonical(signals);
}
