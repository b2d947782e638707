import { loadConfig, type Config } from './config.js';
import type { Role } from './variables.js';

/** The one place that reads process.env: entry points call this once at start-up. */
export function configFromProcess(role: Role): Config {
  return loadConfig(process.env, role);
}
