import { concatBytes, utf8Encode } from './encoding.js';

/**
 * DSSE pre-authentication encoding: "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths as ASCII decimal
 * byte counts (core/dsse/pae.ts, without Buffer).
 */
export function pae(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = utf8Encode(payloadType);
  return concatBytes(utf8Encode(`DSSEv1 ${type.length} `), type, utf8Encode(` ${payload.length} `), payload);
}

export const PAYLOAD_TYPES = {
  attestation: 'application/vnd.parmana.attestation+json;version=1',
  trustRoot: 'application/vnd.parmana.trust-root+json;version=1',
} as const;
