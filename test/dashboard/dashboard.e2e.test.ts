import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, type ParmanaClient } from '../../api/client/createClient.js';
import type { TrustRootResponse } from '../../api/contract.js';
import { keyIdOf, publicKeyFromPem, rawPublicKey } from '../../core/crypto/ed25519Keys.js';
import type { ApiProcess } from '../api/ApiProcess.js';
import { LOAN, loanRequest, RISKY, startApiPipeline, type ApiPipeline } from '../api/startApiPipeline.js';

// The audit dashboard in headless Chromium against the real API on the real pipeline: what a person sees.

const DIST = resolve('dashboard/dist');
const SHOTS = resolve('test-output/dashboard');
const run = randomBytes(4).toString('hex');
const ids = {
  ok: `${run}-ok`,
  dup: `${run}-dup`,
  risky: `${run}-risky`,
  tamper: `${run}-tamper`,
  img: `<img src=x onerror=window.__xss=1>-${run}`,
  script: `<script>window.__xss=1</script>-${run}`,
  long: `${run}-${'L'.repeat(119)}`,
};
const HOSTILE_BY = '<script>window.__xss=1</script><img src=x onerror=window.__xss=1>';

let pipeline: ApiPipeline | undefined;
let api: ApiProcess;
let executor: ParmanaClient;
let auditor: ParmanaClient;
let browser: Browser | undefined;
let page: Page;
const requests: string[] = [];
const consoleErrors: string[] = [];
const pageErrors: string[] = [];

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

