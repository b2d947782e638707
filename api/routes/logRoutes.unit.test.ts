import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { envelopeOf } from '../../shared/records/envelopeOf.js';
import { logEntryBytes } from '../../core/log/logEntry.js';
import { leafHash } from '../../core/log/merkleHashes.js';
import { verifyCheckpoint } from '../../core/log/verifyCheckpoint.js';
import { verifyConsistency } from '../../core/log/verifyConsistency.js';
import { verifyInclusion } from '../../core/log/verifyInclusion.js';
import { SEED_3, signerFromSeed, trustRoot } from '../../test/fixtures/testTrust.js';
import { sampleAttestationRecord } from '../../test/fixtures/sampleAttestation.js';
import { buildApp } from '../buildApp.js';
import type {
  ConsistencyProofResponse,
  ErrorBody,
  InclusionProofResponse,
  LogCheckpointResponse,
  LogEntryResponse,
} from '../contract.js';
import { fakes, SECRETS, SIGNER, type Fakes } from '../testing/fakeDeps.js';

const LOG_KEY = signerFromSeed(SEED_3);
const ORIGIN = 'parmana.test/log';
const ROOT = trustRoot(1, [
  { signer: SIGNER, purposes: ['attestation-signing'] },
  { signer: LOG_KEY, purposes: ['log-signing'] },
]);
const AT = '2026-03-01T12:00:00Z';
const b = (s: string): Buffer => Buffer.from(s, 'base64');

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function setup(
  entries: number,
): Promise<Fakes & { get: (url: string, role?: keyof typeof SECRETS) => Promise<{ status: number; body: unknown }> }> {
  const f = fakes();
  for (let i = 0; i < entries; i++) {
    f.log.append(envelopeOf(sampleAttestationRecord(SIGNER, `exec-${i}`)), 'attestation', `exec-${i}`);
    if (i === 4) f.log.checkpoint(ORIGIN, LOG_KEY);
  }
  if (entries > 0) f.log.checkpoint(ORIGIN, LOG_KEY);
  app = await buildApp(f.deps);
  const built = app;
  return {
    ...f,
    get: async (url, role = 'auditor') => {
      const res = await built.inject({ method: 'GET', url, headers: { authorization: `Bearer ${SECRETS[role]}` } });
      return { status: res.statusCode, body: JSON.parse(res.body) as unknown };
    },
  };
}

describe('GET /log/*', () => {
  it('serves the latest checkpoint, which verifies against the trust root', async () => {
    const s = await setup(12);
    const res = await s.get('/log/checkpoint', 'executor');
    expect(res.status).toBe(200);
    const cp = res.body as LogCheckpointResponse;
    expect(cp).toMatchObject({ origin: ORIGIN, treeSize: 12, signerKeyId: LOG_KEY.keyId });
    const verified = verifyCheckpoint(cp.note, ROOT, { origin: ORIGIN, at: AT });
    expect(verified.rootHash.toString('base64')).toBe(cp.rootHash);
  });

  it('serves entries whose canonical bytes hash to their leaf', async () => {
    const s = await setup(3);
    const res = await s.get('/log/entries/2');
    expect(res.status).toBe(200);
    const e = res.body as LogEntryResponse;
    expect(e).toMatchObject({ leafIndex: 2, kind: 'attestation', executionId: 'exec-2' });
    expect(leafHash(logEntryBytes(e.envelope)).toString('base64')).toBe(e.leafHash);
  });

  it('serves inclusion proofs by executionId and by index that verify against the checkpoint root', async () => {
    const s = await setup(12);
    const byId = (await s.get('/log/proof/inclusion?executionId=exec-7', 'executor')).body as InclusionProofResponse;
    expect(byId).toMatchObject({ leafIndex: 7, treeSize: 12, executionId: 'exec-7' });
    const cp = verifyCheckpoint(byId.checkpoint ?? '', ROOT, { origin: ORIGIN, at: AT });
    const leaf = leafHash(logEntryBytes(byId.envelope));
    expect(verifyInclusion(7, 12, leaf, byId.hashes.map(b), cp.rootHash)).toBe(true);
    const old = (await s.get('/log/proof/inclusion?index=3&treeSize=5')).body as InclusionProofResponse;
    expect(old.treeSize).toBe(5);
    expect(verifyInclusion(3, 5, leafHash(logEntryBytes(old.envelope)), old.hashes.map(b), b(old.rootHash))).toBe(true);
    expect(verifyCheckpoint(old.checkpoint ?? '', ROOT, { at: AT }).size).toBe(5);
  });

  it('serves consistency proofs between checkpoints', async () => {
    const s = await setup(12);
    const res = await s.get('/log/proof/consistency?from=5&to=12');
    expect(res.status).toBe(200);
    const p = res.body as ConsistencyProofResponse;
    const from = verifyCheckpoint(p.fromCheckpoint ?? '', ROOT, { at: AT });
    const to = verifyCheckpoint(p.toCheckpoint ?? '', ROOT, { at: AT });
    expect(verifyConsistency(5, 12, from.rootHash, to.rootHash, p.hashes.map(b))).toBe(true);
    const latest = (await s.get('/log/proof/consistency?from=5')).body as ConsistencyProofResponse;
    expect(latest.toSize).toBe(12);
  });

  it('answers coded errors in the usual shape', async () => {
    const empty = await setup(0);
    const none = await empty.get('/log/checkpoint');
    expect(none.status).toBe(404);
    expect((none.body as ErrorBody).error.code).toBe('LOG-012');
    await app?.close();
    const s = await setup(6);
    const cases: [string, number, string][] = [
      ['/log/entries/99', 404, 'LOG-010'],
      ['/log/proof/inclusion?executionId=nope', 404, 'LOG-010'],
      ['/log/proof/inclusion?index=2&treeSize=99', 400, 'LOG-009'],
      ['/log/proof/inclusion?index=5&treeSize=3', 400, 'LOG-007'],
      ['/log/proof/inclusion?index=1&executionId=exec-1', 400, 'API-011'],
      ['/log/proof/inclusion', 400, 'API-011'],
      ['/log/proof/consistency?from=5&to=3', 400, 'LOG-009'],
      ['/log/proof/consistency', 400, 'API-006'],
      ['/log/entries/x', 400, 'API-006'],
    ];
    for (const [url, status, code] of cases) {
      const res = await s.get(url);
      expect({ url, status: res.status, code: (res.body as ErrorBody).error.code }).toEqual({ url, status, code });
      expect((res.body as ErrorBody).error.requestId).toEqual(expect.any(String));
    }
    expect((await s.get('/log/checkpoint', 'approver')).status).toBe(403);
    expect((await s.get('/log/monitor', 'executor')).status).toBe(403);
    expect((await s.get('/log/monitor')).body).toEqual({ items: [] });
  });
});
