import { describe, expect, it } from 'vitest';
import { isParmanaError } from '../../core/errors/ParmanaError.js';
import { parseSignerSpec } from './SignerSpec.js';

function codeOf(setting: string): string {
  try {
    parseSignerSpec(setting, '/srv/parmana');
  } catch (err) {
    if (isParmanaError(err)) return err.code;
    throw err;
  }
  return 'parsed';
}

const MODULE = '/usr/lib/softhsm/libsofthsm2.so';

describe('signer settings', () => {
  it('keeps plain paths and file: as key files, relative to the working folder', () => {
    expect(parseSignerSpec('.local/keys/a.pem', '/srv/parmana')).toEqual({
      kind: 'file',
      path: '/srv/parmana/.local/keys/a.pem',
    });
    expect(parseSignerSpec('file:/keys/a.pem', '/x')).toEqual({ kind: 'file', path: '/keys/a.pem' });
    expect(parseSignerSpec('file:keys/a.pem', '/x')).toEqual({ kind: 'file', path: '/x/keys/a.pem' });
  });

  it('reads an RFC 7512 PKCS#11 URI: token, object or id, module path and PIN file', () => {
    expect(
      parseSignerSpec(
        `pkcs11:token=parmana;object=attestation-signing;type=private?module-path=${MODULE}&pin-source=file:.local/softhsm2/user.pin`,
        '/srv/parmana',
      ),
    ).toEqual({
      kind: 'pkcs11',
      modulePath: MODULE,
      tokenLabel: 'parmana',
      objectLabel: 'attestation-signing',
      pinFile: '/srv/parmana/.local/softhsm2/user.pin',
    });
    const byId = parseSignerSpec(`pkcs11:token=my%20token;id=%01%A0?module-path=${MODULE}&pin-source=/p`, '/');
    expect(byId).toMatchObject({ tokenLabel: 'my token', objectId: Buffer.from([0x01, 0xa0]), pinFile: '/p' });
  });

  it('reads awskms URIs: AWS itself, or an endpoint (plain HTTP only on this machine)', () => {
    expect(parseSignerSpec('awskms:///alias/parmana-attestation', '/')).toEqual({
      kind: 'awskms',
      keyId: 'alias/parmana-attestation',
    });
    expect(
      parseSignerSpec('awskms:///arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab', '/'),
    ).toEqual({
      kind: 'awskms',
      keyId: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      region: 'eu-west-1',
    });
    expect(parseSignerSpec('awskms://127.0.0.1:4566/alias/a', '/')).toMatchObject({
      endpoint: 'http://127.0.0.1:4566',
    });
    expect(parseSignerSpec('awskms://kms.example.com/alias/a', '/')).toMatchObject({
      endpoint: 'https://kms.example.com',
    });
  });

  it('stops start-up on an unknown scheme or a missing part (SIG-001)', () => {
    for (const bad of [
      '',
      'vault:transit/keys/a',
      'file:',
      'pkcs11:object=a?module-path=/m.so&pin-source=file:/p',
      'pkcs11:token=t?module-path=/m.so&pin-source=file:/p',
      'pkcs11:token=t;object=a?pin-source=file:/p',
      'pkcs11:token=t;object=a?module-path=/m.so',
      'pkcs11:token=t;object=a?module-path=/m.so&pin-value=1234',
      'pkcs11:token=t;object=a;type=public?module-path=/m.so&pin-source=file:/p',
      'pkcs11:token=t;object=a;slot-id=1?module-path=/m.so&pin-source=file:/p',
      'pkcs11:token=t;token=u;object=a?module-path=/m.so&pin-source=file:/p',
      'pkcs11:token=t;object=a?module-path=/m.so&pin-source=https://pins/p',
      'pkcs11:token=%zz;object=a?module-path=/m.so&pin-source=file:/p',
      'awskms:alias/a',
      'awskms:///',
      'awskms:///not-a-key',
      'awskms://bad host/alias/a',
    ])
      expect(codeOf(bad), bad).toBe('SIG-001');
  });

  it('never quotes a PIN: pin-value is refused before anything else is read', () => {
    let message = '';
    try {
      parseSignerSpec('pkcs11:token=t;object=a?module-path=/m.so&pin-value=s3cret', '/');
    } catch (err) {
      message = err instanceof Error ? err.message : '';
    }
    expect(message).toContain('SIG-001');
  });
});