async function text(locator: Locator): Promise<string> {
  await locator.first().waitFor({ state: 'visible', timeout: 30_000 });
  return ((await locator.first().textContent()) ?? '').trim();
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function openTab(name: string): Promise<void> {
  await page.getByRole('tab', { name, exact: true }).click();
}

/** Evaluates an expression in the page (a string: this file is compiled without the DOM library). */
function inPage<T>(expression: string): Promise<T> {
  return page.evaluate<T>(expression);
}

const xss = () => inPage<unknown>('window.__xss');
const storedKey = () => inPage<string | null>("sessionStorage.getItem('parmana.apiKey')");

beforeAll(async () => {
  if (!existsSync(join(DIST, 'index.html'))) {
    throw new Error('dashboard/dist/index.html is missing: run `npm run build` first');
  }
  mkdirSync(SHOTS, { recursive: true });
  pipeline = await startApiPipeline({ PARMANA_API_TEST_HOOKS: '1', PARMANA_DASHBOARD_DIR: DIST });
  ({ api, executor, auditor } = pipeline);

  // What the dashboard will show: a decision, a replay, a pending override, a tampered read, hostile strings.
  await executor.execute(loanRequest(ids.ok));
  await executor.execute(loanRequest(ids.dup));
  const replay = await executor.execute(loanRequest(ids.dup)).catch((e: unknown) => e);
  expect(replay).toBeInstanceOf(ApiError);
  expect([(replay as ApiError).status, (replay as ApiError).code]).toEqual([422, 'INV-013']);
  const pending = await executor.execute({
    executionId: ids.risky,
    policyId: 'agent-action-gate',
    policyVersion: '1.0.0',
    signals: RISKY,
  });
  expect(pending.status).toBe('pending_override');
  const tamper = await executor.execute(loanRequest(ids.tamper));
  const hooked = await api.call('POST', `/test-hooks/tamper/${encodeURIComponent(ids.tamper)}`, 'admin');
  expect(hooked.status).toBe(204);
  await executor.execute(loanRequest(ids.img, HOSTILE_BY));
  await executor.execute(loanRequest(ids.script, HOSTILE_BY));
  await executor.execute(loanRequest(ids.long));
  // Two verifications through the API: the genuine attestation and a forged copy (a critical signature_failure).
  await executor.verify(tamper.attestation, LOAN);
  const body = Buffer.from(tamper.attestation.payload, 'base64').toString('utf8').replace('"approve"', '"reject"');
  await executor.verify({ ...tamper.attestation, payload: Buffer.from(body).toString('base64') });
  await until('every decision in the audit trail', async () => {
    const page = await auditor.audit.decisions({ limit: 100 });
    return page.items.length >= 7 ? true : undefined;
  });

  const chrome = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  browser = chrome;
  page = await chrome.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('request', (r) => requests.push(`${r.method()} ${r.url()}`));
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await pipeline?.h.close();
});

describe('the audit dashboard in a browser', () => {
  it('is served at /dashboard/ with external scripts only and asks for a key; a refused key returns to the prompt', async () => {
    const html = readFileSync(join(DIST, 'index.html'), 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=/);
    const res = await page.goto(`${api.url}/`);
    expect(page.url()).toBe(`${api.url}/dashboard/`);
    expect(res?.headers()['content-security-policy']).toContain("default-src 'self'");
    await page.locator('[data-testid=key-form]').waitFor();
    await shot('00-key-prompt');

    await page.fill('input[name=apiKey]', 'pk_not-a-real-key');
    await page.click('button[type=submit]');
    expect(await text(page.locator('[data-testid=key-notice]'))).toContain('401');
    expect(await storedKey()).toBeNull();

    await page.fill('input[name=apiKey]', api.secrets.admin);
    await page.click('button[type=submit]');
    await page.getByRole('tab', { name: 'Decisions' }).waitFor();
    expect(await inPage('[sessionStorage.getItem("parmana.apiKey"), localStorage.length]')).toEqual([
      api.secrets.admin,
      0,
    ]);
  });

  it('lists the decisions; hostile stored strings render as text', async () => {
    await page.getByRole('button', { name: ids.ok, exact: true }).waitFor({ timeout: 30_000 });
    for (const id of [ids.img, ids.script, ids.long]) {
      await page.getByRole('button', { name: id, exact: true }).waitFor();
    }
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('[style]').count()).toBe(0);
    expect(await xss()).toBeUndefined();
    await shot('01-decisions');
  });

  it('refuses an invalid date range before any request is made', async () => {
    await page.fill('input[name=from]', '2026-02-01');
    await page.fill('input[name=to]', '2026-01-01');
    const before = requests.length;
    await page.getByRole('button', { name: 'Apply' }).click();
    expect(await text(page.locator('[data-testid=form-error]'))).toContain('From must be earlier than To');
    await page.fill('input[name=from]', 'not a date');
    await page.getByRole('button', { name: 'Apply' }).click();
    expect(await text(page.locator('[data-testid=form-error]'))).toContain('not a date');
    await sleep(500);
    expect(requests.slice(before)).toEqual([]);
    // The table from before is still there, not replaced by an empty result.
    expect(await page.getByRole('button', { name: ids.ok, exact: true }).count()).toBe(1);
    await shot('02-invalid-range');

    await page.getByRole('button', { name: 'Reset' }).click();
    await page.fill('input[name=policyId]', 'agent-action-gate');
    await page.getByRole('button', { name: 'Apply' }).click();
    // The filtered page replaces the unfiltered one: the loan decision goes, the agent-action one stays.
    await page.getByRole('button', { name: ids.ok, exact: true }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: ids.risky, exact: true }).waitFor();
    expect(await page.getByRole('button', { name: ids.ok, exact: true }).count()).toBe(0);
    await page.getByRole('button', { name: 'Reset' }).click();
    await page.getByRole('button', { name: ids.ok, exact: true }).waitFor();
  });

  it('opens a decision: the attestation verifies on the server and in the browser, against the root key shown', async () => {
    await page.getByRole('button', { name: ids.ok, exact: true }).click();
    expect(await text(page.locator('[data-testid=server-verdict]'))).toBe('VALID');
    expect(await text(page.locator('[data-testid=browser-verdict]'))).toBe('VALID');
    const trust = (await api.call<TrustRootResponse>('GET', '/trust-root')).body;
    const fingerprint = keyIdOf(rawPublicKey(publicKeyFromPem(trust.rootPublicKeyPem)));
    const shown = await text(page.locator('[data-testid=trust-root]'));
    expect(shown.replace(/\s+/g, '')).toContain(fingerprint);
    expect(shown).toContain(`v${trust.version}`);
    const payload = JSON.parse(await text(page.locator('[data-testid=payload-json]'))) as Record<string, unknown>;
    expect(payload.executionId).toBe(ids.ok);
    expect(await text(page.locator('[data-testid=row-comparison]'))).toContain('agrees');
    await shot('03-decision-valid');
    await page.getByRole('button', { name: '← Back to decisions' }).click();
  });

  it('a tampered attestation shows as INVALID on both sides', async () => {
    await page.getByRole('button', { name: ids.tamper, exact: true }).click();
    expect(await text(page.locator('[data-testid=server-verdict]'))).toBe('INVALID');
    expect(await text(page.locator('[data-testid=browser-verdict]'))).toBe('INVALID');
    const browserSide = await text(page.locator('[data-testid=browser-verification]'));
    expect(browserSide).toContain('ATT-005');
    expect(await text(page.locator('[data-testid=payload-json]'))).toContain('-altered');
    // The stored row still says what was signed; the altered payload no longer matches it.
    expect(await text(page.locator('[data-testid=row-comparison]'))).toContain('action');
    await shot('04-decision-tampered');
    await page.getByRole('button', { name: '← Back to decisions' }).click();
  });

  it('a hostile executionId opens as text, and nothing runs', async () => {
    await page.getByRole('button', { name: ids.script, exact: true }).click();
    expect(await text(page.locator('[data-testid=browser-verdict]'))).toBe('VALID');
    expect(await text(page.locator('.detail-head h2'))).toContain(ids.script);
    expect(await page.locator('img').count()).toBe(0);
    expect(await xss()).toBeUndefined();
    await shot('05-decision-hostile');
    await page.getByRole('button', { name: '← Back to decisions' }).click();
  });

  it('Security: the replay shows up (refreshing until it does) and its raw events open; critical stands out', async () => {
    await openTab('Security');
    const groups = page.locator('[data-testid=security-groups]');
    await until(
      'the replay_attempt group',
      async () => {
        if ((await groups.getByRole('button', { name: 'replay_attempt', exact: true }).count()) > 0) return true;
        await page.getByRole('button', { name: 'Refresh', exact: true }).click();
        await sleep(1000);
        return undefined;
      },
      30_000,
    );
    await until('the signature_failure group', async () => {
      if ((await groups.getByRole('button', { name: 'signature_failure', exact: true }).count()) > 0) return true;
      await page.getByRole('button', { name: 'Refresh', exact: true }).click();
      await sleep(1000);
      return undefined;
    });
    const critical = groups.locator('tr', { hasText: 'signature_failure' });
    expect(await critical.getAttribute('class')).toContain('row-critical');
    await groups.getByRole('button', { name: 'replay_attempt', exact: true }).click();
    const events = page.locator('[data-testid=security-events]');
    await events.locator('td', { hasText: ids.dup }).first().waitFor();
    await shot('06-security');
  });

  it('Overrides: a wrong role gets a clear 403; the right one approves and the item resolves', async () => {
    await openTab('Overrides');
    const row = page.locator(`[data-testid=pending-overrides] tr[data-execution-id="${ids.risky}"]`);
    await row.waitFor();
    await row.getByRole('button', { name: 'Approve' }).click();
    const form = page.locator('[data-testid=override-form]');
    await form.locator('input[name=approvedBy]').fill('Dana <b>Admin</b>');
    await form.locator('select[name=approverRole]').selectOption('approver');
    await form.getByRole('button', { name: 'Confirm approval' }).click();
    expect(await text(form.locator('.form-error'))).toContain('reason');
    await form.locator('textarea[name=reason]').fill('checked with the owner');
    await form.getByRole('button', { name: 'Confirm approval' }).click();
    const error = await text(form.locator('[data-testid=override-error]'));
    expect(error).toContain('403');
    expect(error).toContain('approver');
    await shot('07-override-403');

    await form.locator('select[name=approverRole]').selectOption('admin');
    await form.getByRole('button', { name: 'Confirm approval' }).click();
    expect(await text(page.locator('[data-testid=override-done]'))).toContain('approved');
    const resolved = page.locator(`[data-testid=resolved-overrides] tr[data-execution-id="${ids.risky}"]`);
    await resolved.waitFor({ timeout: 30_000 });
    const line = await text(resolved);
    expect(line).toContain('Dana <b>Admin</b>');
    expect(line).toContain('admin');
    expect(line).toContain('checked with the owner');
    await until('the pending row to go', async () => ((await row.count()) === 0 ? true : undefined));
    expect(await text(page.locator('[data-testid=override-done]'))).toContain('Recorded in the audit trail');
    await shot('08-overrides-resolved');
  });

  it('Verifications, Stats and Health show their data', async () => {
    await openTab('Verifications');
    const table = page.locator('[data-testid=verifications-table]');
    await until('both verifications', async () => {
      if ((await table.locator('tbody tr').count()) >= 2) return true;
      await page.getByRole('button', { name: 'Refresh', exact: true }).click();
      await sleep(1000);
      return undefined;
    });
    expect(await text(table.locator('tr.row-critical'))).toContain('signature: fail');
    await shot('09-verifications');

    await openTab('Stats');
    await page.locator('figure.chart svg').first().waitFor();
    expect(await page.locator('figure.chart svg').count()).toBe(2);
    expect(await page.locator('figure.chart rect').count()).toBe(120);
    expect(await text(page.locator('.totals'))).toContain('decisions');
    await shot('10-stats');

    await openTab('Health');
    await until('a live worker', async () => {
      const shown = await text(page.locator('.card', { hasText: 'Decision worker' }));
      if (shown.includes('alive') && !shown.includes('NOT ALIVE')) return true;
      await page.getByRole('button', { name: 'Refresh', exact: true }).click();
      await sleep(1000);
      return undefined;
    });
    const trust = (await api.call<TrustRootResponse>('GET', '/trust-root')).body;
    expect(await text(page.locator('[data-testid=trust-root-version]'))).toBe(String(trust.version));
    await shot('11-health');
  });

  it('a 503 from /audit/* says the audit database is unavailable, never an empty table', async () => {
    await page.route('**/audit/stats', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'API-009', message: 'Audit database unavailable' } }),
      }),
    );
    await openTab('Stats');
    expect(await text(page.locator('[data-testid=error]'))).toContain('Audit database unavailable');
    expect(await page.locator('figure.chart').count()).toBe(0);
    await shot('12-audit-db-unavailable');
    await page.unroute('**/audit/stats');
  });

  it('a 401 on any call returns to the key prompt', async () => {
    await page.route('**/audit/decisions?*', (route) =>
      route.fulfill({
        status: 401,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'API-001', message: 'Missing or invalid API key' } }),
      }),
    );
    await openTab('Decisions');
    expect(await text(page.locator('[data-testid=key-notice]'))).toContain('401');
    expect(await storedKey()).toBeNull();
    await page.unroute('**/audit/decisions?*');
  });

  it('nothing was blocked by the CSP and no script error happened', () => {
    expect(consoleErrors.filter((m) => /Content Security Policy|Refused to/i.test(m))).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(consoleErrors.filter((m) => !/status of (401|403|503)/.test(m))).toEqual([]);
  });
});
