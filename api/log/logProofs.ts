import { parseCheckpointText } from '../../core/log/Checkpoint.js';
import { consistencyProofPlan } from '../../core/log/consistencyProofPlan.js';
import { foldSubtrees, mapLookup, resolvePlan } from '../../core/log/foldSubtrees.js';
import { inclusionProofPlan } from '../../core/log/inclusionProofPlan.js';
import { parseLogEntry } from '../../core/log/logEntry.js';
import { EMPTY_ROOT } from '../../core/log/merkleHashes.js';
import { planSubtrees } from '../../core/log/ProofPlan.js';
import { rangeSubtrees } from '../../core/log/rangeSubtrees.js';
import { parseSignedNote } from '../../core/log/SignedNote.js';
import { ParmanaError } from '../../core/errors/ParmanaError.js';
import type {
  ConsistencyProofResponse,
  InclusionProofQuery,
  InclusionProofResponse,
  LogCheckpointResponse,
  LogEntryResponse,
} from '../contract.js';
import type { LogReader, StoredCheckpoint, StoredLogEntry } from '../ports.js';

const b64 = (b: Buffer): string => b.toString('base64');

export function checkpointResponse(cp: StoredCheckpoint): LogCheckpointResponse {
  const parsed = parseCheckpointText(parseSignedNote(cp.note).text);
  return {
    origin: parsed.origin,
    treeSize: cp.treeSize,
    rootHash: b64(cp.rootHash),
    note: cp.note,
    signerKeyId: cp.signerKeyId,
    signedAt: cp.signedAt,
  };
}

export function entryResponse(e: StoredLogEntry): LogEntryResponse {
  return {
    leafIndex: e.leafIndex,
    kind: e.kind,
    executionId: e.executionId,
    leafHash: b64(e.leafHash),
    envelope: parseLogEntry(e.entry),
    appendedAt: e.appendedAt,
  };
}

/** The latest checkpoint, or LOG-012 when none was signed yet. */
export async function latestCheckpoint(reader: LogReader): Promise<StoredCheckpoint> {
  const cp = await reader.latestCheckpoint();
  if (cp === null) throw new ParmanaError('LOG-012');
  return cp;
}

/** A tree size the store can prove against: given (at most the stored size) or the latest checkpoint's. */
async function treeSizeOf(reader: LogReader, requested: number | undefined): Promise<number> {
  if (requested === undefined) return (await latestCheckpoint(reader)).treeSize;
  const stored = await reader.size();
  if (requested > stored) throw new ParmanaError('LOG-009', { detail: `tree size ${requested} > ${stored} entries` });
  return requested;
}

/** MTH of the first `size` entries from the stored subtrees. */
export async function rootAt(reader: LogReader, size: number): Promise<Buffer> {
  if (size === 0) return EMPTY_ROOT;
  const refs = rangeSubtrees(0, size);
  return foldSubtrees(refs, mapLookup(await reader.subtrees(refs)));
}

export async function inclusionProof(reader: LogReader, q: InclusionProofQuery): Promise<InclusionProofResponse> {
  const entry =
    q.index !== undefined
      ? await reader.entry(q.index)
      : q.executionId !== undefined
        ? await reader.entryOf(q.executionId, q.kind)
        : null;
  if (entry === null) {
    throw new ParmanaError('LOG-010', {
      detail: q.index !== undefined ? `index ${q.index}` : `executionId ${q.executionId ?? '(none)'}`,
    });
  }
  const treeSize = await treeSizeOf(reader, q.treeSize);
  if (entry.leafIndex >= treeSize) {
    throw new ParmanaError('LOG-007', {
      detail: `entry ${entry.leafIndex} is not in the tree of ${treeSize}; ask again after the next checkpoint`,
    });
  }
  const plan = inclusionProofPlan(entry.leafIndex, treeSize);
  const rootRefs = rangeSubtrees(0, treeSize);
  const [nodes, checkpoint] = await Promise.all([
    reader.subtrees([...planSubtrees(plan), ...rootRefs]),
    reader.checkpointAt(treeSize),
  ]);
  const lookup = mapLookup(nodes);
  return {
    leafIndex: entry.leafIndex,
    treeSize,
    executionId: entry.executionId,
    kind: entry.kind,
    leafHash: b64(entry.leafHash),
    rootHash: b64(foldSubtrees(rootRefs, lookup)),
    hashes: resolvePlan(plan, lookup).map(b64),
    envelope: parseLogEntry(entry.entry),
    checkpoint: checkpoint?.note ?? null,
  };
}

export async function consistencyProof(
  reader: LogReader,
  from: number,
  to: number | undefined,
): Promise<ConsistencyProofResponse> {
  const toSize = await treeSizeOf(reader, to);
  if (from > toSize) throw new ParmanaError('LOG-009', { detail: `from ${from} > to ${toSize}` });
  const plan = consistencyProofPlan(from, toSize);
  const fromRefs = from === 0 ? [] : rangeSubtrees(0, from);
  const toRefs = toSize === 0 ? [] : rangeSubtrees(0, toSize);
  const [nodes, fromCp, toCp] = await Promise.all([
    reader.subtrees([...planSubtrees(plan), ...fromRefs, ...toRefs]),
    reader.checkpointAt(from),
    reader.checkpointAt(toSize),
  ]);
  const lookup = mapLookup(nodes);
  return {
    fromSize: from,
    toSize,
    fromRoot: b64(from === 0 ? EMPTY_ROOT : foldSubtrees(fromRefs, lookup)),
    toRoot: b64(toSize === 0 ? EMPTY_ROOT : foldSubtrees(toRefs, lookup)),
    hashes: resolvePlan(plan, lookup).map(b64),
    fromCheckpoint: fromCp?.note ?? null,
    toCheckpoint: toCp?.note ?? null,
  };
}
