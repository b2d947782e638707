/**
 * The raw 32-byte Ed25519 public key from a PKCS#11 CKA_EC_POINT value. SoftHSM2 (and the PKCS#11 3.0 text) give a
 * DER OCTET STRING around the key (04 20 || key); other tokens give the 32 bytes raw. Anything else is refused.
 */
export function ecPointToRaw(ecPoint: Uint8Array): Uint8Array | undefined {
  if (ecPoint.length === 32) return Uint8Array.from(ecPoint);
  if (ecPoint.length === 34 && ecPoint[0] === 0x04 && ecPoint[1] === 0x20) return Uint8Array.from(ecPoint.subarray(2));
  return undefined;
}
