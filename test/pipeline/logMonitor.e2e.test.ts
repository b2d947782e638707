import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ParmanaClient } from '../../api/client/createClient.js';
import { signCheckpoint } from '../../core/log/signCheckpoint.js';
import { sampleRequests } from '../../ops/demo/sampleRequests.js';
import { ApiProcess } from '../api/ApiProcess.js';
import { SEED_2, signerFromSeed } from '../fixtures/testTrust.js';
import { PipelineHarness } from './PipelineHarness.js';

// `parmana log monitor` as a real process following the real checkpoint topic of a real `parmana log writer`, and
// what an auditor sees of its findings through the API.

const ORIGIN = 'parmana-stream.local/log';
let h: PipelineHarness;
let auditor: ParmanaClient;
let stateFile: string;

async function submitAll(requests: readonly object[]): Promise<void> {
  for (let i = 0; i < requests.length; i += 500) await h.producer.submitBatch(requests.slice(i, i + 500));
}

const logSize = (): Promise<number> => h.count('SELECT count(*) AS n FROM log_entries');
const okReportsAt = (size: number): Promise<number> =>
  h.count("SELECT count(*) AS n FROM log_monitor_reports WHERE status = 'ok' AND tree_size = $1", [size]);
const inconsistencies = (code: string): Promise<number> =>
  h.count(
    `SELECT count(*) AS n FROM audit_security_events
     WHERE event_type = 'log_inconsistency' AND severity = 'critical' AND code = $1`,
    [code],
  );

beforeAll(async () => {
  h = await PipelineHarness.create({ PARMANA_LOG_CHECKPOINT_INTERVAL_MS: '500' });
  stateFile = join(mkdtempSync(join(tmpdir(), 'log-monitor-')), 'state.json');
  h.start(['worker']);
  h.start(['sinks']);
  h.start(['log', 'writer']);
  // Its own state file (outside the database it audits), and a sweep of every entry each 2 s.
  h.start(['log', 'monitor'], { PARMANA_LOG_MONITOR_STATE_FILE: stateFile, PARMANA_LOG_MONITOR_SWEEP_SECONDS: '2' });
  const api = await ApiProcess.start(h);
  auditor = createClient({ baseUrl: api.url, apiKey: api.secrets.auditor });
});

afterAll(async () => {
  await h.close();
});

describe('log monitor process (real Kafka checkpoint topic, real Postgres)', () => {
  it('follows the checkpoints while the log is honest, then raises log_inconsistency for an altered past entry and a forged checkpoint', async () => {
    const requests = sampleRequests({
      count: 400,
      prefix: `mon-${Date.now()}`,
      replayRatio: 0,
      invalidRatio: 0.05,
      seed: 31,
    });
    await submitAll(requests);
    await h.waitFor('every outcome in the log', async () => (await logSize()) >= requests.length);
    await h.waitFor('the monitor to verify the whole log', async () => (await okReportsAt(requests.length)) > 0);
    const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as { treeSize: number; origin: string };
    expect(saved).toMatchObject({ treeSize: requests.length, origin: ORIGIN });
    expect(await h.count("SELECT count(*) AS n FROM log_monitor_reports WHERE status <> 'ok'")).toBe(0);
    expect(
      await h.count("SELECT count(*) AS n FROM audit_security_events WHERE event_type = 'log_inconsistency'"),
    ).toBe(0);

    // A superuser rewrites a past entry behind the append-only triggers (no checkpoint changes).
    const client = await h.pool.connect();
    try {
      await client.query("SET session_replication_role = 'replica'");
      const changed = await client.query(
        `UPDATE log_entries SET entry = convert_to(replace(convert_from(entry, 'UTF8'), '"payloadType"', '"payloadType" '), 'UTF8')
         WHERE leaf_index = 7`,
      );
      expect(changed.rowCount).toBe(1);
      await client.query("SET session_replication_role = 'origin'");
    } finally {
      client.release();
    }
    await h.waitFor(
      'the monitor to find the altered entry',
      async () => (await inconsistencies('LOG-031')) > 0,
      60_000,
    );

    // A checkpoint on the topic signed by a key the trust root does not list for log signing.
    const forged = signCheckpoint(
      { origin: ORIGIN, size: requests.length + 1, rootHash: Buffer.alloc(32, 7) },
      signerFromSeed(SEED_2),
    );
    const producer = h.kafka.producer();
    await producer.connect();
    await producer.send({
      topic: h.env.PARMANA_TOPIC_LOG_CHECKPOINTS ?? '',
      messages: [{ key: ORIGIN, value: forged }],
    });
    await producer.disconnect();
    await h.waitFor('the monitor to refuse the forged checkpoint', async () => (await inconsistencies('LOG-003')) > 0);

    // What an auditor sees: the critical group in /audit/security, the raw events, and the monitor's reports.
    await h.waitFor('log_inconsistency in GET /audit/security', async () => {
      const groups = await auditor.audit.security();
      return groups.some((g) => g.event_type === 'log_inconsistency' && g.severity === 'critical');
    });
    const events = await auditor.audit.securityEvents({ event_type: 'log_inconsistency' });
    expect(new Set(events.items.map((e) => e.code))).toEqual(new Set(['LOG-031', 'LOG-003']));
    for (const e of events.items) {
      expect(e.severity).toBe('critical');
      expect(e.source).toMatch(/^log-monitor:monitor-/);
    }
    const reports = await auditor.log.monitor();
    expect(reports.items.filter((r) => r.status === 'inconsistent').map((r) => r.code)).toEqual(
      expect.arrayContaining(['LOG-031', 'LOG-003']),
    );
    // The monitor never took the altered log as trusted: its saved checkpoint is still the honest one.
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toMatchObject({ treeSize: requests.length });
  }, 300_000);
});
