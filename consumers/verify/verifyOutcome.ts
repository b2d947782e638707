import type { AttestationBody } from '../../core/attestation/AttestationBody.js';
import { verifyAttestation, type AttestationVerification } from '../../core/attestation/verifyAttestation.js';
import { PAYLOAD_TYPES } from '../../core/dsse/Envelope.js';
import { verifySigned } from '../../core/dsse/verifySigned.js';
import type { LogEntryKind } from '../../core/log/logEntry.js';
import type { TrustRoot } from '../../core/trust/TrustRoot.js';
import { envelopeOf } from '../../shared/records/envelopeOf.js';

/** A signed outcome as read from its topic: the signed bytes verbatim and the time its key must have been valid at. */
export interface SignedOutcome {
  readonly kind: LogEntryKind;
  readonly executionId: string;
  readonly payloadType: string;
  readonly payload: Buffer;
  readonly signature: string;
  readonly signerKeyId: string;
  /**
   * When the signing key must have been valid: requestedAt (attestations, as verifyAttestation), decidedAt (override
   * results), the record's Kafka timestamp (rejections: their requestedAt is the refused request's own).
   */
  readonly at: string;
}

export interface OutcomeCheck {
  readonly valid: boolean;
  /** The first failed check's code (ATT-…, TRU-…); empty when valid. */
  readonly problems: readonly string[];
  /** The verified body of a valid attestation. */
  readonly attestation?: AttestationBody;
}

const PAYLOAD_TYPE_OF: Readonly<Record<LogEntryKind, string>> = {
  attestation: PAYLOAD_TYPES.attestation,
  rejection: PAYLOAD_TYPES.rejection,
  override: PAYLOAD_TYPES.override,
};

/**
 * Whether an outcome may enter the transparency log: signed by a key the trust root lists for attestations and
 * valid at the outcome's time, with the payload type of its topic and (attestations) a body naming the record's
 * executionId. A record forged onto an outcome topic by any principal that may write there fails here.
 */
export function verifyOutcome(o: SignedOutcome, root: TrustRoot): OutcomeCheck {
  if (o.payloadType !== PAYLOAD_TYPE_OF[o.kind]) return { valid: false, problems: ['ATT-002'] };
  if (o.kind === 'attestation') return attestationCheck(o, verifyAttestation(envelopeOf(o), root));
  const v = verifySigned(o.payloadType, o.payload, o.signature, o.signerKeyId, root, 'attestation-signing', o.at);
  return { valid: v.valid, problems: v.problems };
}

/** An attestation's check from its verification (done here or on a verifier thread): it must name its record's id. */
export function attestationCheck(o: SignedOutcome, v: AttestationVerification): OutcomeCheck {
  if (o.payloadType !== PAYLOAD_TYPES.attestation) return { valid: false, problems: ['ATT-002'] };
  if (!v.valid) return { valid: false, problems: v.reasons.map((r) => r.code) };
  if (v.body === undefined || v.body.executionId !== o.executionId) return { valid: false, problems: ['ATT-003'] };
  return { valid: true, problems: [], attestation: v.body };
}
