import { spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHeartbeat } from '../../shared/heartbeat/Heartbeat.js';
import { sampleRequests } from '../../ops/demo/sampleRequests.js';
import { openSigner } from '../../ops/signers/openSigner.js';
import { softHsmFixture, type SoftHsmFixture } from '../signers/softHsmFixture.js';
import { expectExactlyOnce } from './exactlyOnce.js';
import { PipelineHarness } from './PipelineHarness.js';
import { trustAddKeyArgs } from '../signers/trustAddKeyArgs.js';

// The worker signs through a SoftHSM2 token of this test's own; the token store is taken away while requests flow.
let hsm: SoftHsmFixture;
let h: PipelineHarness;
let worker: ChildProcess;
let keyId: string;
const work = mkdtempSync(join(tmpdir(), 'parmana-hsm-e2e-'));

async function committedOffsets(): Promise<number> {
  return h.admin(async (admin) => {
    const groups = await admin.fetchOffsets({
      groupId: `${h.env.PARMANA_CLIENT_ID ?? ''}-worker`,
      topics: [h.topics.requests],
    });
    return groups.flatMap((t) => t.partitions).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
  });
}

/** True once a heartbeat of the worker says paused with no signing key (the device is failing). */
async function signerDownBeat(): Promise<boolean> {
  const beats = await h.readTopic(h.env.PARMANA_TOPIC_HEARTBEATS ?? '', 1_000_000, 2_000);
  for (const b of beats) {
    if (b.value === null) continue;
    const beat = toHeartbeat(await h.codec.decode(b.value));
    if (beat?.component === 'worker' && beat.status === 'paused' && beat.signerKeyId === null) return true;
  }
  return false;
}

beforeAll(async () => {
  hsm = softHsmFixture();
  hsm.token('e2e');
  hsm.key('e2e', 'attestation', 1);
  const uri = hsm.uri('e2e', 'attestation');
  const signer = await openSigner(uri, '/');
  keyId = signer.keyId;
  signer.close();
  // This repository's trust root (from dev init) plus the token's key, re-signed with the local root key.
  const trustDir = join(work, 'trust');
  cpSync('trust', trustDir, { recursive: true });
  const added = spawnSync(
    process.execPath,
    [
      'bin/parmana.js',
      ...trustAddKeyArgs({
        rootKey: '.local/keys/root.pem',
        signer: uri,
        purpose: 'attestation-signing',
        dir: trustDir,
      }),
    ],
    { encoding: 'utf8' },
  );
  expect(added.status, `${added.stdout}${added.stderr}`).toBe(0);
  h = await PipelineHarness.create({
    PARMANA_TRUST_DIR: trustDir,
    PARMANA_SIGNER: uri,
    SOFTHSM2_CONF: process.env.SOFTHSM2_CONF ?? '',
  });
  worker = h.start(['worker']);
  h.start(['sinks']);
  h.start(['log', 'writer']);
});

afterAll(async () => {
  await h.close();
  hsm.remove();
  rmSync(work, { recursive: true, force: true });
});

describe('worker signing through SoftHSM2', () => {
  it('signs through the token; a failing token signs and commits nothing; after it returns every request has one outcome', async () => {
    const prefix = `hsm-${Date.now()}`;
    const first = sampleRequests({ count: 100, prefix: `${prefix}-a`, replayRatio: 0, invalidRatio: 0.1, seed: 5 });
    await h.producer.submitBatch(first);
    await h.waitFor('the first batch', async () => (await h.outcomes(`${prefix}-a`)) === first.length);
    expect(
      await h.count('SELECT count(*) AS n FROM audit_decisions WHERE execution_id LIKE $1 AND signer_key_id = $2', [
        `${prefix}-a%`,
        keyId,
      ]),
    ).toBeGreaterThan(0);
    // Offsets commit in the transaction that carries the outcomes: what the sinks saw is committed.
    const afterFirst = await committedOffsets();
    expect(afterFirst).toBeGreaterThanOrEqual(first.length);

    // The token store disappears under the running worker: SoftHSM2 fails every signature from now on.
    const tokens = join(hsm.dir, 'tokens');
    renameSync(tokens, `${tokens}.away`);
    const second = sampleRequests({ count: 100, prefix: `${prefix}-b`, replayRatio: 0, invalidRatio: 0.1, seed: 6 });
    await h.producer.submitBatch(second);
    await h.waitFor('the worker to report the failing signer', () =>
      Promise.resolve(PipelineHarness.output(worker).includes('SIG-011')),
    );
    await h.waitFor('a heartbeat with the signer down', signerDownBeat, 60_000);
    expect(await h.outcomes(`${prefix}-b`)).toBe(0);
    expect(await committedOffsets()).toBe(afterFirst);

    // The device comes back; SoftHSM2 only sees it again in a new process: the worker is restarted.
    renameSync(`${tokens}.away`, tokens);
    await h.stop(worker);
    worker = h.start(['worker']);
    await expectExactlyOnce(h, prefix, [...first, ...second]);
    expect(await committedOffsets()).toBeGreaterThanOrEqual(afterFirst + second.length);
  });
});
