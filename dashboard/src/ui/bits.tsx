import type { ReactNode } from 'react';

/**
 * A long value (id, hash, key) in monospace, truncated by CSS with the whole value in the tooltip; `short` for key
 * ids, where a prefix is enough to tell them apart; `wrap` to show all of it.
 */
export function Mono({
  value,
  wrap = false,
  short = false,
}: {
  value: string | null | undefined;
  wrap?: boolean;
  short?: boolean;
}) {
  if (value === null || value === undefined) return <span className="muted">—</span>;
  return (
    <span className={wrap ? 'mono wrap' : short ? 'mono clip short' : 'mono clip'} title={value}>
      {value}
    </span>
  );
}

const TONES: Readonly<Record<string, string>> = {
  pass: 'good',
  valid: 'good',
  completed: 'good',
  approved: 'good',
  ok: 'good',
  active: 'good',
  approve: 'good',
  fail: 'bad',
  invalid: 'bad',
  rejected: 'bad',
  reject: 'bad',
  degraded: 'bad',
  critical: 'critical',
  high: 'high',
  medium: 'medium',
  low: 'low',
  pending: 'warn',
  pending_override: 'warn',
  skipped: 'neutral',
};

/** A coloured label; the colour comes from the value (pass/fail, severities, states). */
export function Badge({ value, tone, children }: { value: string; tone?: string; children?: ReactNode }) {
  return <span className={`badge tone-${tone ?? TONES[value] ?? 'neutral'}`}>{children ?? value}</span>;
}

/** Previous / next over cursor pages: `cursors` is the stack of cursors that led to the current page. */
export function Pager({
  page,
  nextCursor,
  onFirst,
  onPrevious,
  onNext,
}: {
  page: number;
  nextCursor: string | null;
  onFirst: () => void;
  onPrevious: () => void;
  onNext: (cursor: string) => void;
}) {
  return (
    <div className="pager">
      <button type="button" onClick={onFirst} disabled={page === 0}>
        First
      </button>
      <button type="button" onClick={onPrevious} disabled={page === 0}>
        Previous
      </button>
      <span className="muted">Page {page + 1}</span>
      <button
        type="button"
        onClick={() => {
          if (nextCursor !== null) onNext(nextCursor);
        }}
        disabled={nextCursor === null}
      >
        Next
      </button>
    </div>
  );
}
