import { readFileSync } from 'node:fs';
import avro from 'avsc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateExecutionRequest } from './validateExecutionRequest.js';

const OK = { executionId: 'exec-1', policyId: 'loan-approval', policyVersion: '1.0.0', signals: { amount: 100 } };
const LIMIT = { maxRequestBytes: 65_536 };
const outcome = (raw: unknown, opts = LIMIT): string => {
  const r = validateExecutionRequest(raw, opts);
  return r.ok ? 'ok' : `${r.error.code} ${r.error.path ?? ''}`;
};
const requestType = avro.Type.forSchema(
  JSON.parse(readFileSync('schemas/execution-request.avsc', 'utf8')) as avro.Schema,
);

describe('producers/validateExecutionRequest', () => {
  it('accepts a valid request and hands back canonical signals', () => {
    const r = validateExecutionRequest({ ...OK, signals: { b: 2, a: 'é' } }, LIMIT);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.signalsJson).toBe('{"a":"é","b":2}');
    expect(outcome({ ...OK, requestedAt: '2026-01-01T00:00:00Z', requestedBy: 'svc', traceparent: 't' })).toBe('ok');
  });

  it('gives each bad input its code and path', () => {
    const cases: [unknown, string][] = [
      [null, 'REQ-010 $'],
      [[OK], 'REQ-010 $'],
      [{ ...OK, executionId: '' }, 'REQ-002 $.executionId'],
      [{ ...OK, executionId: 'e'.repeat(129) }, 'REQ-003 $.executionId'],
      [{ ...OK, executionId: 'a\u0000b' }, 'REQ-004 $.executionId'],
      [{ ...OK, executionId: 'tab\there' }, 'REQ-004 $.executionId'],
      [{ ...OK, executionId: 42 }, 'REQ-010 $.executionId'],
      [{ ...OK, policyId: 'Loan' }, 'REQ-005 $.policyId'],
      [{ ...OK, policyId: '-loan' }, 'REQ-005 $.policyId'],
      [{ ...OK, policyId: 'a'.repeat(65) }, 'REQ-005 $.policyId'],
      [{ ...OK, policyVersion: '1.0' }, 'REQ-006 $.policyVersion'],
      [{ ...OK, policyVersion: '01.0.0' }, 'REQ-006 $.policyVersion'],
      [{ ...OK, requestedAt: '2026-01-01 00:00:00' }, 'REQ-007 $.requestedAt'],
      [{ ...OK, requestedAt: '2026-13-01T00:00:00Z' }, 'REQ-007 $.requestedAt'],
      [{ ...OK, requestedAt: 5 }, 'REQ-010 $.requestedAt'],
      [{ ...OK, isAdmin: true }, 'REQ-009 $.isAdmin'],
      [{ ...OK, signals: 'x' }, 'VAL-003 $.signals'],
      [{ ...OK, signals: null }, 'VAL-003 $.signals'],
      [{ ...OK, signals: new Date(0) }, 'CAN-005 $.signals'],
      [{ ...OK, signals: { nested: { when: new Map() } } }, 'CAN-005 $.signals.nested.when'],
      [{ ...OK, signals: { x: Number.NaN } }, 'CAN-001 $.signals.x'],
    ];
    for (const [raw, expected] of cases) expect(outcome(raw), JSON.stringify(raw)).toBe(expected);
  });

  it('refuses a request whose encoded size is over the limit, and accepts one exactly at it', () => {
    const r = validateExecutionRequest(OK, LIMIT);
    if (!r.ok) throw r.error;
    expect(outcome(OK, { maxRequestBytes: r.encodedBytes })).toBe('ok');
    expect(outcome(OK, { maxRequestBytes: r.encodedBytes - 1 })).toBe('REQ-008 $');
    expect(outcome({ ...OK, signals: { blob: 'x'.repeat(70_000) } })).toBe('REQ-008 $');
  });

  it('computes exactly the size of the Confluent-framed Avro encoding', () => {
    const text = fc.string({ unit: 'binary-ascii', maxLength: 300 });
    fc.assert(
      fc.property(
        fc.record({
          executionId: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((s) => !/\p{Cc}/u.test(s)),
          blob: fc.string({ unit: 'grapheme', maxLength: 2000 }),
          requestedAt: fc.option(fc.constant('2026-02-03T04:05:06.789Z'), { nil: undefined }),
          requestedBy: fc.option(text, { nil: undefined }),
          traceparent: fc.option(text, { nil: undefined }),
        }),
        ({ executionId, blob, requestedAt, requestedBy, traceparent }) => {
          const raw = {
            ...OK,
            executionId,
            signals: { blob },
            ...(requestedAt === undefined ? {} : { requestedAt }),
            ...(requestedBy === undefined ? {} : { requestedBy }),
            ...(traceparent === undefined ? {} : { traceparent }),
          };
          const r = validateExecutionRequest(raw, { maxRequestBytes: 1 << 24 });
          if (!r.ok) throw r.error;
          const body = requestType.toBuffer({
            executionId,
            policyId: OK.policyId,
            policyVersion: OK.policyVersion,
            signals: r.signalsJson,
            requestedAt: requestedAt ?? new Date(0).toISOString(),
            requestedBy: requestedBy ?? null,
            traceparent: traceparent ?? null,
          });
          expect(r.encodedBytes).toBe(5 + body.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws on hostile input (fuzz, throwing getters, proxies, cycles)', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const hostile: unknown[] = [
      { ...OK, signals: cyclic },
      Object.defineProperty({ ...OK }, 'executionId', {
        enumerable: true,
        get() {
          throw new Error('boom');
        },
      }),
      new Proxy(
        {},
        {
          ownKeys() {
            throw new Error('trap');
          },
        },
      ),
      { ...OK, signals: { deep: JSON.parse('['.repeat(200) + ']'.repeat(200)) as unknown } },
    ];
    for (const raw of hostile) expect(validateExecutionRequest(raw, LIMIT).ok).toBe(false);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.record({
            executionId: fc.oneof(fc.string(), fc.anything()),
            policyId: fc.oneof(fc.stringMatching(/^[a-z0-9-]{1,70}$/), fc.anything()),
            policyVersion: fc.oneof(fc.constant('1.0.0'), fc.string()),
            signals: fc.anything(),
            requestedAt: fc.oneof(
              fc.string(),
              fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
            ),
          }),
          fc.jsonValue().map((signals) => ({ ...OK, signals })),
        ),
        fc.integer({ min: 0, max: 4096 }),
        (raw, maxRequestBytes) => {
          const r = validateExecutionRequest(raw, { maxRequestBytes });
          if (r.ok) expect(r.encodedBytes).toBeLessThanOrEqual(maxRequestBytes);
          else expect(r.error.code).toMatch(/^(REQ|VAL|CAN)-\d{3}$/);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
