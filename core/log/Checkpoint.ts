import { ParmanaError } from '../errors/ParmanaError.js';
import { HASH_SIZE } from './merkleHashes.js';
import { isNoteKeyName } from './SignedNote.js';

/** A C2SP tlog-checkpoint body: which log, how many entries, and the RFC 9162 root of those entries. */
export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Buffer;
}

const SIZE = /^(0|[1-9][0-9]{0,15})$/;
const B64_HASH = /^[A-Za-z0-9+/]{43}=$/;

/** The note text: `<origin>\n<size>\n<base64 root>\n`. No extension lines are written. */
export function checkpointText(cp: Checkpoint): string {
  // The origin doubles as the signature's key name, so it follows the key-name rule (no spaces, no '+').
  if (!isNoteKeyName(cp.origin)) throw new RangeError('origin must be non-empty, without spaces or +');
  if (cp.rootHash.length !== HASH_SIZE) throw new RangeError('root hash is 32 bytes');
  return `${cp.origin}\n${cp.size}\n${cp.rootHash.toString('base64')}\n`;
}

/** Parses note text as a checkpoint; extension lines after the root are allowed and ignored. Throws LOG-001. */
export function parseCheckpointText(text: string): Checkpoint {
  const lines = text.split('\n');
  if (lines.length < 4 || lines.at(-1) !== '') throw new ParmanaError('LOG-001', { detail: 'checkpoint lines' });
  const [origin = '', size = '', root = ''] = lines;
  if (origin === '') throw new ParmanaError('LOG-001', { detail: 'empty origin' });
  if (!SIZE.test(size) || !Number.isSafeInteger(Number(size)))
    throw new ParmanaError('LOG-001', { detail: 'tree size is not a decimal without leading zeros' });
  if (!B64_HASH.test(root)) throw new ParmanaError('LOG-001', { detail: 'root hash is not base64 of 32 bytes' });
  return { origin, size: Number(size), rootHash: Buffer.from(root, 'base64') };
}
