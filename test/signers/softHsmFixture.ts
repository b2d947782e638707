import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  generateEd25519Key,
  initToken,
  pkcs11Uri,
  SOFTHSM2_MODULE,
  writeRandomPin,
  writeSoftHsmConf,
} from '../../ops/signers/pkcs11/SoftHsmToken.js';

/** A SoftHSM2 token store of its own in a temp folder (SOFTHSM2_CONF points there for this test process). */
export interface SoftHsmFixture {
  readonly dir: string;
  readonly pinFile: string;
  /** Creates a token with the fixture's user PIN. */
  token(label: string): void;
  /** Generates an Ed25519 key pair on a token. */
  key(tokenLabel: string, keyLabel: string, id: number): void;
  uri(tokenLabel: string, keyLabel: string, pinFile?: string): string;
  remove(): void;
}

export function softHsmFixture(): SoftHsmFixture {
  const dir = mkdtempSync(join(tmpdir(), 'parmana-softhsm-'));
  process.env.SOFTHSM2_CONF = writeSoftHsmConf(dir);
  const soPinFile = join(dir, 'so.pin');
  const pinFile = join(dir, 'user.pin');
  writeRandomPin(soPinFile);
  writeRandomPin(pinFile);
  return {
    dir,
    pinFile,
    token: (label) => {
      initToken(SOFTHSM2_MODULE, label, soPinFile, pinFile);
    },
    key: (tokenLabel, keyLabel, id) => {
      generateEd25519Key(SOFTHSM2_MODULE, tokenLabel, pinFile, keyLabel, Buffer.from([id]));
    },
    uri: (tokenLabel, keyLabel, pin = pinFile) =>
      pkcs11Uri({ modulePath: SOFTHSM2_MODULE, tokenLabel, keyLabel, pinFile: pin }),
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
