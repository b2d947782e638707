import { useState, type SubmitEvent } from 'react';
import type { DecisionFilters } from '../../../api/contract.js';
import { useApi } from '../lib/api.js';
import { parseDateRange } from '../lib/dateRange.js';
import { usePaging } from '../lib/paging.js';
import { useLoad } from '../lib/useLoad.js';
import { Badge, Mono, Pager } from '../ui/bits.js';
import { DateRangeFields } from '../ui/DateRangeFields.js';
import { formatTime } from '../ui/format.js';
import { LoadView } from '../ui/Status.js';
import { DecisionDetailView } from './DecisionDetail.js';

const PAGE_SIZE = 50;
const EMPTY_DRAFT = { policyId: '', action: '', execution_state: '', from: '', to: '' };

export function DecisionsTab() {
  const { client } = useApi();
  const [draft, setDraft] = useState(EMPTY_DRAFT);
  const [applied, setApplied] = useState<DecisionFilters>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const filterKey = JSON.stringify(applied);
  const paging = usePaging(filterKey);
  const [loaded, reload, busy] = useLoad(`${filterKey}|${paging.cursor ?? ''}`, () =>
    client.audit.decisions({
      ...applied,
      limit: PAGE_SIZE,
      ...(paging.cursor === undefined ? {} : { cursor: paging.cursor }),
    }),
  );

  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const range = parseDateRange(draft.from, draft.to);
    if (!range.ok) {
      setFormError(range.message);
      return;
    }
    setFormError(null);
    const next: DecisionFilters = {
      ...(draft.policyId.trim() === '' ? {} : { policyId: draft.policyId.trim() }),
      ...(draft.action.trim() === '' ? {} : { action: draft.action.trim() }),
      ...(draft.execution_state === '' ? {} : { execution_state: draft.execution_state }),
      ...(range.from === undefined ? {} : { from: range.from }),
      ...(range.to === undefined ? {} : { to: range.to }),
    };
    if (JSON.stringify(next) === filterKey) reload();
    else setApplied(next);
  };

  if (selected !== null) {
    return (
      <DecisionDetailView
        executionId={selected}
        onBack={() => {
          setSelected(null);
        }}
      />
    );
  }

  return (
    <section aria-label="Decisions">
      <form className="filters" onSubmit={submit} noValidate>
        <label>
          Policy
          <input
            name="policyId"
            maxLength={128}
            value={draft.policyId}
            onChange={(e) => {
              setDraft({ ...draft, policyId: e.target.value });
            }}
          />
        </label>
        <label>
          Action
          <input
            name="action"
            maxLength={64}
            value={draft.action}
            onChange={(e) => {
              setDraft({ ...draft, action: e.target.value });
            }}
          />
        </label>
        <label>
          State
          <select
            name="execution_state"
            value={draft.execution_state}
            onChange={(e) => {
              setDraft({ ...draft, execution_state: e.target.value });
            }}
          >
            <option value="">any</option>
            <option value="completed">completed</option>
            <option value="pending_override">pending_override</option>
          </select>
        </label>
        <DateRangeFields
          value={draft}
          onChange={(r) => {
            setDraft({ ...draft, ...r });
          }}
        />
        <button type="submit">Apply</button>
        <button
          type="button"
          onClick={() => {
            setDraft(EMPTY_DRAFT);
            setFormError(null);
            setApplied({});
          }}
        >
          Reset
        </button>
        {busy && <span className="muted">refreshing…</span>}
      </form>
      {formError !== null && (
        <div className="form-error" role="alert" data-testid="form-error">
          {formError}
        </div>
      )}
      <LoadView
        loaded={loaded}
        what="decisions"
        audit
        isEmpty={(p) => p.items.length === 0 && paging.page === 0}
        empty="No decisions match these filters."
      >
        {(page) => (
          <>
            <table className="grid" data-testid="decisions-table">
              <thead>
                <tr>
                  <th>Requested at</th>
                  <th>Execution ID</th>
                  <th>Policy</th>
                  <th>Action</th>
                  <th>State</th>
                  <th>Rule</th>
                  <th>Signer key</th>
                  <th>Recorded at</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((d) => (
                  <tr key={d.executionId}>
                    <td className="nowrap">{formatTime(d.requestedAt)}</td>
                    <td className="id-cell">
                      <button
                        type="button"
                        className="link"
                        title={d.executionId}
                        onClick={() => {
                          setSelected(d.executionId);
                        }}
                      >
                        {d.executionId}
                      </button>
                    </td>
                    <td>
                      <Mono value={`${d.policyId}@${d.policyVersion}`} />
                    </td>
                    <td>
                      <Badge value={d.action} />
                    </td>
                    <td>
                      <Badge value={d.execution_state} />
                    </td>
                    <td>
                      <Mono value={d.ruleId} />
                    </td>
                    <td>
                      <Mono value={d.signerKeyId} short />
                    </td>
                    <td className="nowrap">{formatTime(d.recordedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {page.items.length === 0 && <div className="empty">No more decisions.</div>}
            <Pager
              page={paging.page}
              nextCursor={page.nextCursor}
              onFirst={paging.first}
              onPrevious={paging.previous}
              onNext={paging.next}
            />
          </>
        )}
      </LoadView>
    </section>
  );
}
