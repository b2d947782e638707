/**
 * RFC 8785 (JCS) canonical text of parsed JSON: keys sorted by UTF-16 code units, strings and numbers as
 * JSON.stringify writes them (which is JCS's rule). Attestation payloads are signed in this form only, so a
 * payload that is not canonical is not one the worker produced.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
