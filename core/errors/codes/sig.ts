import { codes } from '../CodeEntry.js';

/**
 * External signers (SIG-xxx): the signer setting of a key role, PKCS#11 tokens and AWS KMS keys. Start-up errors are
 * not retriable (the process stops before consuming anything); a device that fails while signing is retriable, so
 * the worker pauses with nothing signed or committed until it is back.
 */
export const SIG_CODES = codes({
  'SIG-001': { message: 'Signer setting is malformed (unknown scheme or missing part)', retriable: false },
  'SIG-002': { message: 'PKCS#11 module cannot be loaded or initialised', retriable: false },
  'SIG-003': { message: 'PKCS#11 token with that label not found', retriable: false },
  'SIG-004': { message: 'PKCS#11 PIN file is missing, unreadable or readable by others', retriable: false },
  'SIG-005': { message: 'PKCS#11 login refused (wrong PIN or locked token)', retriable: false },
  'SIG-006': { message: 'No matching Ed25519 private key on the device', retriable: false },
  'SIG-007': { message: 'More than one matching private key on the device', retriable: false },
  'SIG-008': { message: 'Device key is not a usable Ed25519 signing key', retriable: false },
  'SIG-009': { message: 'Device does not offer Ed25519 signing (CKM_EDDSA with CKF_SIGN)', retriable: false },
  'SIG-010': { message: 'Signing key is not trusted for this role by the trust root', retriable: false },
  'SIG-011': { message: 'Signing device failed: nothing signed', retriable: true },
  'SIG-012': { message: 'Device signature does not verify with its public key: nothing released', retriable: true },
  'SIG-013': {
    message: 'Message too large for the signer (KMS RAW signing takes 4,096 bytes at most)',
    retriable: false,
  },
  'SIG-014': { message: 'KMS refused the key or the request', retriable: false },
});
