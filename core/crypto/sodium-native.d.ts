// The libsodium functions Parmana calls (sodium-native ships no types of its own; it is CommonJS).
declare module 'sodium-native' {
  const sodium: {
    /** Ed25519 verification: true when the signature is valid. */
    crypto_sign_verify_detached(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
    /** Writes the 64-byte signature of message into signature. */
    crypto_sign_detached(signature: Uint8Array, message: Uint8Array, secretKey: Uint8Array): void;
    /** Derives the key pair of a 32-byte seed (secretKey: 64 bytes, seed then public key). */
    crypto_sign_seed_keypair(publicKey: Uint8Array, secretKey: Uint8Array, seed: Uint8Array): void;
    /** A buffer outside the JavaScript heap, guarded and locked in memory, zeroed when freed. */
    sodium_malloc(size: number): Buffer;
    sodium_memzero(buffer: Uint8Array): void;
  };
  export default sodium;
}
