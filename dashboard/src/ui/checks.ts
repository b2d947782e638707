import { BROWSER_CHECKS } from '../verify/verifyAttestation.js';

// One order for check names wherever they are listed (jsonb from the audit table does not keep the server's order):
// the browser's checks in the order they run, then the server's fingerprint check (it needs the signals).
const ORDER: readonly string[] = [...BROWSER_CHECKS, 'fingerprint'];

export function orderedChecks(checks: Readonly<Record<string, string>>): [string, string][] {
  const rank = (name: string): number => {
    const i = ORDER.indexOf(name);
    return i === -1 ? ORDER.length : i;
  };
  return Object.entries(checks).sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}
