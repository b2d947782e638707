import { envelopeOf } from '../../shared/records/envelopeOf.js';
import type { EnvelopeJson } from '../contract.js';

/** The four columns every signed audit row (decisions, rejections) keeps its DSSE envelope in. */
export interface StoredSigned {
  readonly payload_type: string;
  readonly payload: Buffer;
  readonly signature: string;
  readonly signer_key_id: string;
}

/**
 * The envelope exactly as the sink verified it: the same envelopeOf, so the signed bytes go out verbatim (base64 of
 * the bytea) and the read side cannot drift from the write side.
 */
export function storedEnvelope(row: StoredSigned): EnvelopeJson {
  return envelopeOf({
    payloadType: row.payload_type,
    payload: row.payload,
    signature: row.signature,
    signerKeyId: row.signer_key_id,
  });
}
