import { randomHex } from './randomHex.js';

const TRACEPARENT = /^00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * A fresh W3C traceparent for one API call: the caller's trace id is kept when it sent a valid header, the span id
 * is always new. The worker copies it into the outcome, which is how the waiting call finds its own answer.
 */
export function newTraceparent(incoming: string | undefined): string {
  const match = incoming === undefined ? null : TRACEPARENT.exec(incoming);
  const traceId = match?.[1] ?? randomHex(16);
  return `00-${traceId}-${randomHex(8)}-01`;
}
