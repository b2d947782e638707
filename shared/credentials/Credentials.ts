import { readFileSync, statSync } from 'node:fs';
import { ParmanaError } from '../../core/errors/ParmanaError.js';

/** A principal's user name and password for one component (Kafka, Postgres or Redis). */
export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/**
 * Reads a credentials file written by `parmana dev init` (or by an operator): JSON {"username", "password"}, mode
 * 0600. A file that others can read is refused rather than used: the password would already be shared. The error
 * names the file, never its content.
 */
export function readCredentials(file: string): Credentials {
  let text: string;
  try {
    const mode = statSync(file).mode;
    if ((mode & 0o077) !== 0) {
      throw new ParmanaError('CRD-003', { path: file, detail: `mode ${(mode & 0o777).toString(8)}` });
    }
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof ParmanaError) throw err;
    throw new ParmanaError('CRD-001', { path: file, cause: err });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ParmanaError('CRD-002', { path: file, detail: 'not JSON' });
  }
  const { username, password } = (parsed ?? {}) as Record<string, unknown>;
  if (typeof username !== 'string' || username === '' || typeof password !== 'string' || password === '') {
    throw new ParmanaError('CRD-002', { path: file });
  }
  return Object.freeze({ username, password });
}
