import { verifyEd25519 } from '../crypto/verifyEd25519.js';
import { ParmanaError } from '../errors/ParmanaError.js';
import { checkKey, type TrustRoot } from '../trust/TrustRoot.js';
import { parseCheckpointText, type Checkpoint } from './Checkpoint.js';
import { noteKeyId } from './noteKeyId.js';
import { parseSignedNote } from './SignedNote.js';

export interface VerifiedCheckpoint extends Checkpoint {
  /** keyId (trust-root form) of the key whose signature verified. */
  readonly signerKeyId: string;
  /** The note exactly as verified. */
  readonly note: string;
}

export interface CheckpointExpectations {
  /** The origin this verifier follows; a checkpoint of another log is refused (LOG-002). */
  readonly origin?: string;
  /** Verification time: a log key revoked or expired by then does not count. */
  readonly at: string;
}

/**
 * Verifies a signed checkpoint note against the trust root's log-signing keys, as C2SP asks: signatures by unknown
 * keys are ignored, a trusted key whose signature fails rejects the note (LOG-004), and at least one trusted
 * signature must verify (LOG-003). The key name must be the checkpoint's origin.
 */
export function verifyCheckpoint(note: string, root: TrustRoot, expect: CheckpointExpectations): VerifiedCheckpoint {
  const parsed = parseSignedNote(note);
  const cp = parseCheckpointText(parsed.text);
  if (expect.origin !== undefined && cp.origin !== expect.origin) {
    throw new ParmanaError('LOG-002', {
      detail: `${JSON.stringify(cp.origin)}, expected ${JSON.stringify(expect.origin)}`,
    });
  }
  const text = Buffer.from(parsed.text, 'utf8');
  const logKeys = root.keys.filter((k) => k.purposes.includes('log-signing'));
  let verifiedBy: string | undefined;
  const refused: string[] = [];
  for (const sig of parsed.signatures) {
    if (sig.name !== cp.origin) continue;
    for (const key of logKeys) {
      if (!noteKeyId(sig.name, key.publicKeyRaw).equals(sig.keyId)) continue;
      if (!verifyEd25519(key.publicKeyRaw, text, sig.signature)) {
        throw new ParmanaError('LOG-004', { detail: `key ${key.keyId}` });
      }
      const problems = checkKey(root, key.keyId, 'log-signing', expect.at);
      if (problems.length > 0) refused.push(`${key.keyId}: ${problems.join(', ')}`);
      else verifiedBy ??= key.keyId;
    }
  }
  if (verifiedBy === undefined) {
    throw new ParmanaError('LOG-003', refused.length > 0 ? { detail: refused.join('; ') } : {});
  }
  return { ...cp, signerKeyId: verifiedBy, note };
}
