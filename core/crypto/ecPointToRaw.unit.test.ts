import { describe, expect, it } from 'vitest';
import { ecPointToRaw } from './ecPointToRaw.js';

const KEY = Buffer.from('3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c', 'hex');

describe('CKA_EC_POINT of an Ed25519 key', () => {
  it('accepts the DER OCTET STRING (SoftHSM2) and the raw 32 bytes (other tokens)', () => {
    expect(Buffer.from(ecPointToRaw(Buffer.concat([Buffer.from([0x04, 0x20]), KEY])) ?? [])).toEqual(KEY);
    expect(Buffer.from(ecPointToRaw(KEY) ?? [])).toEqual(KEY);
  });

  it('refuses anything else', () => {
    expect(ecPointToRaw(Buffer.concat([Buffer.from([0x03, 0x20]), KEY]))).toBeUndefined();
    expect(ecPointToRaw(KEY.subarray(1))).toBeUndefined();
    expect(ecPointToRaw(Buffer.concat([Buffer.from([0x04, 0x21, 0x00]), KEY]))).toBeUndefined();
  });
});
