export const ATTESTATION_VERSION = '1';

export interface AttestationDecision {
  readonly action: string;
  readonly requires_override: boolean;
  readonly reason: string;
  readonly ruleId: string;
}

export interface Provenance {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** The signed body. A pure function of the request, the bundle and the key: no clock, no randomness. */
export interface AttestationBody {
  readonly attestationVersion: string;
  readonly executionId: string;
  readonly execution_fingerprint: string;
  readonly policyId: string;
  readonly policyVersion: string;
  readonly schemaVersion: string;
  readonly decision: AttestationDecision;
  readonly execution_state: 'completed' | 'pending_override';
  readonly signalsHash: string;
  readonly bundleHash: string;
  readonly trustRootVersion: number;
  readonly releaseManifestHash: string;
  readonly runtimeVersion: string;
  readonly signerKeyId: string;
  readonly requestedAt: string;
  readonly provenance?: Provenance;
}

export interface AttestationInput {
  readonly executionId: string;
  readonly policyId: string;
  readonly policyVersion: string;
  readonly schemaVersion: string;
  readonly signals: Readonly<Record<string, unknown>>;
  readonly decision: AttestationDecision;
  readonly bundleHash: string;
  readonly trustRootVersion: number;
  readonly releaseManifestHash: string;
  readonly runtimeVersion: string;
  readonly signerKeyId: string;
  readonly requestedAt: string;
  readonly provenance?: Provenance;
  /** Precomputed when the caller already has it (the worker computes it for the replay check). */
  readonly fingerprint?: string;
}
