import { describe, expect, it } from 'vitest';
import { allows, ApiKeyConfigError, authenticate, hashApiKey, parseApiKeys } from './ApiKey.js';

const entry = (name: string, secret: string, roles: string[]) => ({ name, sha256: hashApiKey(secret), roles });

describe('API keys', () => {
  it('authenticates by hash and checks roles, admin allowing everything', () => {
    const keys = parseApiKeys(JSON.stringify([entry('a', 'secret-a', ['auditor']), entry('b', 'secret-b', ['admin'])]));
    expect(authenticate(keys, 'secret-a')?.name).toBe('a');
    expect(authenticate(keys, 'secret-b')?.name).toBe('b');
    expect(authenticate(keys, 'secret-c')).toBeUndefined();
    expect(authenticate(keys, '')).toBeUndefined();
    const [a, b] = keys;
    expect(a !== undefined && allows(a, ['auditor'])).toBe(true);
    expect(a !== undefined && allows(a, ['executor'])).toBe(false);
    expect(b !== undefined && allows(b, ['approver'])).toBe(true);
  });

  it.each([
    ['not JSON', '{'],
    ['not an array', '{}'],
    ['a bad name', JSON.stringify([{ ...entry('a b', 's', ['admin']) }])],
    ['a short hash', JSON.stringify([{ name: 'a', sha256: 'abc', roles: ['admin'] }])],
    ['an unknown role', JSON.stringify([entry('a', 's', ['root'])])],
    ['no roles', JSON.stringify([entry('a', 's', [])])],
    ['an unknown field', JSON.stringify([{ ...entry('a', 's', ['admin']), secret: 's' }])],
    ['a duplicate name', JSON.stringify([entry('a', 's1', ['admin']), entry('a', 's2', ['admin'])])],
    ['the same key twice', JSON.stringify([entry('a', 's', ['admin']), entry('b', 's', ['auditor'])])],
  ])('refuses a keys file with %s', (_what, text) => {
    expect(() => parseApiKeys(text)).toThrow(ApiKeyConfigError);
  });
});
