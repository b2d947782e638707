import type { VerificationFilters } from '../../../api/contract.js';
import { useApi } from '../lib/api.js';
import { usePagedLoad } from '../lib/paging.js';
import { useFilterForm } from '../lib/useFilterForm.js';
import { Badge, Mono } from '../ui/bits.js';
import { orderedChecks } from '../ui/checks.js';
import { DateRangeFields } from '../ui/DateRangeFields.js';
import { formatTime } from '../ui/format.js';
import { FilterActions, FormError } from '../ui/forms.js';
import { PagedView } from '../ui/PagedView.js';

const EMPTY_DRAFT = { valid: '', executionId: '', from: '', to: '' };

function verificationFilters(draft: typeof EMPTY_DRAFT): VerificationFilters {
  return {
    ...(draft.valid === '' ? {} : { valid: draft.valid === 'true' }),
    ...(draft.executionId.trim() === '' ? {} : { executionId: draft.executionId.trim() }),
  };
}

export function VerificationsTab() {
  const { client } = useApi();
  const filters = useFilterForm(EMPTY_DRAFT, verificationFilters);
  const { draft, setDraft } = filters;
  const paged = usePagedLoad(filters.key, (cursor) =>
    client.audit.verifications({ ...filters.applied, limit: 50, ...cursor }),
  );

  return (
    <section aria-label="Verifications">
      <form className="filters" onSubmit={filters.handleSubmit(paged.reload)} noValidate>
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
        <FilterActions busy={paged.busy} onRefresh={paged.reload} />
      </form>
      <FormError message={filters.error} />
      <PagedView paged={paged} what="verifications" empty="No verifications match these filters.">
        {(page) => (
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
        )}
      </PagedView>
    </section>
  );
}
