import { createPublicKey, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface KmsCall {
  readonly target: string;
  readonly body: Record<string, unknown>;
}

export interface KmsStandInOptions {
  readonly privateKey: KeyObject;
  /** Overrides GetPublicKey fields (a wrong key spec, usage or algorithm list). */
  readonly describe?: Record<string, unknown>;
  /** Sign calls answered with ThrottlingException before the next one succeeds. */
  throttleNext?: number;
  /** Error type every call answers with (e.g. AccessDeniedException). */
  failWith?: string;
}

/**
 * A local HTTP endpoint speaking the AWS KMS JSON protocol (X-Amz-Target TrentService.GetPublicKey / Sign) with a
 * real Ed25519 key: enough to test the client's requests and its handling of answers, not AWS itself.
 */
export class KmsStandIn {
  readonly calls: KmsCall[] = [];
  private server: Server | undefined;

  constructor(readonly options: KmsStandInOptions) {}

  async start(): Promise<string> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const target = String(req.headers['x-amz-target'] ?? '');
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
        this.calls.push({ target, body });
        const reply = (status: number, json: unknown): void => {
          res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
          res.end(JSON.stringify(json));
        };
        const o = this.options;
        if (o.failWith !== undefined) {
          reply(400, { __type: o.failWith, message: 'refused by the stand-in' });
          return;
        }
        if (target === 'TrentService.GetPublicKey') {
          const der = createPublicKey(o.privateKey).export({ format: 'der', type: 'spki' });
          reply(200, {
            KeyId: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
            PublicKey: der.toString('base64'),
            KeySpec: 'ECC_NIST_EDWARDS25519',
            KeyUsage: 'SIGN_VERIFY',
            SigningAlgorithms: ['ED25519_SHA_512', 'ED25519_PH_SHA_512'],
            ...o.describe,
          });
          return;
        }
        if (target === 'TrentService.Sign') {
          if ((o.throttleNext ?? 0) > 0) {
            o.throttleNext = (o.throttleNext ?? 0) - 1;
            reply(400, { __type: 'ThrottlingException', message: 'Rate exceeded' });
            return;
          }
          if (body.MessageType !== 'RAW' || body.SigningAlgorithm !== 'ED25519_SHA_512') {
            reply(400, { __type: 'ValidationException', message: 'stand-in signs RAW ED25519_SHA_512 only' });
            return;
          }
          const message = Buffer.from(String(body.Message), 'base64');
          reply(200, {
            KeyId: body.KeyId,
            Signature: sign(null, message, o.privateKey).toString('base64'),
            SigningAlgorithm: 'ED25519_SHA_512',
          });
          return;
        }
        reply(400, { __type: 'UnknownOperationException', message: target });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    return `127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
  }
}
