/** Minimal argument helpers shared by the CLI commands (`--name value` options and positionals). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function option(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i === -1) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
  return value;
}

export function requiredOption(args: readonly string[], name: string): string {
  const value = option(args, name);
  if (value === undefined) throw new UsageError(`missing ${name}`);
  return value;
}

export function flag(args: readonly string[], name: string): boolean {
  return args.includes(name);
}

/** The n-th argument that is neither an option nor an option's value. */
export function positional(args: readonly string[], n: number, what: string): string {
  const plain: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === undefined) continue;
    if (a.startsWith('--')) {
      const next = args[i + 1];
      if (next !== undefined && !next.startsWith('--')) i++;
      continue;
    }
    plain.push(a);
  }
  const value = plain[n];
  if (value === undefined) throw new UsageError(`missing ${what}`);
  return value;
}
