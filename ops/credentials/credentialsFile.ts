import { randomBytes } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import type { Credentials } from '../../shared/credentials/Credentials.js';

/** A new random password: 32 bytes, base64url (no quoting needed in URLs, JAAS lines or ACL files). */
export const newPassword = (): string => randomBytes(32).toString('base64url');

/** The JSON a credentials file holds. */
export const credentialsJson = (c: Credentials): string =>
  `${JSON.stringify({ username: c.username, password: c.password }, null, 2)}\n`;

/** Replaces a credentials file whole (written beside it, 0600, then renamed): a reader sees the old or the new one. */
export function writeCredentialsFile(file: string, c: Credentials): void {
  const next = `${file}.new`;
  writeFileSync(next, credentialsJson(c), { mode: 0o600 });
  renameSync(next, file);
}
