/** Compact UTC time: 2026-01-01 12:00:00Z (the raw value when it is not a date). */
export function formatTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return '—';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
}

/** JSON for display; never throws (cycles cannot come from the API, but undefined can). */
export function prettyJson(value: unknown): string {
  try {
    // JSON.stringify returns undefined for undefined (its typing says string).
    const text = JSON.stringify(value, null, 2) as string | undefined;
    return text ?? String(value);
  } catch {
    return String(value);
  }
}
