import { verifyEd25519 } from '../crypto/verifyEd25519.js';
import { checkKey, type KeyPurpose, type TrustRoot } from '../trust/TrustRoot.js';
import { pae } from './pae.js';

/**
 * Verifies a detached signed record (rejection, override result, attestation bytes) against the trust root at time
 * `at`: signature over the PAE, key known, purpose and validity. Never throws.
 */
export function verifySigned(
  payloadType: string,
  payload: Uint8Array,
  signatureB64: string,
  keyId: string,
  root: TrustRoot,
  purpose: KeyPurpose,
  at: string,
): { valid: boolean; problems: string[] } {
  const key = root.keys.find((k) => k.keyId === keyId);
  if (key === undefined) return { valid: false, problems: ['TRU-004'] };
  const problems: string[] = checkKey(root, keyId, purpose, at);
  if (!verifyEd25519(key.publicKeyRaw, pae(payloadType, payload), Buffer.from(signatureB64, 'base64')))
    problems.unshift('ATT-005');
  return { valid: problems.length === 0, problems };
}
