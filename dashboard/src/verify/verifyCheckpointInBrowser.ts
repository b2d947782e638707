import { sha256 } from '@noble/hashes/sha2.js';
import { verifyEd25519 } from './ed25519.js';
import { base64ToBytes, bytesToHex, concatBytes, utf8Encode } from './encoding.js';
import type { BrowserTrustedKey } from './trustRoot.js';

export interface BrowserCheckpointCheck {
  /** One valid signature by a trust-root key with purpose log-signing, and none by such a key that fails. */
  readonly signed: boolean;
  /** The checkpoint text as signed: origin, tree size, root (null when unreadable). */
  readonly origin: string;
  readonly treeSize: number | null;
  readonly rootHash: Uint8Array | null;
  readonly rootHex: string | null;
  /** Hex key ids (trust-root form) whose signature verified. */
  readonly signers: readonly string[];
  readonly problems: readonly string[];
}

/**
 * Verifies a C2SP signed note checkpoint (core/log/verifyCheckpoint.ts, without Buffer): each signature line whose
 * key name is the origin and whose 4-byte key ID is SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key)[:4] of a trusted, unrevoked
 * log-signing key must verify over the note text; at least one must. Unknown keys are ignored.
 */
export function verifyCheckpointInBrowser(
  note: string,
  keys: readonly BrowserTrustedKey[],
  at: Date = new Date(),
): BrowserCheckpointCheck {
  const problems: string[] = [];
  const split = note.lastIndexOf('\n\n');
  const text = split === -1 ? '' : note.slice(0, split + 1);
  const [origin = '', sizeLine = '', rootLine = ''] = text.split('\n');
  const rootHash = base64ToBytes(rootLine);
  const treeSize = /^(0|[1-9][0-9]{0,15})$/.test(sizeLine) ? Number(sizeLine) : null;
  if (split === -1 || treeSize === null || rootHash?.length !== 32)
    problems.push('LOG-001 not a checkpoint note (origin, size, base64 root, blank line, signatures)');
  const signers: string[] = [];
  const usable = keys.filter(
    (k) =>
      k.purposes.includes('log-signing') &&
      (k.revokedAt === undefined || Date.parse(k.revokedAt) > at.getTime()) &&
      Date.parse(k.notBefore) <= at.getTime() &&
      at.getTime() < Date.parse(k.notAfter),
  );
  for (const line of split === -1 ? [] : note.slice(split + 2).split('\n')) {
    const [dash, name, sig] = line.split(' ');
    const raw = sig === undefined ? null : base64ToBytes(sig);
    if (dash !== '\u2014' || name !== origin || raw === null || raw.length !== 68) continue;
    for (const key of usable) {
      const id = sha256(concatBytes(utf8Encode(`${name}\n`), new Uint8Array([1]), key.publicKeyRaw)).slice(0, 4);
      if (bytesToHex(id) !== bytesToHex(raw.slice(0, 4))) continue;
      if (verifyEd25519(key.publicKeyRaw, utf8Encode(text), raw.slice(4))) signers.push(key.keyId);
      else problems.push('LOG-004 checkpoint signature does not verify');
    }
  }
  if (signers.length === 0) problems.push('LOG-003 no valid signature by a trusted log-signing key');
  const signed = signers.length > 0 && !problems.some((p) => p.startsWith('LOG-004'));
  return {
    signed,
    origin,
    treeSize,
    rootHash,
    rootHex: rootHash === null ? null : bytesToHex(rootHash),
    signers,
    problems,
  };
}
