import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleRequests } from '../../ops/demo/sampleRequests.js';
import type { ErrorBody, ExecuteResponse, HealthResponse } from '../../api/contract.js';
import { ApiProcess } from '../api/ApiProcess.js';
import { refundRequest } from '../fixtures/refundRequest.js';
import { TestPostgresCluster } from '../TestPostgresCluster.js';
import { PipelineHarness } from './PipelineHarness.js';

// This suite's own Postgres cluster (initdb on a spare port): the outage never touches the machine's server.
const cluster = new TestPostgresCluster();

let h: PipelineHarness;
let api: ApiProcess;

beforeAll(async () => {
  await cluster.init();
  h = await PipelineHarness.create({}, cluster.url());
  h.start(['worker']);
  h.start(['sinks']);
  h.start(['log', 'writer']);
  api = await ApiProcess.start(h);
});

afterAll(async () => {
  cluster.start(); // restore before cleanup, whatever happened in the test
  await h.close();
  cluster.destroy();
});

describe('Postgres outage', () => {
  it('the sinks and the log writer wait while Postgres is down and catch up completely when it is back', async () => {
    const prefix = `pg-${Date.now()}`;
    const first = sampleRequests({ count: 200, prefix: `${prefix}-a`, replayRatio: 0, invalidRatio: 0.05, seed: 5 });
    await h.producer.submitBatch(first);
    await h.waitFor('the first batch', async () => (await h.outcomes(`${prefix}-a`)) === first.length);

    const recent = await api.call<ExecuteResponse>('POST', '/execute', 'executor', refundRequest(`recent-${prefix}`));
    expect(recent.status).toBe(200);

    cluster.stop();
    // A replay of a recent id is still answered: Redis (the hot tier) knows it, the ledger is not needed.
    const replay = await api.call<ErrorBody>('POST', '/execute', 'executor', refundRequest(`recent-${prefix}`));
    expect([replay.status, replay.body.error.code]).toEqual([422, 'INV-013']);

    const second = sampleRequests({ count: 400, prefix: `${prefix}-b`, replayRatio: 0, invalidRatio: 0.05, seed: 6 });
    await h.producer.submitBatch(second);

    // Meanwhile the API: /audit/* says the audit database is down (503, never an empty list).
    const audit = await api.call<ErrorBody>('GET', '/audit/decisions', 'auditor');
    expect([audit.status, audit.body.error.code]).toEqual([503, 'API-009']);
    expect(audit.body.error.message).toContain('Audit database unavailable');
    const security = await api.call<ErrorBody>('GET', '/audit/security', 'auditor');
    expect(security.status).toBe(503);
    // A new id cannot be claimed in the replay ledger: nothing is signed (fail closed), the call times out and the
    // request is decided once Postgres is back.
    const executed = await api.call<ErrorBody>('POST', '/execute', 'executor', refundRequest(`api-${prefix}`));
    expect([executed.status, executed.body.error.code]).toEqual([504, 'API-007']);
    const health = await api.call<HealthResponse>('GET', '/health');
    expect(health.body.audit_db).toBe(false);

    cluster.start();
    await h.waitFor(
      'the second batch after Postgres is back',
      async () => (await h.outcomes(`${prefix}-b`)) === second.length,
      120_000,
    );
    const rows = await h.count(
      `SELECT (SELECT count(*) FROM audit_decisions WHERE execution_id LIKE $1) + (SELECT count(*) FROM audit_rejections WHERE execution_id LIKE $1) AS n`,
      [`${prefix}-%`],
    );
    expect(rows).toBe(first.length + second.length);
    await h.waitFor('the API request after Postgres is back', async () => (await h.outcomes(`api-${prefix}`)) === 1);
    const back = await api.call('GET', `/audit/decisions/api-${prefix}`, 'auditor');
    expect(back.status).toBe(200);
  });
});
