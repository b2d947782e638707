import type { Envelope } from '../../core/dsse/Envelope.js';
import { verifyAttestation, type AttestationVerification } from '../../core/attestation/verifyAttestation.js';
import type { TrustRoot } from '../../core/trust/TrustRoot.js';

/** Checks attestations against the trust root; results come back in the order of the envelopes. */
export interface AttestationVerifier {
  verifyAll(envelopes: readonly Envelope[]): Promise<AttestationVerification[]>;
  close(): Promise<void>;
}

/** On the calling thread: the consumer's own core does the Ed25519 checks. */
export function inlineVerifier(trustRoot: () => TrustRoot): AttestationVerifier {
  return {
    verifyAll: (envelopes) => Promise.resolve(envelopes.map((e) => verifyAttestation(e, trustRoot()))),
    close: () => Promise.resolve(),
  };
}
