import { canonicalBytes } from '../canonical/canonicalize.js';
import type { Signer } from '../crypto/Signer.js';
import type { SigningPort } from '../crypto/SigningPort.js';
import type { EnvelopeJson } from './EnvelopeJson.js';
import { pae } from './pae.js';

/** A DSSE envelope with one signature, as JSON (defined in EnvelopeJson.ts, which the dashboard can compile). */
export type Envelope = EnvelopeJson;

export const PAYLOAD_TYPES = {
  attestation: 'application/vnd.parmana.attestation+json;version=1',
  rejection: 'application/vnd.parmana.rejection+json;version=1',
  override: 'application/vnd.parmana.override+json;version=1',
  bundle: 'application/vnd.parmana.bundle+json;version=1',
  trustRoot: 'application/vnd.parmana.trust-root+json;version=1',
} as const;

export interface SignedBytes {
  readonly payload: Buffer;
  readonly signature: Buffer;
  readonly keyId: string;
}

/** Canonicalises `body` and signs its PAE; returns the exact signed bytes and the signature. */
export function signCanonical(payloadType: string, body: unknown, signer: Signer): SignedBytes {
  const payload = canonicalBytes(body);
  return { payload, signature: Buffer.from(signer.sign(pae(payloadType, payload))), keyId: signer.keyId };
}

/** As signCanonical, through an asynchronous signer (HSM, KMS or file key). */
export async function signCanonicalAsync(
  payloadType: string,
  body: unknown,
  signer: SigningPort,
): Promise<SignedBytes> {
  const payload = canonicalBytes(body);
  const signature = Buffer.from(await signer.signAsync(pae(payloadType, payload)));
  return { payload, signature, keyId: signer.keyId };
}

export function toEnvelope(payloadType: string, signed: SignedBytes): Envelope {
  return {
    payloadType,
    payload: signed.payload.toString('base64'),
    signatures: [{ keyid: signed.keyId, sig: signed.signature.toString('base64') }],
  };
}
