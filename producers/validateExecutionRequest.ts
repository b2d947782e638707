import { canonicalize } from '../core/canonical/canonicalize.js';
import { isParmanaError, ParmanaError } from '../core/errors/ParmanaError.js';
import {
  validateExecutionRequest as validateEnvelope,
  type ExecutionRequest,
} from '../core/request/validateExecutionRequest.js';

/** What the producer needs after validation: the request, its signals as canonical JSON text and its wire size. */
export interface ValidRequest {
  readonly request: ExecutionRequest;
  /** Canonical JSON of the signals: the text carried in the Avro `signals` field. */
  readonly signalsJson: string;
  /** Size of the Confluent-framed Avro value this request encodes to (schemas/execution-request.avsc). */
  readonly encodedBytes: number;
}

export type RequestCheck = ({ ok: true } & ValidRequest) | { ok: false; error: ParmanaError };

// Same length as any `toISOString()` value: the producer stamps requestedAt with one when the caller gave none.
const ISO_PLACEHOLDER = '0000-00-00T00:00:00.000Z';
const FRAME_BYTES = 5; // magic byte + 4-byte schema id

/**
 * Checks an execution request at the edge, before anything is sent: the envelope rules shared with the worker,
 * signals that canonicalise (a plain JSON object), and the encoded size against maxRequestBytes. Returns a coded
 * error instead of throwing, whatever the input (getters that throw, proxies, cycles included).
 */
export function validateExecutionRequest(raw: unknown, opts: { maxRequestBytes: number }): RequestCheck {
  try {
    const checked = validateEnvelope(raw);
    if (!checked.ok) return checked;
    const r = checked.request;
    const signalsJson = canonicalize(r.signals);
    const encodedBytes =
      FRAME_BYTES +
      avroString(r.executionId) +
      avroString(r.policyId) +
      avroString(r.policyVersion) +
      avroString(signalsJson) +
      avroString(r.requestedAt ?? ISO_PLACEHOLDER) +
      avroOptionalString(r.requestedBy) +
      avroOptionalString(r.traceparent);
    if (encodedBytes > opts.maxRequestBytes) {
      return {
        ok: false,
        error: new ParmanaError('REQ-008', { path: '$', detail: `${encodedBytes} > ${opts.maxRequestBytes} bytes` }),
      };
    }
    return { ok: true, request: r, signalsJson, encodedBytes };
  } catch (err) {
    // Only the signals' canonicalisation throws coded errors here; its paths are relative to the signals object.
    if (isParmanaError(err)) return { ok: false, error: atSignals(err) };
    return { ok: false, error: new ParmanaError('REQ-010', { path: '$', detail: 'unreadable request object' }) };
  }
}

function atSignals(err: ParmanaError): ParmanaError {
  return new ParmanaError(err.code, {
    path: `$.signals${(err.path ?? '$').slice(1)}`,
    ...(err.detail === undefined ? {} : { detail: err.detail }),
    cause: err,
  });
}

/** Avro string: zig-zag varint of the UTF-8 byte length, then the bytes. */
function avroString(s: string): number {
  const n = Buffer.byteLength(s, 'utf8');
  return varintBytes(n * 2) + n;
}

/** Avro ["null","string"] union: one byte for the branch index, then the string if present. */
function avroOptionalString(s: string | undefined): number {
  return s === undefined ? 1 : 1 + avroString(s);
}

function varintBytes(zigzagged: number): number {
  let bytes = 1;
  for (let v = zigzagged; v >= 0x80; v = Math.floor(v / 128)) bytes++;
  return bytes;
}
