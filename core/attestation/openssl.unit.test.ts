import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SEED_1, signerFromSeed } from '../../test/fixtures/testTrust.js';
import { publicKeyFromRaw, publicPem } from '../crypto/ed25519Keys.js';
import { attestationEnvelope, buildAttestationBody } from './buildAttestationBody.js';

const signer = signerFromSeed(SEED_1);

// The shell steps of docs/attestation-format.md, run as written (jq replaced by node for the JSON extraction only).
const SCRIPT = `set -e
TYPE='application/vnd.parmana.attestation+json;version=1'
base64 -d payload.b64 > payload.bin
base64 -d sig.b64 > sig.bin
printf 'DSSEv1 %d %s %d ' "\${#TYPE}" "$TYPE" "$(wc -c < payload.bin)" > pae.bin
cat payload.bin >> pae.bin
openssl pkeyutl -verify -pubin -inkey key.pem -rawin -in pae.bin -sigfile sig.bin`;

function verifyWithOpenssl(payloadB64: string, sigB64: string): { ok: boolean; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'openssl-'));
  writeFileSync(join(dir, 'payload.b64'), payloadB64);
  writeFileSync(join(dir, 'sig.b64'), sigB64);
  writeFileSync(join(dir, 'key.pem'), publicPem(publicKeyFromRaw(signer.publicKeyRaw)));
  const r = spawnSync('bash', ['-c', SCRIPT], { cwd: dir, encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

describe('docs/attestation-format.md openssl recipe', () => {
  const envelope = attestationEnvelope(
    buildAttestationBody({
      executionId: 'ünïcode-✓',
      policyId: 'agent-action-gate',
      policyVersion: '1.0.0',
      schemaVersion: '1.0.0',
      signals: { action_type: 'delete', note: 'é' },
      decision: { action: 'pending_override', requires_override: true, reason: 'Deletes need a human', ruleId: 'r1' },
      bundleHash: 'c'.repeat(64),
      trustRootVersion: 2,
      releaseManifestHash: 'd'.repeat(64),
      runtimeVersion: 'parmana-stream@0.1.0',
      signerKeyId: signer.keyId,
      requestedAt: '2026-03-04T05:06:07Z',
    }),
    signer,
  );
  const sig = envelope.signatures[0]?.sig ?? '';

  it('verifies a genuine attestation with openssl alone', () => {
    expect(execFileSync('openssl', ['version'], { encoding: 'utf8' })).toMatch(/OpenSSL 3/);
    const r = verifyWithOpenssl(envelope.payload, sig);
    expect(r.out).toContain('Signature Verified Successfully');
    expect(r.ok).toBe(true);
  });

  it('fails for a tampered payload', () => {
    const body = Buffer.from(envelope.payload, 'base64').toString().replace('pending_override', 'approve_override');
    const r = verifyWithOpenssl(Buffer.from(body).toString('base64'), sig);
    expect(r.ok).toBe(false);
    expect(r.out).toContain('Signature Verification Failure');
  });
});
