// PKCS#11 3.0 values pkcs11js does not export (its constants stop at 2.40).
export const CKK_EC_EDWARDS = 0x40;
export const CKM_EC_EDWARDS_KEY_PAIR_GEN = 0x1055;
export const CKM_EDDSA = 0x1057;
/** CKA_EC_PARAMS of Ed25519: the DER OID 1.3.101.112 (SoftHSM2 also accepts the printable string "edwards25519"). */
export const ED25519_EC_PARAMS = Buffer.from('06032b6570', 'hex');
