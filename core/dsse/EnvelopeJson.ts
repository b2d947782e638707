/**
 * A DSSE envelope with one signature, as JSON (docs/attestation-format.md). Types only, importing nothing: the API
 * contract and the dashboard, which compiles without Node's types, share this one definition.
 */
export interface EnvelopeJson {
  readonly payloadType: string;
  /** Base64 of the canonical body bytes exactly as signed. */
  readonly payload: string;
  readonly signatures: readonly { readonly keyid: string; readonly sig: string }[];
}
