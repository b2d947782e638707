import { Fragment, useEffect, useState, type SubmitEvent } from 'react';
import type { OverrideResponse, OverrideRow } from '../../../api/contract.js';
import { ApiError, useApi } from '../lib/api.js';
import { usePagedLoad } from '../lib/paging.js';
import { Badge, Mono } from '../ui/bits.js';
import { formatTime } from '../ui/format.js';
import { FormError, RefreshControls } from '../ui/forms.js';
import { OverrideResolutionCells } from '../ui/OverrideResolutionCells.js';
import { PagedView } from '../ui/PagedView.js';
import { coded, ErrorView } from '../ui/Status.js';

type ApproverRole = 'approver' | 'admin';

interface Signer {
  readonly name: string;
  readonly role: ApproverRole;
}

/** How long to keep refreshing after a resolution until the audit trail shows it. */
const FOLLOW_MS = 30_000;

function OverrideError({ error, role }: { error: unknown; role: ApproverRole }) {
  if (error instanceof ApiError && error.status === 403) {
    return (
      <div className="error" role="alert" data-testid="override-error">
        <strong>Forbidden (403): this API key does not hold the role “{role}”.</strong>
        <div className="error-detail">
          {coded(error)}. Pick the role your key was issued with (approver or admin); auditor and executor keys cannot
          resolve overrides.
        </div>
      </div>
    );
  }
  if (error instanceof ApiError && error.status === 409) {
    return (
      <div className="error" role="alert" data-testid="override-error">
        <strong>Already resolved (409)</strong>
        <div className="error-detail">{coded(error)}</div>
      </div>
    );
  }
  return <ErrorView error={error} />;
}

/** The execution a row is about: its id, policy and action. */
function SubjectCells({ row }: { row: OverrideRow }) {
  return (
    <>
      <td className="id-cell">
        <Mono value={row.executionId} />
      </td>
      <td>
        <Mono value={`${row.policyId}@${row.policyVersion}`} />
      </td>
      <td>
        <Badge value={row.action} />
      </td>
    </>
  );
}

function OverrideForm({
  row,
  approved,
  signer,
  onSigner,
  onDone,
  onCancel,
}: {
  row: OverrideRow;
  approved: boolean;
  signer: Signer;
  onSigner: (s: Signer) => void;
  onDone: (r: OverrideResponse) => void;
  onCancel: () => void;
}) {
  const { client } = useApi();
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [sending, setSending] = useState(false);

  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    if (signer.name.trim() === '') {
      setProblem('Enter your name: it is recorded as approvedBy.');
      return;
    }
    if (reason.trim() === '') {
      setProblem('A reason is required.');
      return;
    }
    setProblem(null);
    setError(null);
    setSending(true);
    client
      .override({
        executionId: row.executionId,
        approved,
        approvedBy: signer.name.trim(),
        approverRole: signer.role,
        reason: reason.trim(),
      })
      .then(
        (r) => {
          setSending(false);
          onDone(r);
        },
        (err: unknown) => {
          setSending(false);
          setError(err);
        },
      );
  };

  return (
    <form className="override-form" onSubmit={submit} noValidate data-testid="override-form">
      <div className="override-title">
        {approved ? 'Approve' : 'Reject'} <span className="mono">{row.executionId}</span>
      </div>
      <label>
        Your name
        <input
          name="approvedBy"
          maxLength={200}
          value={signer.name}
          onChange={(e) => {
            onSigner({ ...signer, name: e.target.value });
          }}
        />
      </label>
      <label>
        Your key&apos;s role
        <select
          name="approverRole"
          value={signer.role}
          onChange={(e) => {
            onSigner({ ...signer, role: e.target.value === 'admin' ? 'admin' : 'approver' });
          }}
        >
          <option value="approver">approver</option>
          <option value="admin">admin</option>
        </select>
      </label>
      <label className="grow">
        Reason (required)
        <textarea
          name="reason"
          maxLength={2000}
          rows={2}
          value={reason}
          onChange={(e) => {
            setReason(e.target.value);
          }}
        />
      </label>
      <div className="override-buttons">
        <button type="submit" className={approved ? 'primary' : 'danger'} disabled={sending}>
          {sending ? 'Sending…' : approved ? 'Confirm approval' : 'Confirm rejection'}
        </button>
        <button type="button" onClick={onCancel} disabled={sending}>
          Cancel
        </button>
      </div>
      <FormError message={problem} />
      {error !== null && <OverrideError error={error} role={signer.role} />}
    </form>
  );
}

