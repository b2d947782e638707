import type { Signer } from '../crypto/Signer.js';
import type { SigningPort } from '../crypto/SigningPort.js';
import { checkpointText, type Checkpoint } from './Checkpoint.js';
import { noteKeyId } from './noteKeyId.js';
import { formatSignedNote } from './SignedNote.js';

/** A signer that also knows its raw public key (for the note key ID). */
export interface LogSigner extends Signer {
  readonly publicKeyRaw: Uint8Array;
}

/**
 * Signs a checkpoint as a C2SP signed note. The key name is the origin, so the signature line names the log it
 * speaks for; Ed25519 signs the note text itself (no DSSE PAE: log keys sign nothing else).
 */
export function signCheckpoint(cp: Checkpoint, signer: LogSigner): string {
  const text = checkpointText(cp);
  const signature = Buffer.from(signer.sign(Buffer.from(text, 'utf8')));
  return formatSignedNote({
    text,
    signatures: [{ name: cp.origin, keyId: noteKeyId(cp.origin, signer.publicKeyRaw), signature }],
  });
}

/** As signCheckpoint, through an asynchronous signer (HSM, KMS or file key). */
export async function signCheckpointAsync(cp: Checkpoint, signer: SigningPort): Promise<string> {
  const text = checkpointText(cp);
  const signature = Buffer.from(await signer.signAsync(Buffer.from(text, 'utf8')));
  return formatSignedNote({
    text,
    signatures: [{ name: cp.origin, keyId: noteKeyId(cp.origin, signer.publicKeyRaw), signature }],
  });
}
