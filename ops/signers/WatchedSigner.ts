import type { SigningPort } from '../../core/crypto/SigningPort.js';
import { isParmanaError } from '../../core/errors/ParmanaError.js';

/**
 * Passes signatures through and remembers whether the device failed last (SIG-011 / SIG-012) and has not signed
 * since: the worker's heartbeat then reports no signing key, and the API's health shows the signer down.
 */
export class WatchedSigner implements SigningPort {
  readonly keyId: string;
  readonly publicKeyRaw: Uint8Array;
  private failed = false;

  constructor(private readonly inner: SigningPort) {
    this.keyId = inner.keyId;
    this.publicKeyRaw = inner.publicKeyRaw;
  }

  get down(): boolean {
    return this.failed;
  }

  signAsync(message: Uint8Array): Promise<Uint8Array> {
    return this.inner.signAsync(message).then(
      (signature) => {
        this.failed = false;
        return signature;
      },
      (err: unknown) => {
        if (isParmanaError(err) && (err.code === 'SIG-011' || err.code === 'SIG-012')) this.failed = true;
        throw err;
      },
    );
  }
}
