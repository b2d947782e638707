import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { consistencyProof, inclusionProof } from '../../api/log/logProofs.js';
import { MemoryLogReader } from '../../api/testing/MemoryLogReader.js';
import { attestationEnvelope } from '../../core/attestation/buildAttestationBody.js';
import { publicKeyFromRaw, publicPem } from '../../core/crypto/ed25519Keys.js';
import { sampleAttestationBody } from '../../test/fixtures/sampleAttestation.js';
import { SEED_1, SEED_2, SEED_3, signerFromSeed } from '../../test/fixtures/testTrust.js';
import { writeTrustRoot } from '../trust/trustFiles.js';
import { main } from './dispatch.js';

const rootKey = signerFromSeed(SEED_1);
const attestationKey = signerFromSeed(SEED_2);
const logKey = signerFromSeed(SEED_3);
const ORIGIN = 'parmana.test/cli';

function entry(signer: typeof rootKey, purpose: 'attestation-signing' | 'log-signing') {
  return {
    keyId: signer.keyId,
    publicKeyPem: publicPem(publicKeyFromRaw(signer.publicKeyRaw)),
    purposes: [purpose],
    notBefore: '2020-01-01T00:00:00Z',
    notAfter: '2099-01-01T00:00:00Z',
  };
}

function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'parmana-log-cli-'));
  writeTrustRoot(
    join(dir, 'trust'),
    { version: 1, keys: [entry(attestationKey, 'attestation-signing'), entry(logKey, 'log-signing')] },
    rootKey,
    publicPem(publicKeyFromRaw(rootKey.publicKeyRaw)),
  );
  const log = new MemoryLogReader();
  for (let i = 0; i < 9; i++) {
    log.append(
      attestationEnvelope(sampleAttestationBody(attestationKey, `cli-${i}`), attestationKey),
      'attestation',
      `cli-${i}`,
    );
    if (i === 3) log.checkpoint(ORIGIN, logKey);
  }
  log.checkpoint(ORIGIN, logKey);
  const write = (name: string, value: unknown): string => {
    writeFileSync(join(dir, name), typeof value === 'string' ? value : JSON.stringify(value));
    return name;
  };
  return { dir, log, write };
}

async function run(cwd: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { stdout: (l) => out.push(l), stderr: (l) => err.push(l), env: {}, cwd });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('parmana verify inclusion|consistency (offline)', () => {
  it('verifies an inclusion proof saved from the API, and an envelope with a separate proof file', async () => {
    const { dir, log, write } = workspace();
    const proof = await inclusionProof(log, { executionId: 'cli-6' });
    const cp = write('checkpoint.txt', log.checkpoints.at(-1)?.note ?? '');
    const saved = write('proof.json', proof);
    const ok = await run(dir, 'verify', 'inclusion', saved, '--checkpoint', cp, '--origin', ORIGIN);
    expect(ok).toMatchObject({ code: 0, err: '' });
    expect(ok.out).toContain('ok   inclusion proof');
    expect(ok.out).toContain('VALID');
    const env = write('attestation.json', proof.envelope);
    expect((await run(dir, 'verify', 'inclusion', env, '--proof', saved, '--checkpoint', cp)).code).toBe(0);
  });

  it('fails with a coded line for a changed proof, another entry, an older checkpoint or a forged one', async () => {
    const { dir, log, write } = workspace();
    const proof = await inclusionProof(log, { executionId: 'cli-6' });
    const cp = write('checkpoint.txt', log.checkpoints.at(-1)?.note ?? '');
    const flipped = write('flipped.json', {
      ...proof,
      hashes: proof.hashes.map((h, i) => (i === 1 ? Buffer.alloc(32, 9).toString('base64') : h)),
    });
    const bad = await run(dir, 'verify', 'inclusion', flipped, '--checkpoint', cp);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^LOG-005/m);
    const other = write('other.json', { ...proof, envelope: (await inclusionProof(log, { index: 2 })).envelope });
    expect((await run(dir, 'verify', 'inclusion', other, '--checkpoint', cp)).err).toMatch(/LOG-005/);
    const old = write('old.txt', log.checkpoints[0]?.note ?? '');
    expect((await run(dir, 'verify', 'inclusion', write('p.json', proof), '--checkpoint', old)).err).toMatch(
      /LOG-005 proof is for tree size 9/,
    );
    const forged = write('forged.txt', (log.checkpoints.at(-1)?.note ?? '').replace('\n9\n', '\n10\n'));
    expect((await run(dir, 'verify', 'inclusion', write('q.json', proof), '--checkpoint', forged)).err).toMatch(
      /LOG-004/,
    );
    expect((await run(dir, 'verify', 'inclusion', 'missing.json', '--checkpoint', cp)).err).toMatch(/LOG-015/);
  });

  it('verifies consistency between two checkpoints and refuses a wrong proof', async () => {
    const { dir, log, write } = workspace();
    const old = write('old.txt', log.checkpoints[0]?.note ?? '');
    const now = write('new.txt', log.checkpoints.at(-1)?.note ?? '');
    const proof = write('c.json', await consistencyProof(log, 4, 9));
    const ok = await run(dir, 'verify', 'consistency', old, now, '--proof', proof);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('CONSISTENT');
    const reversed = await run(dir, 'verify', 'consistency', now, old, '--proof', proof);
    expect(reversed.code).toBe(1);
    const wrong = write('w.json', { hashes: (await consistencyProof(log, 4, 9)).hashes.slice(1) });
    const bad = await run(dir, 'verify', 'consistency', old, now, '--proof', wrong);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/LOG-00[68]/);
  });
});