export function OverridesTab() {
  const { client } = useApi();
  const pendingPages = usePagedLoad('pending', (cursor) =>
    client.audit.overrides({ status: 'pending', limit: 50, ...cursor }),
  );
  const allPages = usePagedLoad('all', (cursor) => client.audit.overrides({ limit: 100, ...cursor }));
  const { loaded: pending, reload: reloadPending, busy: busyPending } = pendingPages;
  const { loaded: all, reload: reloadAll, busy: busyAll } = allPages;
  const [acting, setActing] = useState<{ executionId: string; approved: boolean } | null>(null);
  const [signer, setSigner] = useState<Signer>({ name: '', role: 'approver' });
  const [done, setDone] = useState<Readonly<Record<string, { response: OverrideResponse; since: number }>>>({});

  const refresh = () => {
    reloadPending();
    reloadAll();
  };

  // After a resolution, follow the audit trail until the row shows as resolved (the sinks write it shortly after).
  useEffect(() => {
    const waiting = Object.entries(done).some(([id, d]) => {
      if (Date.now() - d.since > FOLLOW_MS) return false;
      const stillPending = pending.state === 'ok' && pending.data.items.some((o) => o.executionId === id);
      const shown = all.state === 'ok' && all.data.items.some((o) => o.executionId === id && o.status !== 'pending');
      return stillPending || !shown;
    });
    if (!waiting || busyPending || busyAll) return undefined;
    const timer = setTimeout(() => {
      reloadPending();
      reloadAll();
    }, 1000);
    return () => {
      clearTimeout(timer);
    };
  }, [done, pending, all, busyPending, busyAll, reloadPending, reloadAll]);

  return (
    <section aria-label="Overrides">
      <div className="toolbar">
        <h2>Pending overrides</h2>
        <RefreshControls busy={busyPending || busyAll} onRefresh={refresh} />
      </div>
      {Object.values(done).map(({ response: r }) => {
        const recorded =
          all.state === 'ok' && all.data.items.some((o) => o.executionId === r.executionId && o.status !== 'pending');
        return (
          <div key={r.executionId} className="notice" data-testid="override-done">
            <Badge value={r.status} /> <span className="mono">{r.executionId}</span> by{' '}
            <span className="mono">{r.approvedBy}</span> at {formatTime(r.decidedAt)}: the worker signed the override
            record. {recorded ? 'Recorded in the audit trail.' : 'Waiting for the audit trail…'}
          </div>
        );
      })}
      <p className="muted">
        Approve or Reject needs a key with the approver or admin role; pick that role in the form (the API answers 403
        when the key does not hold it).
      </p>
      <PagedView paged={pendingPages} what="pending overrides" empty="Nothing is waiting for an override.">
        {(page) => (
          <table className="grid" data-testid="pending-overrides">
            <thead>
              <tr>
                <th>Execution ID</th>
                <th>Policy</th>
                <th>Action</th>
                <th>Requested at</th>
                <th>Decision</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((o) => {
                const resolved = done[o.executionId]?.response;
                const formOpen = acting?.executionId === o.executionId;
                return (
                  <Fragment key={o.executionId}>
                    <tr data-execution-id={o.executionId} className={formOpen ? 'selected' : undefined}>
                      <SubjectCells row={o} />
                      <td className="nowrap">{formatTime(o.requestedAt)}</td>
                      <td className="actions-cell">
                        {resolved !== undefined ? (
                          <span data-testid="override-result">
                            <Badge value={resolved.status} /> by <Mono value={resolved.approvedBy} /> at{' '}
                            {formatTime(resolved.decidedAt)} — recording…
                          </span>
                        ) : (
                          <>
                            <button
                              type="button"
                              className="primary"
                              disabled={formOpen && acting.approved}
                              onClick={() => {
                                setActing({ executionId: o.executionId, approved: true });
                              }}
                            >
                              Approve
                            </button>{' '}
                            <button
                              type="button"
                              className="danger"
                              disabled={formOpen && !acting.approved}
                              onClick={() => {
                                setActing({ executionId: o.executionId, approved: false });
                              }}
                            >
                              Reject
                            </button>
                          </>
                        )}
                      </td>
                    </tr>
                    {formOpen && resolved === undefined && (
                      <tr className="form-row">
                        <td colSpan={5}>
                          <OverrideForm
                            key={String(acting.approved)}
                            row={o}
                            approved={acting.approved}
                            signer={signer}
                            onSigner={setSigner}
                            onCancel={() => {
                              setActing(null);
                            }}
                            onDone={(r) => {
                              setActing(null);
                              setDone((d) => ({ ...d, [r.executionId]: { response: r, since: Date.now() } }));
                              refresh();
                            }}
                          />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        )}
      </PagedView>

      <h2>Resolved</h2>
      <PagedView
        paged={allPages}
        what="resolved overrides"
        isEmptyPage={(p) => p.items.every((o) => o.status === 'pending')}
        empty="No override has been resolved yet."
      >
        {(page) => (
          <table className="grid" data-testid="resolved-overrides">
            <thead>
              <tr>
                <th>Execution ID</th>
                <th>Policy</th>
                <th>Action</th>
                <th>Status</th>
                <th>Resolved by</th>
                <th>Role</th>
                <th>Reason</th>
                <th>Resolved at</th>
              </tr>
            </thead>
            <tbody>
              {page.items
                .filter((o) => o.status !== 'pending')
                .map((o) => (
                  <tr key={`${o.executionId}|${o.status}`} data-execution-id={o.executionId}>
                    <SubjectCells row={o} />
                    <OverrideResolutionCells row={o} />
                  </tr>
                ))}
            </tbody>
          </table>
        )}
      </PagedView>
    </section>
  );
}
