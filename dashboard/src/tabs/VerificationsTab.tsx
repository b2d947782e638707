import { useState, type SubmitEvent } from 'react';
import type { VerificationFilters } from '../../../api/contract.js';
import { useApi } from '../lib/api.js';
import { parseDateRange } from '../lib/dateRange.js';
import { usePaging } from '../lib/paging.js';
import { useLoad } from '../lib/useLoad.js';
import { Badge, Mono, Pager } from '../ui/bits.js';
import { orderedChecks } from '../ui/checks.js';
import { DateRangeFields } from '../ui/DateRangeFields.js';
import { formatTime } from '../ui/format.js';
import { LoadView } from '../ui/Status.js';

const EMPTY_DRAFT = { valid: '', executionId: '', from: '', to: '' };

export function VerificationsTab() {
  const { client } = useApi();
  const [draft, setDraft] = useState(EMPTY_DRAFT);
  const [applied, setApplied] = useState<VerificationFilters>({});
  const [formError, setFormError] = useState<string | null>(null);
  const key = JSON.stringify(applied);
  const paging = usePaging(key);
  const [loaded, reload, busy] = useLoad(`${key}|${paging.cursor ?? ''}`, () =>
    client.audit.verifications({
      ...applied,
      limit: 50,
      ...(paging.cursor === undefined ? {} : { cursor: paging.cursor }),
    }),
  );

  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const r = parseDateRange(draft.from, draft.to);
    if (!r.ok) {
      setFormError(r.message);
      return;
    }
    setFormError(null);
    const next: VerificationFilters = {
      ...(draft.valid === '' ? {} : { valid: draft.valid === 'true' }),
      ...(draft.executionId.trim() === '' ? {} : { executionId: draft.executionId.trim() }),
      ...(r.from === undefined ? {} : { from: r.from }),
      ...(r.to === undefined ? {} : { to: r.to }),
    };
    if (JSON.stringify(next) === key) reload();
    else setApplied(next);
  };

  return (
    <section aria-label="Verifications">
      <form className="filters" onSubmit={submit} noValidate>
        <label>
          Result
          <select
            name="valid"
            value={draft.valid}
            onChange={(e) => {
              setDraft({ ...draft, valid: e.target.value });
            }}
          >
            <option value="">any</option>
            <option value="true">valid</option>
            <option value="false">invalid</option>
          </select>
        </label>
        <label>
          Execution ID
          <input
            name="executionId"
            maxLength={128}
            value={draft.executionId}
            onChange={(e) => {
              setDraft({ ...draft, executionId: e.target.value });
            }}
          />
        </label>
        <DateRangeFields
          value={draft}
          onChange={(r) => {
            setDraft({ ...draft, ...r });
          }}
        />
        <button type="submit">Apply</button>
        <button type="button" onClick={reload} disabled={busy}>
          Refresh
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
        what="verifications"
        audit
        isEmpty={(p) => p.items.length === 0 && paging.page === 0}
        empty="No verifications match these filters."
      >
        {(page) => (
          <>
            <table className="grid" data-testid="verifications-table">
              <thead>
                <tr>
                  <th>Verified at</th>
                  <th>Execution ID</th>
                  <th>Result</th>
                  <th>Checks</th>
                  <th>Reasons</th>
                  <th>Signer key</th>
                  <th>Source</th>
                  <th>Requested by</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((v) => (
                  <tr key={v.verificationId} className={v.valid ? undefined : 'row-critical'}>
                    <td className="nowrap">{formatTime(v.verifiedAt)}</td>
                    <td className="id-cell">
                      <Mono value={v.executionId} />
                    </td>
                    <td>
                      <Badge value={v.valid ? 'valid' : 'invalid'} />
                    </td>
                    <td className="checks-cell">
                      {orderedChecks(v.checks).map(([name, result]) => (
                        <Badge key={name} value={result}>
                          {name}: {result}
                        </Badge>
                      ))}
                    </td>
                    <td className="text-cell">
                      {v.reasons.length === 0
                        ? '—'
                        : v.reasons.map((r, i) => (
                            <div key={`${r.code}-${i}`}>
                              <span className="mono">{r.code}</span> {r.message}
                            </div>
                          ))}
                    </td>
                    <td>
                      <Mono value={v.signerKeyId} short />
                    </td>
                    <td>
                      <Mono value={v.source} />
                    </td>
                    <td>
                      <Mono value={v.requestedBy} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
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
