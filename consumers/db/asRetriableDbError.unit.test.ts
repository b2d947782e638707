import { describe, expect, it } from 'vitest';
import { isParmanaError } from '../../core/errors/ParmanaError.js';
import { asRetriableDbError } from './asRetriableDbError.js';

/** An error shaped as node-postgres reports a server error: the SQLSTATE in `code`. */
const pgError = (code: string, message = 'server said no'): Error => Object.assign(new Error(message), { code });

describe('asRetriableDbError', () => {
  it('waits out a server that is down, restarting or out of connections', () => {
    for (const code of ['08006', '57P01', '53300', 'ECONNREFUSED']) {
      const e = asRetriableDbError(pgError(code));
      expect([isParmanaError(e), (e as { retriable?: boolean }).retriable]).toEqual([false, true]);
    }
    expect(
      (asRetriableDbError(new Error('Connection terminated unexpectedly')) as { retriable?: boolean }).retriable,
    ).toBe(true);
  });

  it('names a refused login CRD-004 and a denied statement CRD-005, keeping the server error as the cause', () => {
    const login = pgError('28P01', 'password authentication failed for user "parmana-sinks"');
    expect(asRetriableDbError(login)).toMatchObject({ code: 'CRD-004', retriable: false, cause: login });
    expect(asRetriableDbError(pgError('28000'))).toMatchObject({ code: 'CRD-004' });
    const denied = pgError('42501', 'permission denied for table audit_decisions');
    expect(asRetriableDbError(denied)).toMatchObject({ code: 'CRD-005', retriable: false, cause: denied });
    expect((asRetriableDbError(denied) as Error).message).toContain('permission denied for table audit_decisions');
  });

  it('leaves any other error as it is (a bug or bad data is not waited out)', () => {
    const unique = pgError('23505');
    expect(asRetriableDbError(unique)).toBe(unique);
  });
});
