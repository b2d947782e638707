import { resolve } from 'node:path';
import type { SigningPort } from '../../core/crypto/SigningPort.js';
import { loadSigner, loadSignerFile } from '../keys/keyFiles.js';
import { AwsKmsSigner } from './kms/AwsKmsSigner.js';
import { Pkcs11Signer } from './pkcs11/Pkcs11Signer.js';
import { parseSignerSpec, type SignerSpec } from './SignerSpec.js';

/** A signing key of one role, whatever holds it; close() ends device sessions or client connections. */
export interface OpenedSigner extends SigningPort {
  readonly kind: SignerSpec['kind'];
  close(): void;
}

function opened(kind: SignerSpec['kind'], port: SigningPort, close: () => void = () => undefined): OpenedSigner {
  return {
    kind,
    keyId: port.keyId,
    publicKeyRaw: port.publicKeyRaw,
    // Bound once: the worker calls this per signature.
    signAsync: port.signAsync.bind(port),
    close,
  };
}

/** Opens the signer a setting names (file:, pkcs11:, awskms: or a plain PEM path); every failure is coded. */
export async function openSigner(setting: string, cwd: string): Promise<OpenedSigner> {
  const spec = parseSignerSpec(setting, cwd);
  if (spec.kind === 'file') return opened('file', loadSignerFile(spec.path));
  if (spec.kind === 'pkcs11') {
    const signer = await Pkcs11Signer.open(spec);
    return opened('pkcs11', signer, () => {
      signer.close();
    });
  }
  const signer = await AwsKmsSigner.open(spec);
  return opened('awskms', signer, () => {
    signer.close();
  });
}

/**
 * A role's signer: its signer setting when set, else the PEM text or the key file as before (plain paths and
 * PARMANA_*_PEM keep working).
 */
export function openRoleSigner(o: { setting: string; pem: string; file: string; cwd: string }): Promise<OpenedSigner> {
  if (o.setting.trim() !== '') return openSigner(o.setting, o.cwd);
  return Promise.resolve(opened('file', loadSigner(o.pem, o.file === '' ? '' : resolve(o.cwd, o.file))));
}
