import { ParmanaError } from '../errors/ParmanaError.js';

/** One signature line of a note: `— <name> base64(key ID ‖ signature)`. */
export interface NoteSignature {
  readonly name: string;
  /** 4 bytes, big-endian key ID. */
  readonly keyId: Buffer;
  readonly signature: Buffer;
}

/** A C2SP signed note: the signed text (ending in a newline) and its signatures. */
export interface SignedNote {
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

const DASH = '\u2014';
const MAX_NOTE_CHARS = 64 * 1024;
const MAX_SIGNATURES = 16;
const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const NAME = /^[^\s+]+$/u;

function malformed(detail: string): never {
  throw new ParmanaError('LOG-001', { detail });
}

/** Key names are non-empty, without spaces or '+', as C2SP requires. */
export function isNoteKeyName(name: string): boolean {
  return name.length > 0 && NAME.test(name);
}

/** Splits a signed note into its text and signature lines; throws LOG-001 on anything off-format. */
export function parseSignedNote(note: string): SignedNote {
  if (note.length > MAX_NOTE_CHARS) malformed('note too long');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0009\u000b-\u001f]/.test(note)) malformed('control character');
  if (/[\ud800-\udfff]/.test(note.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))) malformed('lone surrogate');
  const split = note.lastIndexOf('\n\n');
  if (split === -1 || !note.endsWith('\n')) malformed('no blank line before the signatures');
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) malformed('too many signatures');
  const signatures = lines.map((line): NoteSignature => {
    const parts = line.split(' ');
    if (parts.length !== 3 || parts[0] !== DASH) malformed(`signature line ${JSON.stringify(line.slice(0, 80))}`);
    const [, name = '', b64 = ''] = parts;
    if (!isNoteKeyName(name)) malformed('key name');
    if (!B64.test(b64)) malformed('signature is not base64');
    const raw = Buffer.from(b64, 'base64');
    if (raw.length < 5) malformed('signature too short');
    return { name, keyId: raw.subarray(0, 4), signature: raw.subarray(4) };
  });
  return { text, signatures };
}

/** The note as text: its text, a blank line, one line per signature. */
export function formatSignedNote(note: SignedNote): string {
  if (!note.text.endsWith('\n')) throw new RangeError('note text must end with a newline');
  const lines = note.signatures.map(
    (s) => `${DASH} ${s.name} ${Buffer.concat([s.keyId, s.signature]).toString('base64')}\n`,
  );
  return `${note.text}\n${lines.join('')}`;
}
