import { describe, expect, it } from 'vitest';
import { isConnectionError } from './isConnectionError.js';

const coded = (code: string, message = 'x'): Error => Object.assign(new Error(message), { code });

describe('isConnectionError', () => {
  it.each([
    ['refused', coded('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1')],
    ['reset', coded('ECONNRESET')],
    ['socket timeout', coded('ETIMEDOUT')],
    ['DNS failure', coded('ENOTFOUND')],
    ['no route', coded('EHOSTUNREACH')],
    ['08006 connection failure', coded('08006')],
    ['08001 cannot establish', coded('08001')],
    ['08P01 protocol violation', coded('08P01')],
    ['57P01 admin shutdown', coded('57P01', 'terminating connection due to administrator command')],
    ['57P02 crash shutdown', coded('57P02')],
    ['57P03 starting up', coded('57P03', 'the database system is starting up')],
    ['53300 too many connections', coded('53300')],
    ['57014 statement timeout', coded('57014', 'canceling statement due to statement timeout')],
    ['connection terminated', new Error('Connection terminated unexpectedly')],
    ['pool connect timeout', new Error('timeout exceeded when trying to connect')],
    ['pg connect timeout', new Error('Connection terminated due to connection timeout')],
    ['query read timeout', new Error('Query read timeout')],
    ['client broken', new Error('Client has encountered a connection error and is not queryable')],
    ['happy eyeballs', new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')], '')],
    ['wrapped in a cause', new Error('outer', { cause: coded('ECONNRESET') })],
  ])('%s is a connection error', (_name, err) => {
    expect(isConnectionError(err)).toBe(true);
  });

  it.each([
    ['syntax error', coded('42601', 'syntax error at or near "SELEC"')],
    ['undefined column', coded('42703', 'column "nope" does not exist')],
    ['undefined table', coded('42P01', 'relation "audit_nope" does not exist')],
    ['bad timestamp', coded('22007', 'invalid input syntax for type timestamp with time zone')],
    ['NUL in text', coded('22021', 'invalid byte sequence for encoding "UTF8": 0x00')],
    ['append-only trigger', coded('42501', 'audit table audit_decisions is append-only: UPDATE refused')],
    ['unique violation', coded('23505')],
    ['TypeError', new TypeError("Cannot read properties of undefined (reading 'rows')")],
    ['a pool used after end', new Error('Cannot use a pool after calling end on the pool')],
    ['a string', 'ECONNREFUSED'],
    ['null', null],
    ['undefined', undefined],
    ['a message merely mentioning a connection', new Error('bad value: Connection terminated')],
  ])('%s is not', (_name, err) => {
    expect(isConnectionError(err)).toBe(false);
  });

  it('stops on a cyclic cause chain', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    Object.assign(a, { cause: b });
    expect(isConnectionError(a)).toBe(false);
  });
});
