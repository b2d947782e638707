export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;

/** The route layer validates `limit` too; clamping here keeps the store safe for any other caller. */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined || Number.isNaN(limit)) return DEFAULT_LIMIT;
  return Math.min(MAX_LIMIT, Math.max(1, Math.trunc(limit)));
}
