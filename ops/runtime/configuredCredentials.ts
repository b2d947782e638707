import { isAbsolute, join } from 'node:path';
import { readCredentials, type Credentials } from '../../shared/credentials/Credentials.js';

/**
 * The credentials in the file a `PARMANA_<PROCESS>_<COMPONENT>_CREDENTIALS` variable names (a relative path is taken
 * from the working directory), read once at start-up; undefined when the variable is unset (no authentication).
 */
export function configuredCredentials(file: string, cwd: string): Credentials | undefined {
  return file === '' ? undefined : readCredentials(isAbsolute(file) ? file : join(cwd, file));
}
