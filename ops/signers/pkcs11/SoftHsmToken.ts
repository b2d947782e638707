import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pkcs11js from 'pkcs11js';
import { ParmanaError } from '../../../core/errors/ParmanaError.js';
import { readPinFile } from '../readPinFile.js';
import { CKK_EC_EDWARDS, CKM_EC_EDWARDS_KEY_PAIR_GEN, ED25519_EC_PARAMS } from './pkcs11Constants.js';
import { Pkcs11Module } from './Pkcs11Module.js';

const {
  CKA_CLASS,
  CKA_EC_PARAMS,
  CKA_EXTRACTABLE,
  CKA_ID,
  CKA_KEY_TYPE,
  CKA_LABEL,
  CKA_PRIVATE,
  CKA_SENSITIVE,
  CKA_SIGN,
  CKA_TOKEN,
  CKA_VERIFY,
  CKF_RW_SESSION,
  CKF_SERIAL_SESSION,
  CKF_TOKEN_INITIALIZED,
  CKO_PRIVATE_KEY,
  CKO_PUBLIC_KEY,
  CKU_SO,
  CKU_USER,
} = pkcs11js;

/** Debian's SoftHSM2 library (package softhsm2). */
export const SOFTHSM2_MODULE = '/usr/lib/softhsm/libsofthsm2.so';

/**
 * A SoftHSM2 configuration of its own under `dir` (tokens in dir/tokens). SoftHSM2 reads the file named by
 * SOFTHSM2_CONF when the library is initialised, so that variable must point here before any signer opens it.
 */
export function writeSoftHsmConf(dir: string): string {
  mkdirSync(join(dir, 'tokens'), { recursive: true, mode: 0o700 });
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(
    conf,
    [
      `directories.tokendir = ${join(dir, 'tokens')}`,
      'objectstore.backend = file',
      'log.level = ERROR',
      'slots.removable = false',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return conf;
}

/** A random PIN in a new 0600 file (refuses to overwrite one). */
export function writeRandomPin(file: string): void {
  if (existsSync(file)) throw new ParmanaError('SIG-004', { path: file, detail: 'exists already' });
  writeFileSync(file, `${randomBytes(16).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
}

/** Initialises a token labelled `label` in the first free slot, with the SO and user PINs of the two files. */
export function initToken(modulePath: string, label: string, soPinFile: string, pinFile: string): void {
  const module = Pkcs11Module.open(modulePath);
  const lib = module.lib;
  try {
    const free = lib.C_GetSlotList(true).find((slot) => (lib.C_GetTokenInfo(slot).flags & CKF_TOKEN_INITIALIZED) === 0);
    if (free === undefined) throw new ParmanaError('SIG-003', { detail: 'no free slot to initialise a token in' });
    // The label field is blank-padded (pkcs11js would pad with NULs).
    lib.C_InitToken(free, readPinFile(soPinFile), label.padEnd(32, ' '));
    const session = lib.C_OpenSession(module.slotOf(label), CKF_SERIAL_SESSION | CKF_RW_SESSION);
    try {
      lib.C_Login(session, CKU_SO, readPinFile(soPinFile));
      lib.C_InitPIN(session, readPinFile(pinFile));
      lib.C_Logout(session);
    } finally {
      lib.C_CloseSession(session);
    }
  } finally {
    module.release();
  }
}

/**
 * Generates an Ed25519 key pair on the token: the private key is sensitive and not extractable (the token never
 * gives it out), the public key is readable. Both carry `keyLabel` and `id`.
 */
export function generateEd25519Key(
  modulePath: string,
  tokenLabel: string,
  pinFile: string,
  keyLabel: string,
  id: Buffer,
): void {
  const module = Pkcs11Module.open(modulePath);
  const lib = module.lib;
  try {
    const session = lib.C_OpenSession(module.slotOf(tokenLabel), CKF_SERIAL_SESSION | CKF_RW_SESSION);
    try {
      lib.C_Login(session, CKU_USER, readPinFile(pinFile));
      lib.C_GenerateKeyPair(
        session,
        { mechanism: CKM_EC_EDWARDS_KEY_PAIR_GEN },
        [
          { type: CKA_CLASS, value: CKO_PUBLIC_KEY },
          { type: CKA_KEY_TYPE, value: CKK_EC_EDWARDS },
          { type: CKA_TOKEN, value: true },
          { type: CKA_VERIFY, value: true },
          { type: CKA_EC_PARAMS, value: ED25519_EC_PARAMS },
          { type: CKA_LABEL, value: keyLabel },
          { type: CKA_ID, value: id },
        ],
        [
          { type: CKA_CLASS, value: CKO_PRIVATE_KEY },
          { type: CKA_KEY_TYPE, value: CKK_EC_EDWARDS },
          { type: CKA_TOKEN, value: true },
          { type: CKA_PRIVATE, value: true },
          { type: CKA_SIGN, value: true },
          { type: CKA_SENSITIVE, value: true },
          { type: CKA_EXTRACTABLE, value: false },
          { type: CKA_LABEL, value: keyLabel },
          { type: CKA_ID, value: id },
        ],
      );
      lib.C_Logout(session);
    } finally {
      lib.C_CloseSession(session);
    }
  } finally {
    module.release();
  }
}

/** The RFC 7512 URI naming a key on a token, with the module and the PIN file. */
export function pkcs11Uri(o: { modulePath: string; tokenLabel: string; keyLabel: string; pinFile: string }): string {
  const enc = (v: string): string => encodeURIComponent(v).replace(/%2F/giu, '/');
  return `pkcs11:token=${enc(o.tokenLabel)};object=${enc(o.keyLabel)};type=private?module-path=${enc(
    o.modulePath,
  )}&pin-source=file:${enc(o.pinFile)}`;
}
