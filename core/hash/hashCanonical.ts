import { canonicalize } from '../canonical/canonicalize.js';
import { sha256Hex } from './sha256.js';

/** SHA-256 (lowercase hex) of a value's RFC 8785 canonical form. */
export function hashCanonical(value: unknown): string {
  return sha256Hex(canonicalize(value));
}
