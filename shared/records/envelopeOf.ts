import type { Envelope } from '../../core/dsse/Envelope.js';
import type { AttestationRecord } from './AttestationRecord.js';

/** Rebuilds the DSSE envelope from the record: the signed bytes travel verbatim, nothing is re-encoded. */
export function envelopeOf(
  r: Pick<AttestationRecord, 'payloadType' | 'payload' | 'signature' | 'signerKeyId'>,
): Envelope {
  return {
    payloadType: r.payloadType,
    payload: r.payload.toString('base64'),
    signatures: [{ keyid: r.signerKeyId, sig: r.signature }],
  };
}
