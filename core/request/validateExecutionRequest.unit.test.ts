import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateExecutionRequest } from './validateExecutionRequest.js';

const OK = { executionId: 'exec-1', policyId: 'loan-approval', policyVersion: '1.0.0', signals: { a: 1 } };
const code = (raw: unknown): string => {
  const r = validateExecutionRequest(raw);
  return r.ok ? 'ok' : `${r.error.code} ${r.error.path ?? ''}`;
};

describe('validateExecutionRequest', () => {
  it('accepts a valid envelope', () => {
    expect(code(OK)).toBe('ok');
    expect(code({ ...OK, requestedAt: '2026-01-01T00:00:00.123Z', requestedBy: 'svc', traceparent: 'x' })).toBe('ok');
  });

  it('gives each bad envelope its code and path', () => {
    expect(code('x')).toBe('REQ-010 $');
    expect(code({ ...OK, executionId: '' })).toBe('REQ-002 $.executionId');
    expect(code({ ...OK, executionId: 'x'.repeat(129) })).toBe('REQ-003 $.executionId');
    expect(code({ ...OK, executionId: 'a\nb' })).toBe('REQ-004 $.executionId');
    expect(code({ ...OK, executionId: 'a\u0085b' })).toBe('REQ-004 $.executionId');
    expect(code({ ...OK, policyId: '../etc' })).toBe('REQ-005 $.policyId');
    expect(code({ ...OK, policyVersion: 'v1' })).toBe('REQ-006 $.policyVersion');
    expect(code({ ...OK, requestedAt: 'yesterday' })).toBe('REQ-007 $.requestedAt');
    expect(code({ ...OK, admin: true })).toBe('REQ-009 $.admin');
    expect(code({ ...OK, executionId: 7 })).toBe('REQ-010 $.executionId');
    expect(code({ ...OK, signals: [1] })).toBe('VAL-003 $.signals');
  });

  it('never throws on hostile input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.record({
            executionId: fc.anything(),
            policyId: fc.anything(),
            policyVersion: fc.anything(),
            signals: fc.anything(),
          }),
        ),
        (raw) => {
          expect(typeof validateExecutionRequest(raw).ok).toBe('boolean');
        },
      ),
      { numRuns: 1000 },
    );
  });
});
