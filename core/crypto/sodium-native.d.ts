// The one libsodium function Parmana calls (sodium-native ships no types of its own; it is CommonJS).
declare module 'sodium-native' {
  const sodium: {
    /** Ed25519 verification: true when the signature is valid. */
    crypto_sign_verify_detached(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
  };
  export default sodium;
}
