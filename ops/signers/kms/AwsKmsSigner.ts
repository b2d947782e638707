import { createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, SignCommand, type KMSClientConfig } from '@aws-sdk/client-kms';
import { keyIdOf, rawPublicKey } from '../../../core/crypto/ed25519Keys.js';
import type { SigningPort } from '../../../core/crypto/SigningPort.js';
import { verifyEd25519 } from '../../../core/crypto/verifyEd25519.js';
import { isParmanaError, ParmanaError } from '../../../core/errors/ParmanaError.js';
import type { AwsKmsSignerSpec } from '../SignerSpec.js';

/** KMS signs RAW messages of at most this many bytes. */
export const KMS_MAX_RAW_MESSAGE_BYTES = 4_096;
// Pure Ed25519 over the message. ED25519_PH_SHA_512 would give Ed25519ph signatures that standard verifiers
// (openssl, node:crypto, the dashboard) reject: it is never requested.
const ALGORITHM = 'ED25519_SHA_512';
// Attempts per request, throttling and transient failures included (the SDK's standard retry mode backs off).
const MAX_ATTEMPTS = 4;

// Failures that mean "KMS is unreachable or busy right now" (retriable) rather than "this key or request is wrong".
const TRANSIENT = new Set([
  'ThrottlingException',
  'KMSInternalException',
  'DependencyTimeoutException',
  'KeyUnavailableException',
  'ServiceUnavailable',
  'RequestTimeout',
  'TimeoutError',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
]);

function failure(err: unknown, keyId: string): ParmanaError {
  if (isParmanaError(err)) return err;
  const e = err as { name?: unknown; code?: unknown; message?: unknown; $metadata?: { httpStatusCode?: number } };
  const name = typeof e.name === 'string' ? e.name : '';
  const code = typeof e.code === 'string' ? e.code : '';
  const status = e.$metadata?.httpStatusCode ?? 0;
  const message = typeof e.message === 'string' ? e.message : String(err);
  const detail = `${name !== '' ? name : code !== '' ? code : 'error'}: ${message}`;
  const transient = TRANSIENT.has(name) || TRANSIENT.has(code) || status >= 500 || status === 0 || status === 429;
  return new ParmanaError(transient ? 'SIG-011' : 'SIG-014', { path: keyId, cause: err, detail });
}

/**
 * Signs with an AWS KMS key of spec ECC_NIST_EDWARDS25519. At start GetPublicKey must report usage SIGN_VERIFY and
 * list ED25519_SHA_512; each Sign sends the RAW message (4,096 bytes at most) and the signature is verified with
 * the public key before it is returned. Throttling gets a bounded number of retries; anything else fails closed.
 * Tested against a local stand-in that speaks the KMS JSON protocol, never against AWS itself.
 */
export class AwsKmsSigner implements SigningPort {
  private constructor(
    private readonly client: KMSClient,
    private readonly kmsKeyId: string,
    readonly publicKeyRaw: Uint8Array,
    readonly keyId: string,
  ) {}

  static async open(
    spec: AwsKmsSignerSpec,
    config: Pick<KMSClientConfig, 'credentials' | 'region'> = {},
  ): Promise<AwsKmsSigner> {
    const client = new KMSClient({
      maxAttempts: MAX_ATTEMPTS,
      ...(spec.endpoint === undefined ? {} : { endpoint: spec.endpoint }),
      ...(spec.region === undefined ? {} : { region: spec.region }),
      ...config,
    });
    try {
      let got;
      try {
        got = await client.send(new GetPublicKeyCommand({ KeyId: spec.keyId }));
      } catch (err) {
        throw failure(err, spec.keyId);
      }
      const problems: string[] = [];
      if (got.KeySpec !== 'ECC_NIST_EDWARDS25519') problems.push(`key spec ${String(got.KeySpec)}`);
      if (got.KeyUsage !== 'SIGN_VERIFY') problems.push(`key usage ${String(got.KeyUsage)}`);
      if (!(got.SigningAlgorithms ?? []).includes(ALGORITHM)) problems.push(`no ${ALGORITHM}`);
      let raw: Uint8Array | undefined;
      try {
        if (got.PublicKey !== undefined)
          raw = rawPublicKey(createPublicKey({ key: Buffer.from(got.PublicKey), format: 'der', type: 'spki' }));
      } catch {
        raw = undefined;
      }
      if (raw === undefined) problems.push('public key is not an Ed25519 SubjectPublicKeyInfo');
      if (problems.length > 0 || raw === undefined)
        throw new ParmanaError('SIG-008', { path: spec.keyId, detail: problems.join(', ') });
      return new AwsKmsSigner(client, spec.keyId, raw, keyIdOf(raw));
    } catch (err) {
      client.destroy();
      throw err;
    }
  }

  async signAsync(message: Uint8Array): Promise<Uint8Array> {
    if (message.length > KMS_MAX_RAW_MESSAGE_BYTES)
      throw new ParmanaError('SIG-013', { path: this.kmsKeyId, detail: `${message.length} bytes` });
    let signature: Uint8Array | undefined;
    try {
      const out = await this.client.send(
        new SignCommand({ KeyId: this.kmsKeyId, Message: message, MessageType: 'RAW', SigningAlgorithm: ALGORITHM }),
      );
      signature = out.Signature;
    } catch (err) {
      throw failure(err, this.kmsKeyId);
    }
    if (signature === undefined || !verifyEd25519(this.publicKeyRaw, message, signature))
      throw new ParmanaError('SIG-012', { path: this.kmsKeyId, detail: `key ${this.keyId}` });
    return signature;
  }

  close(): void {
    this.client.destroy();
  }
}
