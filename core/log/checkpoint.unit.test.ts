import { describe, expect, it } from 'vitest';
import { SEED_1, SEED_2, SEED_3, signerFromSeed, trustRoot } from '../../test/fixtures/testTrust.js';
import { canonicalize } from '../canonical/canonicalize.js';
import { PAYLOAD_TYPES } from '../dsse/Envelope.js';
import { checkpointText, parseCheckpointText } from './Checkpoint.js';
import { leafHash } from './merkleHashes.js';
import { logEntryBytes, logEntryKind, parseLogEntry } from './logEntry.js';
import { noteKeyId } from './noteKeyId.js';
import { formatSignedNote, parseSignedNote } from './SignedNote.js';
import { signCheckpoint } from './signCheckpoint.js';
import { verifyCheckpoint } from './verifyCheckpoint.js';

const logKey = signerFromSeed(SEED_1);
const attestationKey = signerFromSeed(SEED_2);
const stranger = signerFromSeed(SEED_3);
const ORIGIN = 'parmana.test/log';
const ROOT = trustRoot(3, [
  { signer: logKey, purposes: ['log-signing'] },
  { signer: attestationKey, purposes: ['attestation-signing'] },
]);
const AT = '2026-03-01T12:00:00Z';
const CP = { origin: ORIGIN, size: 42, rootHash: Buffer.alloc(32, 7) };

function code(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
  return 'no error';
}

describe('signed checkpoints (C2SP signed note + tlog-checkpoint)', () => {
  it('signs the documented text and verifies against the trust root (pinned vector)', () => {
    const note = signCheckpoint(CP, logKey);
    // Ed25519 is deterministic: the whole note is pinned (computed independently with Python cryptography).
    expect(note).toBe(
      'parmana.test/log\n42\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n\n— parmana.test/log t55SdTFrgngO/ToVhKpNJ2TBvqJQLCti2/0Sf5I5l7e7ZskximHG4QMs/oYjDam/nLeU4gMJ3iYjEHrAuMISlte80A0=\n',
    );
    const v = verifyCheckpoint(note, ROOT, { origin: ORIGIN, at: AT });
    expect(v).toMatchObject({ origin: ORIGIN, size: 42, signerKeyId: logKey.keyId });
    expect(v.rootHash.equals(CP.rootHash)).toBe(true);
    expect(parseSignedNote(note).signatures[0]?.keyId.equals(noteKeyId(ORIGIN, logKey.publicKeyRaw))).toBe(true);
  });

  it('computes the C2SP key ID as SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key)[:4]', () => {
    expect(noteKeyId(ORIGIN, logKey.publicKeyRaw).toString('hex')).toBe('b79e5275');
  });

  it('round-trips checkpoint text and refuses malformed bodies', () => {
    expect(parseCheckpointText(checkpointText(CP))).toEqual(CP);
    expect(parseCheckpointText(`${checkpointText(CP)}extension line\n`).size).toBe(42);
    for (const bad of [
      'o\n042\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n',
      'o\n-1\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n',
      'o\n1\nBwcH\n',
      '\n1\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n',
      'o\n1\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=',
    ]) {
      expect(
        code(() => parseCheckpointText(bad)),
        JSON.stringify(bad),
      ).toBe('LOG-001');
    }
  });

  it('refuses a changed text, a foreign origin, untrusted or misused keys and malformed notes', () => {
    const note = signCheckpoint(CP, logKey);
    expect(code(() => verifyCheckpoint(note.replace('\n42\n', '\n43\n'), ROOT, { at: AT }))).toBe('LOG-004');
    expect(code(() => verifyCheckpoint(note, ROOT, { origin: 'other.test/log', at: AT }))).toBe('LOG-002');
    expect(code(() => verifyCheckpoint(signCheckpoint(CP, stranger), ROOT, { at: AT }))).toBe('LOG-003');
    // An attestation key may not sign checkpoints, even with a valid signature.
    expect(code(() => verifyCheckpoint(signCheckpoint(CP, attestationKey), ROOT, { at: AT }))).toBe('LOG-003');
    const revoked = trustRoot(4, [{ signer: logKey, purposes: ['log-signing'], revokedAt: '2026-01-01T00:00:00Z' }]);
    expect(code(() => verifyCheckpoint(note, revoked, { at: AT }))).toBe('LOG-003');
    for (const bad of [note.replace('\n\n', '\n'), note.replace('— ', '- '), `${note}x`, note.replace('42', '4\t2')]) {
      expect(
        code(() => verifyCheckpoint(bad, ROOT, { at: AT })),
        JSON.stringify(bad),
      ).toBe('LOG-001');
    }
  });

  it('ignores signatures by unknown keys next to a trusted one', () => {
    const mine = parseSignedNote(signCheckpoint(CP, logKey));
    const theirs = parseSignedNote(signCheckpoint(CP, stranger));
    const both = formatSignedNote({ text: mine.text, signatures: [...theirs.signatures, ...mine.signatures] });
    expect(verifyCheckpoint(both, ROOT, { at: AT }).signerKeyId).toBe(logKey.keyId);
  });
});

describe('log entries', () => {
  const envelope = {
    payloadType: PAYLOAD_TYPES.attestation,
    payload: Buffer.from('{"a":1}').toString('base64'),
    signatures: [{ keyid: 'k1', sig: 'c2ln' }],
  };

  it('are the canonical JSON of the DSSE envelope (pinned)', () => {
    const bytes = logEntryBytes(envelope);
    expect(bytes.toString('utf8')).toBe(
      '{"payload":"eyJhIjoxfQ==","payloadType":"application/vnd.parmana.attestation+json;version=1","signatures":[{"keyid":"k1","sig":"c2ln"}]}',
    );
    expect(leafHash(bytes).toString('hex')).toBe('a180696b14499d103c58fbfd5a95c6820e15055d86ab7871bedd9eeec45067e6');
    expect(parseLogEntry(bytes)).toEqual(envelope);
    expect(logEntryKind(envelope.payloadType)).toBe('attestation');
    expect(logEntryKind(PAYLOAD_TYPES.override)).toBe('override');
  });

  it('refuses bytes that are not exactly that form', () => {
    const pretty = Buffer.from(JSON.stringify(envelope, null, 1));
    expect(code(() => parseLogEntry(pretty))).toBe('LOG-011');
    expect(code(() => parseLogEntry(Buffer.from(canonicalize({ ...envelope, extra: 1 }))))).toBe('LOG-011');
    expect(code(() => parseLogEntry(Buffer.from('{')))).toBe('LOG-011');
    expect(code(() => parseLogEntry(Buffer.from(canonicalize({ ...envelope, payload: 'no base64!' }))))).toBe(
      'LOG-011',
    );
  });
});
