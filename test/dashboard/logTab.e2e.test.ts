import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParmanaClient } from '../../api/client/createClient.js';
import type { InclusionProofResponse, LogCheckpointResponse } from '../../api/contract.js';
import type { ApiProcess } from '../api/ApiProcess.js';
import { loanRequest, startApiPipeline, type ApiPipeline } from '../api/startApiPipeline.js';

// The dashboard's Log tab in headless Chromium, against the real API over a real log writer and monitor: the
// checkpoint's signature and a decision's inclusion proof are verified by the page itself.

const DIST = resolve('dashboard/dist');
const SHOTS = resolve('test-output/dashboard');
const run = randomBytes(4).toString('hex');
const decided = `${run}-logged`;

let pipeline: ApiPipeline | undefined;
let api: ApiProcess;
let auditor: ParmanaClient;
let browser: Browser | undefined;
let page: Page;
const consoleErrors: string[] = [];
const pageErrors: string[] = [];

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe().catch(() => undefined);
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

async function text(locator: Locator): Promise<string> {
  await locator.first().waitFor({ state: 'visible', timeout: 30_000 });
  return ((await locator.first().textContent()) ?? '').trim();
}

/** The locator's text once it is `expected` (the page re-renders after each click). */
async function shows(locator: Locator, expected: string): Promise<void> {
  await until(`"${expected}"`, async () => ((await text(locator)) === expected ? true : undefined), 30_000);
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function openLogTab(): Promise<void> {
  await page.getByRole('tab', { name: 'Decisions', exact: true }).click();
  await page.getByRole('tab', { name: 'Log', exact: true }).click();
}

async function verifyInclusion(executionId: string): Promise<void> {
  await page.fill('input[name=executionId]', executionId);
  await page.getByRole('button', { name: 'Verify inclusion', exact: true }).click();
}

beforeAll(async () => {
  if (!existsSync(join(DIST, 'index.html'))) {
    throw new Error('dashboard/dist/index.html is missing: run `npm run build` first');
  }
  mkdirSync(SHOTS, { recursive: true });
  pipeline = await startApiPipeline({ PARMANA_DASHBOARD_DIR: DIST }, { PARMANA_LOG_CHECKPOINT_INTERVAL_MS: '500' });
  ({ api, auditor } = pipeline);
  pipeline.h.start(['log', 'monitor'], {
    PARMANA_LOG_MONITOR_STATE_FILE: join(mkdtempSync(join(tmpdir(), 'log-monitor-')), 'state.json'),
  });
  await pipeline.executor.execute(loanRequest(decided));
  for (let i = 0; i < 5; i++) await pipeline.executor.execute(loanRequest(`${run}-more-${i}`));
  const proof = await until('the decision under a signed checkpoint', async () => {
    const p = await auditor.log.inclusionProof({ executionId: decided });
    return p.checkpoint === null ? undefined : p;
  });
  await until('a monitor report of that checkpoint', async () => {
    const r = await auditor.log.monitor();
    return r.items.some((m) => m.status === 'ok' && m.treeSize >= proof.treeSize) ? true : undefined;
  });

  const chrome = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  browser = chrome;
  page = await chrome.newPage({ viewport: { width: 1440, height: 1000 } });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${api.url}/dashboard/`);
  await page.fill('input[name=apiKey]', api.secrets.admin);
  await page.click('button[type=submit]');
  await page.getByRole('tab', { name: 'Log' }).waitFor();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await pipeline?.h.close();
});

describe('the Log tab in a browser', () => {
  it('shows the current checkpoint, its signature verified in the browser, and the monitor status', async () => {
    await openLogTab();
    const served = await auditor.log.checkpoint();
    expect(await text(page.locator('[data-testid=checkpoint-signature]'))).toBe('signature verified in this browser');
    const facts = await text(page.locator('[data-testid=checkpoint-facts]'));
    expect(facts).toContain('parmana-stream.local/log');
    expect(Number(await text(page.locator('[data-testid=checkpoint-size]')))).toBeGreaterThanOrEqual(6);
    expect(Number(await text(page.locator('[data-testid=checkpoint-size]')))).toBeLessThanOrEqual(served.treeSize);
    expect(await page.locator('[data-testid=checkpoint-mismatch]').count()).toBe(0);
    expect(await text(page.locator('[data-testid=monitor-status]'))).toContain('Consistent');
    expect(await page.locator('[data-testid=monitor-reports] tbody tr').count()).toBeGreaterThan(0);
  });

  it('verifies a decision made by this test: "inclusion proof verified"', async () => {
    await verifyInclusion(decided);
    await shows(page.locator('[data-testid=inclusion-verdict]'), 'inclusion proof verified');
    const check = await text(page.locator('[data-testid=inclusion-check]'));
    expect(check).toContain('attestation');
    expect(check).toContain('Checkpoint signature (trust root log key)verified');
    await shot('13-log-tab');
  });

  it('a tampered proof shows as INVALID, and so does a checkpoint whose note was changed', async () => {
    // One hash of the audit path changed on its way from the API: the page must not take the server's word.
    await page.route('**/log/proof/inclusion?*', async (route) => {
      const res = await route.fetch();
      const body = (await res.json()) as InclusionProofResponse;
      const hashes = body.hashes.map((h, i) => (i === 0 ? Buffer.alloc(32, 9).toString('base64') : h));
      await route.fulfill({ response: res, json: { ...body, hashes } });
    });
    await verifyInclusion(decided);
    await shows(page.locator('[data-testid=inclusion-verdict]'), 'inclusion proof INVALID');
    expect(await text(page.locator('[data-testid=inclusion-problems]'))).toContain(
      'LOG-005 inclusion proof does not lead to the checkpoint root',
    );
    await shot('14-log-tampered-proof');
    await page.unroute('**/log/proof/inclusion?*');

    await page.route('**/log/checkpoint', async (route) => {
      const res = await route.fetch();
      const body = (await res.json()) as LogCheckpointResponse;
      const note = body.note.replace(`\n${body.treeSize}\n`, `\n${body.treeSize + 1}\n`);
      await route.fulfill({ response: res, json: { ...body, note, treeSize: body.treeSize + 1 } });
    });
    // And a monitor that found the log inconsistent.
    await page.route('**/log/monitor?*', (route) =>
      route.fulfill({
        json: {
          items: [
            {
              monitor: 'monitor-test',
              status: 'inconsistent',
              treeSize: 6,
              rootHash: Buffer.alloc(32).toString('base64'),
              code: 'LOG-031',
              detail: { message: 'entries 0..5 do not hash to the signed root' },
              checkedAt: new Date().toISOString(),
            },
          ],
        },
      }),
    );
    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    await shows(page.locator('[data-testid=checkpoint-signature]'), 'signature INVALID');
    await until('the monitor alert', async () =>
      (await text(page.locator('[data-testid=monitor-status]'))).startsWith('INCONSISTENT') ? true : undefined,
    );
    expect(await text(page.locator('[data-testid=monitor-status]'))).toContain('LOG-031');
    await shot('15-log-forged-checkpoint-inconsistent-monitor');
    await page.unroute('**/log/checkpoint');
    await page.unroute('**/log/monitor?*');
  });

  it('an unknown execution and a log without checkpoints are said in words', async () => {
    await verifyInclusion(`${run}-never-decided`);
    expect(await text(page.locator('[data-testid=log-inclusion] [data-testid=error]'))).toContain('LOG-010');
    await page.route('**/log/checkpoint', (route) =>
      route.fulfill({
        status: 404,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'LOG-012', message: 'No checkpoint has been signed yet' } }),
      }),
    );
    await openLogTab();
    expect(await text(page.locator('[data-testid=log-checkpoint] [data-testid=empty]'))).toContain(
      'No checkpoint has been signed yet',
    );
    await page.unroute('**/log/checkpoint');
  });

  it('a decision opened in the Decisions tab verifies its inclusion on demand', async () => {
    await page.getByRole('tab', { name: 'Decisions', exact: true }).click();
    await page.getByRole('button', { name: decided, exact: true }).click();
    await page.getByRole('button', { name: 'Verify inclusion in the log' }).click();
    expect(await text(page.locator('[data-testid=decision-inclusion] [data-testid=inclusion-verdict]'))).toBe(
      'inclusion proof verified',
    );
  });

  it('no script error, nothing blocked by the CSP', () => {
    expect(pageErrors).toEqual([]);
    expect(consoleErrors.filter((m) => /Content Security Policy|Refused to/i.test(m))).toEqual([]);
    expect(consoleErrors.filter((m) => !/status of 404/.test(m))).toEqual([]);
  });
});
