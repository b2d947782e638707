import { ConfigValueError, VARIABLES, type Role, type VariableKey, type Variables } from './variables.js';

export type Config = { readonly [K in VariableKey]: ReturnType<Variables[K]['parse']> } & { readonly role: Role };

export type Environment = Readonly<Record<string, string | undefined>>;

/** Raised at start-up; the message names every bad variable so the operator can fix them in one go. */
export class ConfigError extends Error {
  readonly code = 'CFG-001';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Names of the variables a role must have set: the docker-compose test checks each product service against it. */
export function requiredVariables(role: Role): readonly string[] {
  return Object.values(VARIABLES)
    .filter((spec) => spec.requiredFor.includes(role))
    .map((spec) => spec.name);
}

/**
 * Reads, validates and freezes the configuration for one process role.
 * Only entry points call this, passing process.env; everything else receives the frozen Config.
 */
export function loadConfig(env: Environment, role: Role): Config {
  const problems: string[] = [];
  const values: Record<string, unknown> = { role };
  for (const [key, spec] of Object.entries(VARIABLES)) {
    const raw = env[spec.name];
    const required = spec.requiredFor.includes(role);
    if (raw === undefined || raw === '') {
      if (required) {
        problems.push(`${spec.name} is required for ${role}: ${spec.description}`);
        continue;
      }
      if (spec.defaultValue === undefined) continue;
      // Through the parser even when empty, so an unset list is an empty (frozen) list, not ''.
      values[key] = spec.parse(spec.defaultValue);
      continue;
    }
    try {
      values[key] = spec.parse(raw);
    } catch (err) {
      const reason = err instanceof ConfigValueError ? err.message : String(err);
      problems.push(`${spec.name} ${reason}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(values) as Config;
}
