import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role } from '../contract.js';

export const ROLES: readonly Role[] = ['executor', 'auditor', 'approver', 'admin'];

/** A configured key: only the SHA-256 of the secret is ever stored. */
export interface ApiKeyEntry {
  readonly name: string;
  readonly sha256: string;
  readonly roles: readonly Role[];
}

/** Keys look like `pk_<43 base64url chars>`: 256 random bits, recognisable in logs and secret scanners. */
export function generateApiKey(): string {
  return `pk_${randomBytes(32).toString('base64url')}`;
}

export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export class ApiKeyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApiKeyConfigError';
  }
}

/** Parses the keys file (`[{name, sha256, roles}]`), refusing anything ambiguous so start-up fails loudly. */
export function parseApiKeys(text: string): readonly ApiKeyEntry[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ApiKeyConfigError(`API keys file is not JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(raw)) throw new ApiKeyConfigError('API keys file must be a JSON array of {name, sha256, roles}');
  const names = new Set<string>();
  const hashes = new Set<string>();
  return Object.freeze(
    raw.map((item: unknown, i): ApiKeyEntry => {
      const where = `API key [${i}]`;
      if (typeof item !== 'object' || item === null) throw new ApiKeyConfigError(`${where} is not an object`);
      const { name, sha256, roles, ...rest } = item as Record<string, unknown>;
      if (Object.keys(rest).length > 0)
        throw new ApiKeyConfigError(`${where} has unknown fields ${Object.keys(rest).join(', ')}`);
      if (typeof name !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(name))
        throw new ApiKeyConfigError(`${where}: name must be 1-64 of [A-Za-z0-9._-]`);
      if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256))
        throw new ApiKeyConfigError(`${where} (${name}): sha256 must be 64 lowercase hex characters`);
      if (!Array.isArray(roles) || roles.length === 0 || !roles.every((r) => ROLES.includes(r as Role)))
        throw new ApiKeyConfigError(`${where} (${name}): roles must be a non-empty subset of ${ROLES.join(', ')}`);
      if (names.has(name)) throw new ApiKeyConfigError(`${where}: duplicate name ${name}`);
      if (hashes.has(sha256)) throw new ApiKeyConfigError(`${where} (${name}): the same key is configured twice`);
      names.add(name);
      hashes.add(sha256);
      return Object.freeze({ name, sha256, roles: Object.freeze([...(roles as Role[])]) });
    }),
  );
}

/**
 * Finds the key a bearer secret belongs to. The secret is hashed first and compared against every configured hash
 * with timingSafeEqual, without stopping at a match, so timing reveals neither which key matched nor how much of it.
 */
export function authenticate(keys: readonly ApiKeyEntry[], secret: string): ApiKeyEntry | undefined {
  const presented = createHash('sha256').update(secret, 'utf8').digest();
  let found: ApiKeyEntry | undefined;
  for (const key of keys) {
    const equal = timingSafeEqual(presented, Buffer.from(key.sha256, 'hex'));
    if (equal && found === undefined) found = key;
  }
  return found;
}

/** admin may do everything; otherwise the key needs one of the route's roles. */
export function allows(key: ApiKeyEntry, roles: readonly Role[]): boolean {
  return key.roles.includes('admin') || key.roles.some((r) => roles.includes(r));
}
