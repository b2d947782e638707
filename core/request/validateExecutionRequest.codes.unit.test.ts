import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParmanaError } from '../errors/ParmanaError.js';
import { validateExecutionRequest } from './validateExecutionRequest.js';

// One test per REQ code with its path, boundaries of each rule, wrong types of every field, and fuzzing.

const OK = {
  executionId: 'exec-0001',
  policyId: 'loan-approval',
  policyVersion: '1.0.0',
  signals: { credit_score: 700 },
};
const result = (raw: unknown): string => {
  const r = validateExecutionRequest(raw);
  return r.ok ? 'ok' : `${r.error.code} ${r.error.path ?? ''}`;
};

describe('validateExecutionRequest: each code with its path', () => {
  it.each([
    ['REQ-002', 'an empty executionId', { ...OK, executionId: '' }, '$.executionId'],
    ['REQ-003', 'a 129-character executionId', { ...OK, executionId: 'a'.repeat(129) }, '$.executionId'],
    ['REQ-004', 'a NUL in executionId', { ...OK, executionId: 'a\u0000b' }, '$.executionId'],
    ['REQ-004', 'a tab in executionId', { ...OK, executionId: 'a\tb' }, '$.executionId'],
    ['REQ-004', 'DEL in executionId', { ...OK, executionId: 'a\u007fb' }, '$.executionId'],
    ['REQ-004', 'a C1 control in executionId', { ...OK, executionId: '\u009f' }, '$.executionId'],
    ['REQ-005', 'an upper-case policyId', { ...OK, policyId: 'Loan' }, '$.policyId'],
    ['REQ-005', 'a policyId starting with a dash', { ...OK, policyId: '-loan' }, '$.policyId'],
    ['REQ-005', 'a 65-character policyId', { ...OK, policyId: 'a'.repeat(65) }, '$.policyId'],
    ['REQ-005', 'an empty policyId', { ...OK, policyId: '' }, '$.policyId'],
    ['REQ-006', 'a two-part version', { ...OK, policyVersion: '1.0' }, '$.policyVersion'],
    ['REQ-006', 'a leading zero', { ...OK, policyVersion: '1.01.0' }, '$.policyVersion'],
    ['REQ-006', 'a v prefix', { ...OK, policyVersion: 'v1.0.0' }, '$.policyVersion'],
    ['REQ-006', 'an empty pre-release', { ...OK, policyVersion: '1.0.0-' }, '$.policyVersion'],
    ['REQ-007', 'a date without time', { ...OK, requestedAt: '2026-01-01' }, '$.requestedAt'],
    ['REQ-007', 'an offset instead of Z', { ...OK, requestedAt: '2026-01-01T00:00:00+01:00' }, '$.requestedAt'],
    ['REQ-007', 'month 13', { ...OK, requestedAt: '2026-13-01T00:00:00Z' }, '$.requestedAt'],
    ['REQ-007', 'minute 60', { ...OK, requestedAt: '2026-01-01T10:60:00Z' }, '$.requestedAt'],
    ['REQ-007', 'ten fractional digits', { ...OK, requestedAt: '2026-01-01T00:00:00.0123456789Z' }, '$.requestedAt'],
    ['REQ-007', 'February 30th', { ...OK, requestedAt: '2026-02-30T00:00:00Z' }, '$.requestedAt'],
    ['REQ-007', 'February 29th outside a leap year', { ...OK, requestedAt: '2026-02-29T12:00:00Z' }, '$.requestedAt'],
    ['REQ-007', 'February 29th in 2100', { ...OK, requestedAt: '2100-02-29T00:00:00Z' }, '$.requestedAt'],
    ['REQ-007', 'April 31st', { ...OK, requestedAt: '2026-04-31T00:00:00.5Z' }, '$.requestedAt'],
    ['REQ-007', 'hour 24', { ...OK, requestedAt: '2026-01-01T24:00:00Z' }, '$.requestedAt'],
    ['REQ-007', 'day 00', { ...OK, requestedAt: '2026-01-00T00:00:00Z' }, '$.requestedAt'],
    ['REQ-009', 'an unknown field', { ...OK, priority: 'high' }, '$.priority'],
    ['REQ-009', 'an own __proto__ field', { ...OK, ...(JSON.parse('{"__proto__":1}') as object) }, '$.__proto__'],
    ['REQ-010', 'an array envelope', [OK], '$'],
    ['REQ-010', 'null', null, '$'],
    ['REQ-010', 'a missing executionId', { policyId: 'p', policyVersion: '1.0.0', signals: {} }, '$.executionId'],
    ['REQ-010', 'a numeric policyId', { ...OK, policyId: 1 }, '$.policyId'],
    ['REQ-010', 'a numeric policyVersion', { ...OK, policyVersion: 1.0 }, '$.policyVersion'],
    ['REQ-010', 'a numeric requestedAt', { ...OK, requestedAt: 1767225600000 }, '$.requestedAt'],
    ['REQ-010', 'a null requestedBy', { ...OK, requestedBy: null }, '$.requestedBy'],
    ['REQ-010', 'an object traceparent', { ...OK, traceparent: {} }, '$.traceparent'],
    ['VAL-003', 'signals as an array', { ...OK, signals: [] }, '$.signals'],
    ['VAL-003', 'signals as a string', { ...OK, signals: '{}' }, '$.signals'],
    ['VAL-003', 'signals null', { ...OK, signals: null }, '$.signals'],
    ['VAL-003', 'signals missing', { executionId: 'e', policyId: 'p', policyVersion: '1.0.0' }, '$.signals'],
  ] as const)('%s: %s', (code, _what, raw, path) => {
    const r = validateExecutionRequest(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toBeInstanceOf(ParmanaError);
      expect(r.error.code).toBe(code);
      expect(r.error.path).toBe(path);
    }
  });
});

