import { verifyAttestation } from '../../core/attestation/verifyAttestation.js';
import type { Envelope } from '../../core/dsse/Envelope.js';
import { isParmanaError } from '../../core/errors/ParmanaError.js';
import { logEntryBytes } from '../../core/log/logEntry.js';
import { leafHash } from '../../core/log/merkleHashes.js';
import { verifyCheckpoint, type VerifiedCheckpoint } from '../../core/log/verifyCheckpoint.js';
import { checkConsistency } from '../../core/log/verifyConsistency.js';
import { rootFromInclusionProof } from '../../core/log/verifyInclusion.js';
import type { TrustRoot } from '../../core/trust/TrustRoot.js';
import type { ConsistencyProofResponse, InclusionProofResponse } from '../../api/contract.js';

export interface FileCheck {
  readonly valid: boolean;
  /** `ok   <check>` / `FAIL <check>` lines. */
  readonly lines: readonly string[];
  /** One coded line per problem. */
  readonly problems: readonly string[];
}

interface Expect {
  readonly at: string;
  readonly origin?: string;
}

const B64_HASH = /^[A-Za-z0-9+/]{43}=$/;

function hashes(list: unknown): Buffer[] | null {
  if (!Array.isArray(list) || !list.every((h) => typeof h === 'string' && B64_HASH.test(h))) return null;
  return list.map((h: string) => Buffer.from(h, 'base64'));
}

/** The problem as one coded line: checks below throw coded errors or Errors whose message starts with a code. */
function coded(err: unknown): string {
  if (isParmanaError(err)) return err.message;
  const message = err instanceof Error ? err.message : String(err);
  return /^[A-Z]{3}-\d{3} /.test(message) ? message : `LOG-006 ${message}`;
}

class Checks {
  readonly lines: string[] = [];
  readonly problems: string[] = [];
  check(name: string, run: () => void): boolean {
    try {
      run();
      this.lines.push(`ok   ${name}`);
      return true;
    } catch (err) {
      this.lines.push(`FAIL ${name}`);
      this.problems.push(coded(err));
      return false;
    }
  }
  result(): FileCheck {
    return { valid: this.problems.length === 0, lines: this.lines, problems: this.problems };
  }
}

/**
 * Offline inclusion check: the checkpoint is signed by a trusted log key, the envelope is a signed outcome (its
 * signature is checked too for attestations), and the RFC 9162 proof leads from its leaf to the checkpoint's root.
 */
export function verifyInclusionFile(
  envelope: Envelope | undefined,
  proof: Partial<InclusionProofResponse>,
  note: string,
  root: TrustRoot,
  expect: Expect,
): FileCheck {
  const c = new Checks();
  let cp: VerifiedCheckpoint | undefined;
  c.check('checkpoint signature', () => {
    cp = verifyCheckpoint(note, root, expect);
  });
  if (envelope?.payloadType === 'application/vnd.parmana.attestation+json;version=1') {
    c.check('attestation signature', () => {
      const v = verifyAttestation(envelope, root);
      if (!v.valid) throw new Error(v.reasons.map((r) => `${r.code} ${r.message}`).join('; '));
    });
  }
  c.check('inclusion proof', () => {
    if (envelope === undefined) throw new Error('LOG-011 no envelope');
    const list = hashes(proof.hashes);
    if (list === null || typeof proof.leafIndex !== 'number' || typeof proof.treeSize !== 'number')
      throw new Error('LOG-006 proof needs leafIndex, treeSize and base64 hashes');
    if (cp === undefined) throw new Error('LOG-003 no verified checkpoint to prove against');
    if (proof.treeSize !== cp.size)
      throw new Error(`LOG-005 proof is for tree size ${proof.treeSize}, the checkpoint has ${cp.size}`);
    const computed = rootFromInclusionProof(proof.leafIndex, proof.treeSize, leafHash(logEntryBytes(envelope)), list);
    if (!computed.equals(cp.rootHash)) throw new Error('LOG-005 Inclusion proof does not lead to the checkpoint root');
  });
  return c.result();
}

/** Offline consistency check between two signed checkpoints. */
export function verifyConsistencyFiles(
  oldNote: string,
  newNote: string,
  proof: Partial<ConsistencyProofResponse>,
  root: TrustRoot,
  expect: Expect,
): FileCheck {
  const c = new Checks();
  let older: VerifiedCheckpoint | undefined;
  let newer: VerifiedCheckpoint | undefined;
  c.check('old checkpoint signature', () => {
    older = verifyCheckpoint(oldNote, root, expect);
  });
  c.check('new checkpoint signature', () => {
    newer = verifyCheckpoint(newNote, root, expect);
  });
  c.check('consistency proof', () => {
    if (older === undefined || newer === undefined) throw new Error('LOG-003 both checkpoints must verify first');
    if (older.origin !== newer.origin) throw new Error('LOG-002 the checkpoints are of different logs');
    const list = hashes(proof.hashes);
    if (list === null) throw new Error('LOG-006 proof needs base64 hashes');
    if (proof.fromSize !== undefined && (proof.fromSize !== older.size || proof.toSize !== newer.size))
      throw new Error(`LOG-009 proof is for ${proof.fromSize} -> ${String(proof.toSize)}`);
    checkConsistency(older.size, newer.size, older.rootHash, newer.rootHash, list);
  });
  return c.result();
}
