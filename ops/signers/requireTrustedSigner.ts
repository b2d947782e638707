import { ParmanaError } from '../../core/errors/ParmanaError.js';
import { checkKey, type KeyPurpose, type TrustRoot } from '../../core/trust/TrustRoot.js';

/**
 * The key a device or file holds must be one the trust root lists for this role, valid now and not revoked: the
 * key id is computed from the public key the signer read, so a swapped key on the device is caught here.
 */
export function requireTrustedSigner(root: TrustRoot, keyId: string, purpose: KeyPurpose, at: string): void {
  const problems = checkKey(root, keyId, purpose, at);
  if (problems.length > 0)
    throw new ParmanaError('SIG-010', {
      detail: `key ${keyId} for ${purpose} in trust root v${root.version}: ${problems.join(', ')}`,
    });
}