describe('validateExecutionRequest: what it accepts', () => {
  it('accepts the boundaries of each rule', () => {
    expect(result({ ...OK, executionId: 'a'.repeat(128) })).toBe('ok');
    expect(result({ ...OK, executionId: 'x' })).toBe('ok');
    expect(result({ ...OK, executionId: 'ünïcödé-😂 with spaces' })).toBe('ok');
    expect(result({ ...OK, policyId: 'a'.repeat(64) })).toBe('ok');
    expect(result({ ...OK, policyId: '0' })).toBe('ok');
    expect(result({ ...OK, policyVersion: '0.0.0' })).toBe('ok');
    expect(result({ ...OK, policyVersion: '10.20.30-rc.1+build.7' })).toBe('ok');
    expect(result({ ...OK, requestedAt: '2026-01-01T00:00:00Z' })).toBe('ok');
    expect(result({ ...OK, requestedAt: '2026-01-01T23:59:59.123456789Z' })).toBe('ok');
    expect(result({ ...OK, requestedAt: '2024-02-29T00:00:00Z' })).toBe('ok');
    expect(result({ ...OK, requestedAt: '2000-02-29T23:59:59Z' })).toBe('ok');
    expect(result({ ...OK, requestedAt: '2026-12-31T23:59:59.999Z' })).toBe('ok');
    expect(result({ ...OK, requestedAt: '2026-04-30T00:00:00Z' })).toBe('ok');
    expect(result({ ...OK, requestedBy: '', traceparent: '00-abc-def-01' })).toBe('ok');
    expect(result({ ...OK, signals: {} })).toBe('ok');
  });

  it('returns the request itself, untouched', () => {
    const raw = { ...OK, requestedAt: '2026-05-01T12:00:00Z' };
    const r = validateExecutionRequest(raw);
    expect(r.ok && r.request).toBe(raw);
  });

  it('checks the unknown-field rule before types, and types before the id rules', () => {
    expect(result({ ...OK, executionId: '', extra: 1 })).toBe('REQ-009 $.extra');
    expect(result({ ...OK, executionId: 5, policyId: 'BAD' })).toBe('REQ-010 $.executionId');
    expect(result({ ...OK, executionId: '', policyId: 'BAD' })).toBe('REQ-002 $.executionId');
  });

  it('truncates a long unknown field name in the path', () => {
    const key = 'k'.repeat(500);
    expect(result({ ...OK, [key]: 1 })).toBe(`REQ-009 $.${'k'.repeat(64)}`);
  });
});

describe('validateExecutionRequest: never throws', () => {
  it('on anything, on near-valid records and on valid ones with one field replaced', () => {
    const fields = ['executionId', 'policyId', 'policyVersion', 'signals', 'requestedAt', 'requestedBy', 'traceparent'];
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.dictionary(fc.constantFrom(...fields, '__proto__', 'x'), fc.anything()),
          fc
            .record({ key: fc.constantFrom(...fields), value: fc.oneof(fc.string(), fc.anything()) })
            .map(({ key, value }) => ({ ...OK, [key]: value })),
        ),
        (raw) => {
          const r = validateExecutionRequest(raw);
          if (r.ok) {
            expect(r.request.executionId.length).toBeGreaterThan(0);
            expect(r.request.executionId.length).toBeLessThanOrEqual(128);
          } else {
            expect(r.error.code).toMatch(/^(REQ-0(0[2-9]|10)|VAL-003)$/);
            expect(r.error.path?.startsWith('$')).toBe(true);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
