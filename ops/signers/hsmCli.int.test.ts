import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAttestationBody, signAttestationAsync } from '../../core/attestation/buildAttestationBody.js';
import { publicKeyFromRaw, publicPem } from '../../core/crypto/ed25519Keys.js';
import { toEnvelope, PAYLOAD_TYPES } from '../../core/dsse/Envelope.js';
import { softHsmFixture, type SoftHsmFixture } from '../../test/signers/softHsmFixture.js';
import type { Command } from '../cli/command.js';
import { bundleCommands } from '../cli/commands/bundle.js';
import { logCommands } from '../cli/commands/log.js';
import { trustCommands } from '../cli/commands/trust.js';
import { verifyCommands } from '../cli/commands/verify.js';
import { workerCommands } from '../cli/commands/worker.js';
import { generateKeyFile } from '../keys/keyFiles.js';
import { openSigner } from './openSigner.js';
import { trustAddKeyArgs } from '../../test/signers/trustAddKeyArgs.js';

let hsm: SoftHsmFixture;
let work: string;
let rootKey: string;
let trustDir: string;

/** Runs a CLI command in this process; returns its exit code and output. */
async function run(
  commands: readonly Command[],
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const command = commands.find((c) => c.path.every((p, i) => args[i] === p));
  if (command === undefined) throw new Error(`no command ${args.join(' ')}`);
  const code = await command.run(args.slice(command.path.length), {
    stdout: (l) => lines.push(l),
    stderr: (l) => lines.push(l),
    env: { ...process.env, ...env },
    cwd: process.cwd(),
  });
  return { code, out: lines.join('\n') };
}

/** `trust add-key` of a key on the token into this test's trust root. */
function addKeyArgs(signer: string, purpose: string): string[] {
  return trustAddKeyArgs({ rootKey, signer, purpose, dir: trustDir });
}

async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
  return 'no error';
}

beforeAll(async () => {
  hsm = softHsmFixture();
  hsm.token('cli');
  hsm.key('cli', 'attestation', 1);
  hsm.key('cli', 'log', 2);
  hsm.key('cli', 'bundle', 3);
  hsm.key('cli', 'stranger', 4);
  work = mkdtempSync(join(tmpdir(), 'parmana-hsm-cli-'));
  rootKey = join(work, 'root.pem');
  generateKeyFile(rootKey);
  trustDir = join(work, 'trust');
  expect((await run(trustCommands, ['trust', 'init', '--root-key', rootKey, '--dir', trustDir])).code).toBe(0);
  for (const [label, purpose] of [
    ['attestation', 'attestation-signing'],
    ['log', 'log-signing'],
    ['bundle', 'bundle-signing'],
  ] as const) {
    const added = await run(trustCommands, addKeyArgs(hsm.uri('cli', label), purpose));
    expect(added.code, added.out).toBe(0);
  }
});

afterAll(() => {
  hsm.remove();
  rmSync(work, { recursive: true, force: true });
});

