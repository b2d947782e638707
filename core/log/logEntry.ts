import { canonicalBytes, canonicalize } from '../canonical/canonicalize.js';
import { parseJsonStrict } from '../canonical/parseJsonStrict.js';
import { PAYLOAD_TYPES, type Envelope } from '../dsse/Envelope.js';
import { ParmanaError } from '../errors/ParmanaError.js';

/** What a log entry records, from its payload type. */
export type LogEntryKind = 'attestation' | 'rejection' | 'override';

const KINDS: Readonly<Record<string, LogEntryKind>> = {
  [PAYLOAD_TYPES.attestation]: 'attestation',
  [PAYLOAD_TYPES.rejection]: 'rejection',
  [PAYLOAD_TYPES.override]: 'override',
};

const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function isSignature(s: unknown): boolean {
  if (typeof s !== 'object' || s === null) return false;
  const r = s as Record<string, unknown>;
  return typeof r.keyid === 'string' && typeof r.sig === 'string' && Object.keys(r).length === 2;
}

export function logEntryKind(payloadType: string): LogEntryKind | undefined {
  return KINDS[payloadType];
}

/**
 * The bytes a leaf commits to: the RFC 8785 canonical JSON of the DSSE envelope {payloadType, payload, signatures:
 * [{keyid, sig}]} with the payload as standard padded base64 of the exact signed bytes. One signed outcome has one
 * entry, whoever re-encodes it.
 */
export function logEntryBytes(envelope: Envelope): Buffer {
  return canonicalBytes({
    payloadType: envelope.payloadType,
    payload: envelope.payload,
    signatures: envelope.signatures.map((s) => ({ keyid: s.keyid, sig: s.sig })),
  });
}

/** Reads entry bytes back into the envelope; LOG-011 unless they are exactly the canonical form above. */
export function parseLogEntry(bytes: Uint8Array): Envelope {
  const text = Buffer.from(bytes).toString('utf8');
  let value: unknown;
  try {
    value = parseJsonStrict(text);
  } catch (cause) {
    throw new ParmanaError('LOG-011', { cause, detail: 'not JSON' });
  }
  const v = value as Partial<Envelope> | null;
  const sigs: unknown = v?.signatures;
  if (
    typeof v !== 'object' ||
    v === null ||
    Array.isArray(v) ||
    Object.keys(v).length !== 3 ||
    typeof v.payloadType !== 'string' ||
    typeof v.payload !== 'string' ||
    !B64.test(v.payload) ||
    !Array.isArray(sigs) ||
    sigs.length !== 1 ||
    !sigs.every((s: unknown) => isSignature(s))
  ) {
    throw new ParmanaError('LOG-011', { detail: 'not a DSSE envelope with one signature' });
  }
  if (canonicalize(value) !== text) throw new ParmanaError('LOG-011', { detail: 'not canonical' });
  return { payloadType: v.payloadType, payload: v.payload, signatures: sigs as Envelope['signatures'] };
}
