import { useState } from 'react';
import type { SecurityGroup, TimeRange } from '../../../api/contract.js';
import { useApi } from '../lib/api.js';
import { usePagedLoad } from '../lib/paging.js';
import { useFilterForm } from '../lib/useFilterForm.js';
import { useLoad } from '../lib/useLoad.js';
import { Badge, Mono } from '../ui/bits.js';
import { DateRangeFields } from '../ui/DateRangeFields.js';
import { formatTime, prettyJson } from '../ui/format.js';
import { FilterActions, FormError } from '../ui/forms.js';
import { PagedView } from '../ui/PagedView.js';
import { LoadView } from '../ui/Status.js';

/** Events that mean someone tried to pass off forged or altered signed data. */
const CRITICAL_TYPES = new Set(['signature_failure', 'conflicting_outcome']);

function rowClass(severity: string, eventType: string): string {
  return severity === 'critical' || CRITICAL_TYPES.has(eventType) ? 'row-critical' : `row-${severity}`;
}

function Events({ group, range }: { group: SecurityGroup; range: TimeRange }) {
  const { client } = useApi();
  const filters = { event_type: group.event_type, severity: group.severity, ...range };
  const paged = usePagedLoad(JSON.stringify(filters), (cursor) =>
    client.audit.securityEvents({ ...filters, limit: 50, ...cursor }),
  );
  return (
    <div className="events" data-testid="security-events">
      <h3>
        Events: <span className="mono">{group.event_type}</span> <Badge value={group.severity} />{' '}
        <button type="button" onClick={paged.reload} disabled={paged.busy}>
          Refresh events
        </button>
      </h3>
      <PagedView paged={paged} what="events">
        {(page) => (
          <table className="grid">
            <thead>
              <tr>
                <th>Occurred at</th>
                <th>Severity</th>
                <th>Execution ID</th>
                <th>Source</th>
                <th>Code</th>
                <th>Detail</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((e) => (
                <tr key={e.eventId} className={rowClass(e.severity, e.event_type)}>
                  <td className="nowrap">{formatTime(e.occurredAt)}</td>
                  <td>
                    <Badge value={e.severity} />
                  </td>
                  <td className="id-cell">
                    <Mono value={e.executionId} />
                  </td>
                  <td>
                    <Mono value={e.source} />
                  </td>
                  <td>
                    <Mono value={e.code} />
                  </td>
                  <td className="detail-cell">
                    <pre className="json small">{prettyJson(e.detail)}</pre>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </PagedView>
    </div>
  );
}

export function SecurityTab() {
  const { client } = useApi();
  const filters = useFilterForm({ from: '', to: '' }, (): TimeRange => ({}));
  const [selected, setSelected] = useState<SecurityGroup | null>(null);
  const range = filters.applied;
  const [loaded, reload, busy] = useLoad(filters.key, () => client.audit.security({ ...range, limit: 1000 }));

  const critical =
    loaded.state === 'ok' ? loaded.data.filter((g) => rowClass(g.severity, g.event_type) === 'row-critical') : [];

  return (
    <section aria-label="Security">
      <form
        className="filters"
        onSubmit={filters.handleSubmit(reload, () => {
          setSelected(null);
        })}
        noValidate
      >
        <DateRangeFields value={filters.draft} onChange={filters.setDraft} />
        <FilterActions busy={busy} onRefresh={reload} />
      </form>
      <FormError message={filters.error} />
      {critical.length > 0 && (
        <div className="alert-critical" role="alert">
          {critical.reduce((n, g) => n + g.event_count, 0)} critical event(s):{' '}
          {critical.map((g) => g.event_type).join(', ')}
        </div>
      )}
      <LoadView
        loaded={loaded}
        what="security events"
        audit
        isEmpty={(groups) => groups.length === 0}
        empty="No security events in this range."
      >
        {(groups) => (
          <table className="grid" data-testid="security-groups">
            <thead>
              <tr>
                <th>Event type</th>
                <th>Severity</th>
                <th className="num">Count</th>
                <th>First occurrence</th>
                <th>Last occurrence</th>
              </tr>
            </thead>
            <tbody>
              {groups.map((g) => {
                const isSelected = selected?.event_type === g.event_type && selected.severity === g.severity;
                return (
                  <tr
                    key={`${g.event_type}|${g.severity}`}
                    className={`${rowClass(g.severity, g.event_type)}${isSelected ? ' selected' : ''}`}
                  >
                    <td>
                      <button
                        type="button"
                        className="link"
                        onClick={() => {
                          setSelected(g);
                        }}
                      >
                        {g.event_type}
                      </button>
                    </td>
                    <td>
                      <Badge value={g.severity} />
                    </td>
                    <td className="num">{g.event_count}</td>
                    <td className="nowrap">{formatTime(g.first_occurrence)}</td>
                    <td className="nowrap">{formatTime(g.last_occurrence)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </LoadView>
      {selected !== null && <Events group={selected} range={range} />}
    </section>
  );
}