describe('HSM keys through the CLI', () => {
  it('trust add-key --signer lists the key id computed from the public key read from the token', async () => {
    const signer = await openSigner(hsm.uri('cli', 'attestation'), '/');
    signer.close();
    const shown = await run(trustCommands, addKeyArgs(hsm.uri('cli', 'attestation'), 'attestation-signing')).catch(
      (err: unknown) => ({ code: -1, out: String(err) }),
    );
    expect(shown.out).toContain(`key ${signer.keyId} is already trusted`);
  });

  it('an attestation signed through the HSM verifies with parmana verify attestation and with openssl alone', async () => {
    const signer = await openSigner(hsm.uri('cli', 'attestation'), '/');
    const body = buildAttestationBody({
      executionId: 'hsm-1',
      policyId: 'loan-approval',
      policyVersion: '1.0.0',
      schemaVersion: '1.0.0',
      signals: { amount: 100 },
      decision: { action: 'approve', requires_override: false, reason: 'small', ruleId: 'r1' },
      bundleHash: 'c'.repeat(64),
      trustRootVersion: 4,
      releaseManifestHash: 'd'.repeat(64),
      runtimeVersion: 'parmana-stream@test',
      signerKeyId: signer.keyId,
      requestedAt: '2026-03-04T05:06:07Z',
    });
    const envelope = toEnvelope(PAYLOAD_TYPES.attestation, await signAttestationAsync(body, signer));
    const file = join(work, 'attestation.json');
    writeFileSync(file, JSON.stringify(envelope));
    const verified = await run(verifyCommands, ['verify', 'attestation', file, '--trust', trustDir]);
    expect(verified.out).toContain('VALID');
    expect(verified.code).toBe(0);

    const dir = mkdtempSync(join(work, 'openssl-'));
    writeFileSync(join(dir, 'payload.bin'), Buffer.from(envelope.payload, 'base64'));
    writeFileSync(join(dir, 'sig.bin'), Buffer.from(envelope.signatures[0]?.sig ?? '', 'base64'));
    writeFileSync(join(dir, 'key.pem'), publicPem(publicKeyFromRaw(signer.publicKeyRaw)));
    signer.close();
    const script = `set -e
TYPE='${PAYLOAD_TYPES.attestation}'
printf 'DSSEv1 %d %s %d ' "\${#TYPE}" "$TYPE" "$(wc -c < payload.bin)" > pae.bin
cat payload.bin >> pae.bin
openssl pkeyutl -verify -pubin -inkey key.pem -rawin -in pae.bin -sigfile sig.bin`;
    const r = spawnSync('bash', ['-c', script], { cwd: dir, encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).toContain('Signature Verified Successfully');
    expect(r.status).toBe(0);
  });

  it('policy build --signer signs a bundle on the token that verify bundle accepts', async () => {
    const dir = join(work, 'policies/loan-approval/1.0.0');
    cpSync('policies/loan-approval/1.0.0', dir, { recursive: true });
    rmSync(join(dir, 'manifest.json'), { force: true });
    const built = await run(bundleCommands, [
      'policy',
      'build',
      dir,
      '--signer',
      hsm.uri('cli', 'bundle'),
      '--trust',
      trustDir,
    ]);
    expect(built.out).toContain('built');
    expect(built.code).toBe(0);
    const verified = await run(verifyCommands, ['verify', 'bundle', dir, '--trust', trustDir]);
    expect(verified.code, verified.out).toBe(0);
  });

  it('the worker and the log writer refuse a device key the trust root does not list or has revoked', async () => {
    const stranger = { PARMANA_SIGNER: hsm.uri('cli', 'stranger'), PARMANA_TRUST_DIR: trustDir };
    expect(await errorOf(run(workerCommands, ['worker'], stranger))).toBe('SIG-010');
    const logStranger = { PARMANA_LOG_SIGNER: hsm.uri('cli', 'stranger'), PARMANA_TRUST_DIR: trustDir };
    expect(await errorOf(run(logCommands, ['log', 'writer'], logStranger))).toBe('LOG-013');

    const revokedTrust = join(work, 'trust-revoked');
    cpSync(trustDir, revokedTrust, { recursive: true });
    const signer = await openSigner(hsm.uri('cli', 'attestation'), '/');
    signer.close();
    const revoked = await run(trustCommands, [
      'trust',
      'revoke-key',
      '--root-key',
      rootKey,
      '--key-id',
      signer.keyId,
      '--at',
      '2021-01-01T00:00:00Z',
      '--dir',
      revokedTrust,
    ]);
    expect(revoked.code, revoked.out).toBe(0);
    const env = { PARMANA_SIGNER: hsm.uri('cli', 'attestation'), PARMANA_TRUST_DIR: revokedTrust };
    expect(await errorOf(run(workerCommands, ['worker'], env))).toBe('SIG-010');
    expect(await errorOf(run(workerCommands, ['worker'], { ...env, PARMANA_SIGNER: 'hsm:nothing' }))).toBe('SIG-001');
  });
});
