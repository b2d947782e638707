/**
 * An Ed25519 key that signs asynchronously: a key file, a PKCS#11 token or a KMS key. The worker, the log writer and
 * `policy build` sign through this port, so a device round trip never blocks the event loop; callers start every
 * signature of a batch before awaiting any of them.
 */
export interface SigningPort {
  readonly keyId: string;
  readonly publicKeyRaw: Uint8Array;
  signAsync(message: Uint8Array): Promise<Uint8Array>;
}
