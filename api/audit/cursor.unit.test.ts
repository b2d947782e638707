import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParmanaError } from '../../core/errors/ParmanaError.js';
import { decodeCursor, encodeCursor } from './cursor.js';

const key = { at: '2026-03-01T12:00:00.123456Z', id: 'exec-42' };
const raw = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

function rejection(run: () => unknown): ParmanaError {
  try {
    run();
  } catch (err) {
    if (err instanceof ParmanaError) return err;
    throw err;
  }
  throw new Error('expected API-011');
}

describe('cursor codec', () => {
  it('round-trips any id, microseconds included', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 999 }),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 128 }).filter((s) => !s.includes('\u0000')),
        (date, micros, id) => {
          const at = `${date.toISOString().slice(0, 23)}${String(micros).padStart(3, '0')}Z`;
          const cursor = encodeCursor('decisions', { at, id });
          expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
          const back = decodeCursor('decisions', cursor);
          expect(back.at).toBe(at);
          // Lone surrogates cannot survive UTF-8; every well-formed id does.
          if (!/[\uD800-\uDFFF]/u.test(id)) expect(back.id).toBe(id);
        },
      ),
    );
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'abc+/='],
    ['padding', `${encodeCursor('decisions', key)}=`],
    ['garbage', 'definitely-not-a-cursor'],
    ['too long', 'A'.repeat(5000)],
    ['not JSON', Buffer.from('{nope').toString('base64url')],
    ['invalid UTF-8', Buffer.from([0xff, 0xfe, 0x22]).toString('base64url')],
    ['an object', raw({ at: key.at, id: key.id })],
    ['two elements', raw([key.at, key.id])],
    ['four elements', raw(['decisions', key.at, key.id, 'x'])],
    ['unknown listing', raw(['users', key.at, key.id])],
    ['another listing', raw(['apiCalls', key.at, key.id])],
    ['numeric timestamp', raw(['decisions', 1767225600000, key.id])],
    ['milliseconds only', raw(['decisions', '2026-03-01T12:00:00.123Z', key.id])],
    ['an offset', raw(['decisions', '2026-03-01T12:00:00.123456+01:00', key.id])],
    ['30 February', raw(['decisions', '2026-02-30T12:00:00.000000Z', key.id])],
    ['hour 24', raw(['decisions', '2026-03-01T24:00:00.000000Z', key.id])],
    ['empty id', raw(['decisions', key.at, ''])],
    ['numeric id', raw(['decisions', key.at, 42])],
    ['NUL in id', raw(['decisions', key.at, 'a\u0000b'])],
    ['huge id', raw(['decisions', key.at, 'x'.repeat(1025)])],
  ])('rejects %s as API-011 at $.cursor', (_name, cursor) => {
    const err = rejection(() => decodeCursor('decisions', cursor));
    expect(err.code).toBe('API-011');
    expect(err.path).toBe('$.cursor');
  });

  it('rejects a tampered cursor: every single-character change is refused or decodes to a different key', () => {
    const cursor = encodeCursor('decisions', key);
    for (let i = 0; i < cursor.length; i++) {
      for (const c of ['A', 'z', '0', '-', '_', '+', '.']) {
        const tampered = cursor.slice(0, i) + c + cursor.slice(i + 1);
        if (tampered === cursor) continue;
        let decoded: unknown;
        try {
          decoded = decodeCursor('decisions', tampered);
        } catch (err) {
          expect(err).toBeInstanceOf(ParmanaError);
          expect((err as ParmanaError).code).toBe('API-011');
          continue;
        }
        expect(decoded).not.toEqual(key);
      }
    }
  });
});
