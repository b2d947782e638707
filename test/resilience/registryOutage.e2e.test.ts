import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleRequests } from '../../ops/demo/sampleRequests.js';
import { PipelineHarness } from '../pipeline/PipelineHarness.js';
import { TestPostgresCluster } from '../TestPostgresCluster.js';
import { TestRegistry } from '../TestRegistry.js';

// The registry and its Postgres are this file's own: restarting them disturbs no other test.
const database = new TestPostgresCluster();
let registry: TestRegistry;
let h: PipelineHarness;
const dir = mkdtempSync(join(tmpdir(), 'registry-outage-'));

/** `parmana produce --file <requests>` as a user runs it; resolves with its exit code and output. */
function produce(requests: readonly object[], name: string): Promise<{ code: number | null; out: string }> {
  const file = join(dir, `${name}.jsonl`);
  writeFileSync(file, requests.map((r) => JSON.stringify(r)).join('\n'));
  const child = spawn(process.execPath, ['bin/parmana.js', 'produce', '--file', file], {
    env: h.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      resolve({ code, out });
    });
  });
}

async function exactlyOnce(prefix: string, count: number): Promise<void> {
  await h.waitFor(`${count} outcomes for ${prefix}`, async () => (await h.outcomes(prefix)) >= count, 120_000);
  const rows = await h.count(
    `SELECT (SELECT count(*) FROM audit_decisions WHERE execution_id LIKE $1) + (SELECT count(*) FROM audit_rejections WHERE execution_id LIKE $1) AS n`,
    [`${prefix}%`],
  );
  expect(rows).toBe(count);
  expect(await h.outcomes(prefix)).toBe(count);
}

beforeAll(async () => {
  await database.init();
  registry = new TestRegistry(database.url());
  await registry.start();
  h = await PipelineHarness.create({ SCHEMA_REGISTRY_URL: registry.url });
  h.start(['worker']);
  h.start(['sinks']);
  h.start(['log', 'writer']);
}, 240_000);

afterAll(async () => {
  await h.close();
  await registry.stop();
  database.destroy();
});

describe('schema registry outages (its own registry and Postgres)', () => {
  it('parmana produce rides out a killed and restarted registry: every request decided exactly once', async () => {
    const prefix = `reg-kill-${Date.now()}`;
    const requests = sampleRequests({ count: 300, prefix, replayRatio: 0, invalidRatio: 0.02, seed: 21 });
    registry.kill();
    const run = produce(requests, 'kill');
    await sleep(2_000);
    await registry.start();
    const { code, out } = await run;
    expect(out).toContain(`produced ${requests.length} request(s)`);
    expect(code).toBe(0);
    await exactlyOnce(prefix, requests.length);
  });

  it("rides out a restart of the registry's Postgres (HTTP 500 meanwhile), the reported failure", async () => {
    const prefix = `reg-pg-${Date.now()}`;
    const requests = sampleRequests({ count: 300, prefix, replayRatio: 0, invalidRatio: 0.02, seed: 22 });
    database.stop();
    const run = produce(requests, 'pg');
    await sleep(3_000);
    database.start();
    const { code, out } = await run;
    expect(out).toContain(`produced ${requests.length} request(s)`);
    expect(code).toBe(0);
    await exactlyOnce(prefix, requests.length);
  });

  it('gives up after its bound with a coded error, sends nothing, and never hangs', async () => {
    const prefix = `reg-down-${Date.now()}`;
    const requests = sampleRequests({ count: 20, prefix, replayRatio: 0, invalidRatio: 0, seed: 23 });
    await registry.stop();
    const started = Date.now();
    const { code, out } = await produce(requests, 'down');
    const seconds = (Date.now() - started) / 1000;
    expect(code).toBe(1);
    expect(out).toContain('REG-001');
    expect(seconds).toBeLessThan(90);
    await registry.start();
    // Nothing half-sent: no outcome appears for the refused batch.
    await sleep(3_000);
    expect(await h.outcomes(prefix)).toBe(0);
  });
});
