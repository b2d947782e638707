import { useState } from 'react';
import type { DecisionFilters } from '../../../api/contract.js';
import { useApi } from '../lib/api.js';
import { usePagedLoad } from '../lib/paging.js';
import { useFilterForm } from '../lib/useFilterForm.js';
import { Badge, Mono } from '../ui/bits.js';
import { DateRangeFields } from '../ui/DateRangeFields.js';
import { formatTime } from '../ui/format.js';
import { FilterActions, FormError } from '../ui/forms.js';
import { PagedView } from '../ui/PagedView.js';
import { DecisionDetailView } from './DecisionDetail.js';

const PAGE_SIZE = 50;
const EMPTY_DRAFT = { policyId: '', action: '', execution_state: '', from: '', to: '' };

function decisionFilters(draft: typeof EMPTY_DRAFT): DecisionFilters {
  return {
    ...(draft.policyId.trim() === '' ? {} : { policyId: draft.policyId.trim() }),
    ...(draft.action.trim() === '' ? {} : { action: draft.action.trim() }),
    ...(draft.execution_state === '' ? {} : { execution_state: draft.execution_state }),
  };
}

export function DecisionsTab() {
  const { client } = useApi();
  const filters = useFilterForm(EMPTY_DRAFT, decisionFilters);
  const { draft, setDraft } = filters;
  const [selected, setSelected] = useState<string | null>(null);
  const paged = usePagedLoad(filters.key, (cursor) =>
    client.audit.decisions({ ...filters.applied, limit: PAGE_SIZE, ...cursor }),
  );

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
      <form className="filters" onSubmit={filters.handleSubmit(paged.reload)} noValidate>
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
        <FilterActions busy={paged.busy} onReset={filters.reset} />
      </form>
      <FormError message={filters.error} />
      <PagedView paged={paged} what="decisions" empty="No decisions match these filters.">
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
          </>
        )}
      </PagedView>
    </section>
  );
}
