import { describe, expect, it } from 'vitest';
import { ParmanaError } from '../../core/errors/ParmanaError.js';
import { textFilter, timeFilter } from './filterValues.js';

function code(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (err) {
    return err instanceof ParmanaError ? `${err.code} ${err.path ?? ''}` : 'other';
  }
}

describe('filter values', () => {
  it('passes any text through unchanged except NUL', () => {
    for (const v of [`'; DROP TABLE audit_decisions; --`, '"quoted"', 'ünïcödé 🚀', '%_\\']) {
      expect(textFilter('policyId', v)).toBe(v);
    }
    expect(code(() => textFilter('policyId', 'a\u0000b'))).toBe('API-011 $.policyId');
  });

  it.each([
    '2026-03-01T12:00:00Z',
    '2026-03-01T12:00:00.123456Z',
    '2026-03-01t12:00:00z',
    '2026-03-01 12:00:00+05:30',
    '2026-03-01T12:00:00-0800',
    '2026-03-01T12:00:00+05',
    '2024-02-29T00:00:00Z',
    '2026-12-31T23:59:60Z',
  ])('accepts %s', (v) => {
    expect(timeFilter('from', v)).toBe(v);
  });

  it.each([
    'yesterday',
    '1',
    '2026-03-01',
    '2026-03-01T12:00:00',
    '2026-02-30T00:00:00Z',
    '2025-02-29T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-00-10T00:00:00Z',
    '2026-03-01T24:00:00Z',
    '2026-03-01T12:60:00Z',
    '0000-01-01T00:00:00Z',
    '2026-03-01T12:00:00+16:00',
    `2026-03-01T12:00:00Z'; DROP TABLE audit_decisions; --`,
  ])('refuses %s as API-011', (v) => {
    expect(code(() => timeFilter('to', v))).toBe('API-011 $.to');
  });
});
