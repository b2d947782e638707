import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { isParmanaError } from '../../../core/errors/ParmanaError.js';
import { parseSignerSpec, type Pkcs11SignerSpec } from '../SignerSpec.js';
import { Pkcs11Signer } from './Pkcs11Signer.js';
import {
  generateEd25519Key,
  initToken,
  pkcs11Uri,
  SOFTHSM2_MODULE,
  writeRandomPin,
  writeSoftHsmConf,
} from './SoftHsmToken.js';

export const DEV_TOKEN_LABEL = 'parmana';

/** The dev token's keys: the role, the key label on the token and its CKA_ID. */
const DEV_KEYS = [
  { role: 'attestation-signing', id: 1 },
  { role: 'log-signing', id: 2 },
] as const;

export interface DevToken {
  /** SOFTHSM2_CONF of the token store (processes that sign must have it set). */
  readonly conf: string;
  readonly signers: {
    readonly role: (typeof DEV_KEYS)[number]['role'];
    readonly uri: string;
    readonly keyId: string;
  }[];
}

/**
 * The local stack's SoftHSM2 token under `dir` (its own SOFTHSM2_CONF, random SO and user PINs in 0600 files) with a
 * non-extractable Ed25519 key for attestations and one for the log. Existing token and keys are kept.
 */
export async function ensureDevToken(dir: string, modulePath = SOFTHSM2_MODULE): Promise<DevToken> {
  const fresh = !existsSync(join(dir, 'softhsm2.conf'));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const conf = fresh ? writeSoftHsmConf(dir) : join(dir, 'softhsm2.conf');
  // SoftHSM2 (C code) reads this from the process environment when the library is initialised: set before the
  // first open below. It names a config file, not a secret.
  // eslint-disable-next-line no-restricted-properties -- the PKCS#11 library, not our config, reads this variable.
  process.env.SOFTHSM2_CONF = conf;
  const soPin = join(dir, 'so.pin');
  const pin = join(dir, 'user.pin');
  if (fresh) {
    writeRandomPin(soPin);
    writeRandomPin(pin);
    initToken(modulePath, DEV_TOKEN_LABEL, soPin, pin);
  }
  const signers: DevToken['signers'] = [];
  for (const { role, id } of DEV_KEYS) {
    const uri = pkcs11Uri({ modulePath, tokenLabel: DEV_TOKEN_LABEL, keyLabel: role, pinFile: pin });
    const spec = parseSignerSpec(uri, dir) as Pkcs11SignerSpec;
    let signer: Pkcs11Signer;
    try {
      signer = await Pkcs11Signer.open(spec);
    } catch (err) {
      if (!isParmanaError(err) || err.code !== 'SIG-006') throw err;
      generateEd25519Key(modulePath, DEV_TOKEN_LABEL, pin, role, Buffer.from([id]));
      signer = await Pkcs11Signer.open(spec);
    }
    signers.push({ role, uri, keyId: signer.keyId });
    signer.close();
  }
  return { conf, signers };
}
