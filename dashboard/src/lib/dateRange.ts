// Date range inputs: checked in the form, before any request is made.

const INPUT = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,3})?)?)?(Z|[+-]\d{2}:\d{2})?$/;

export type DateInput = { ok: true; iso: string | undefined } | { ok: false; message: string };

/**
 * Parses one bound: empty means "no bound"; otherwise YYYY-MM-DD, optionally with THH:MM[:SS[.mmm]] and a zone
 * (Z or ±HH:MM). Times without a zone are UTC. Impossible dates (2026-02-30) are refused, not rolled over.
 */
export function parseDateInput(text: string): DateInput {
  const t = text.trim();
  if (t === '') return { ok: true, iso: undefined };
  const m = INPUT.exec(t);
  if (m === null)
    return { ok: false, message: `"${t.slice(0, 40)}" is not a date (use YYYY-MM-DD or YYYY-MM-DDTHH:MM)` };
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m;
  const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const check = new Date(local);
  if (
    check.getUTCFullYear() !== Number(y) ||
    check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d) ||
    check.getUTCHours() !== Number(h) ||
    check.getUTCMinutes() !== Number(mi) ||
    check.getUTCSeconds() !== Number(s)
  ) {
    return { ok: false, message: `"${t.slice(0, 40)}" is not a valid date` };
  }
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${frac}${zone}`);
  if (Number.isNaN(ms)) return { ok: false, message: `"${t.slice(0, 40)}" is not a valid date` };
  return { ok: true, iso: new Date(ms).toISOString() };
}

export type DateRange = { ok: true; from?: string; to?: string } | { ok: false; message: string };

/** Both bounds parsed and, when both are given, from strictly before to (the API's rule). */
export function parseDateRange(fromText: string, toText: string): DateRange {
  const from = parseDateInput(fromText);
  if (!from.ok) return { ok: false, message: `From: ${from.message}` };
  const to = parseDateInput(toText);
  if (!to.ok) return { ok: false, message: `To: ${to.message}` };
  if (from.iso !== undefined && to.iso !== undefined && Date.parse(from.iso) >= Date.parse(to.iso)) {
    return { ok: false, message: 'From must be earlier than To' };
  }
  return {
    ok: true,
    ...(from.iso === undefined ? {} : { from: from.iso }),
    ...(to.iso === undefined ? {} : { to: to.iso }),
  };
}
