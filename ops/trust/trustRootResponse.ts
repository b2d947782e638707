import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PAYLOAD_TYPES } from '../../core/dsse/Envelope.js';
import type { TrustRoot } from '../../core/trust/TrustRoot.js';
import { TRUST_FILES } from './trustFiles.js';
import type { TrustRootResponse } from '../../api/contract.js';

/** The trust root as GET /trust-root serves it: the signed files verbatim plus the parsed keys. */
export function trustRootResponse(dir: string, root: TrustRoot): TrustRootResponse {
  return {
    version: root.version,
    json: readFileSync(join(dir, TRUST_FILES.json), 'utf8'),
    signature: readFileSync(join(dir, TRUST_FILES.sig), 'utf8').trim(),
    payloadType: PAYLOAD_TYPES.trustRoot,
    rootPublicKeyPem: readFileSync(join(dir, TRUST_FILES.rootPub), 'utf8'),
    keys: root.keys.map((k) => ({
      keyId: k.keyId,
      publicKeyHex: Buffer.from(k.publicKeyRaw).toString('hex'),
      purposes: [...k.purposes],
      notBefore: k.notBefore,
      notAfter: k.notAfter,
      ...(k.revokedAt === undefined ? {} : { revokedAt: k.revokedAt }),
    })),
  };
}
