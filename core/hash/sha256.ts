import { createHash } from 'node:crypto';

/** SHA-256 as lowercase hex, the only hash format the product writes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
