/** A form's validation message; nothing when there is none. */
export function FormError({ message }: { message: string | null }) {
  if (message === null) return null;
  return (
    <div className="form-error" role="alert" data-testid="form-error">
      {message}
    </div>
  );
}

/** Refresh (disabled while a load runs) and a note while it runs. */
export function RefreshControls({ busy, onRefresh }: { busy: boolean; onRefresh: () => void }) {
  return (
    <>
      <button type="button" onClick={onRefresh} disabled={busy}>
        Refresh
      </button>
      <Refreshing busy={busy} />
    </>
  );
}

function Refreshing({ busy }: { busy: boolean }) {
  return busy ? <span className="muted">refreshing…</span> : null;
}

/** A filter form's buttons: Apply (submit), then Reset or Refresh, and a note while a load runs. */
export function FilterActions({
  busy,
  onReset,
  onRefresh,
}: {
  busy: boolean;
  onReset?: () => void;
  onRefresh?: () => void;
}) {
  return (
    <>
      <button type="submit">Apply</button>
      {onReset !== undefined && (
        <button type="button" onClick={onReset}>
          Reset
        </button>
      )}
      {onRefresh === undefined ? <Refreshing busy={busy} /> : <RefreshControls busy={busy} onRefresh={onRefresh} />}
    </>
  );
}
