import type { Signer } from '../crypto/Signer.js';
import type { SigningPort } from '../crypto/SigningPort.js';
import {
  PAYLOAD_TYPES,
  signCanonical,
  signCanonicalAsync,
  toEnvelope,
  type Envelope,
  type SignedBytes,
} from '../dsse/Envelope.js';
import { ATTESTATION_VERSION, type AttestationBody, type AttestationInput } from './AttestationBody.js';
import { executionFingerprint, signalsHash } from './executionFingerprint.js';

export function buildAttestationBody(input: AttestationInput): AttestationBody {
  const body: AttestationBody = {
    attestationVersion: ATTESTATION_VERSION,
    executionId: input.executionId,
    execution_fingerprint:
      input.fingerprint ?? executionFingerprint(input.policyId, input.policyVersion, input.signals),
    policyId: input.policyId,
    policyVersion: input.policyVersion,
    schemaVersion: input.schemaVersion,
    decision: {
      action: input.decision.action,
      requires_override: input.decision.requires_override,
      reason: input.decision.reason,
      ruleId: input.decision.ruleId,
    },
    execution_state: input.decision.requires_override ? 'pending_override' : 'completed',
    signalsHash: signalsHash(input.signals),
    bundleHash: input.bundleHash,
    trustRootVersion: input.trustRootVersion,
    releaseManifestHash: input.releaseManifestHash,
    runtimeVersion: input.runtimeVersion,
    signerKeyId: input.signerKeyId,
    requestedAt: input.requestedAt,
  };
  return input.provenance === undefined ? body : { ...body, provenance: input.provenance };
}

/** Signs an attestation body: Ed25519 over the DSSE PAE of its canonical bytes. */
export function signAttestation(body: AttestationBody, signer: Signer): SignedBytes {
  return signCanonical(PAYLOAD_TYPES.attestation, body, signer);
}

export function signAttestationAsync(body: AttestationBody, signer: SigningPort): Promise<SignedBytes> {
  return signCanonicalAsync(PAYLOAD_TYPES.attestation, body, signer);
}

export function attestationEnvelope(body: AttestationBody, signer: Signer): Envelope {
  return toEnvelope(PAYLOAD_TYPES.attestation, signAttestation(body, signer));
}
