import type { AuditStats } from '../../../api/contract.js';
import { useApi } from '../lib/api.js';
import { useLoad } from '../lib/useLoad.js';
import { formatTime } from '../ui/format.js';
import { RefreshControls } from '../ui/forms.js';
import { LoadView } from '../ui/Status.js';

type Series = AuditStats['decisionsPerMinute'];

const W = 720;
const H = 180;
const PAD = { left: 40, right: 8, top: 10, bottom: 24 };

/** A per-minute bar chart in plain SVG: attributes only, nothing the CSP would block. */
function MinuteChart({ series, label, tone }: { series: Series; label: string; tone: string }) {
  const max = Math.max(1, ...series.map((p) => p.count));
  const total = series.reduce((n, p) => n + p.count, 0);
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const step = innerW / Math.max(1, series.length);
  const first = series[0];
  const last = series.at(-1);
  return (
    <figure className="chart">
      <figcaption>
        {label}{' '}
        <span className="muted">
          ({total} in the last hour, peak {max === 1 && total === 0 ? 0 : max}/min)
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} className="chart-svg">
        <line x1={PAD.left} y1={PAD.top + innerH} x2={W - PAD.right} y2={PAD.top + innerH} className="axis" />
        <line x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={PAD.top + innerH} className="axis" />
        <text x={PAD.left - 4} y={PAD.top + 8} className="tick" textAnchor="end">
          {max}
        </text>
        <text x={PAD.left - 4} y={PAD.top + innerH} className="tick" textAnchor="end">
          0
        </text>
        {series.map((p, i) => {
          const h = (p.count / max) * innerH;
          return (
            <rect
              key={p.minute}
              x={PAD.left + i * step + 1}
              y={PAD.top + innerH - h}
              width={Math.max(1, step - 2)}
              height={h}
              className={`bar bar-${tone}`}
            >
              <title>
                {formatTime(p.minute)}: {p.count}
              </title>
            </rect>
          );
        })}
        {first !== undefined && (
          <text x={PAD.left} y={H - 6} className="tick">
            {formatTime(first.minute).slice(11, 16)}
          </text>
        )}
        {last !== undefined && (
          <text x={W - PAD.right} y={H - 6} className="tick" textAnchor="end">
            {formatTime(last.minute).slice(11, 16)} UTC
          </text>
        )}
      </svg>
    </figure>
  );
}

/** Counts by key as horizontal bars (SVG), largest first. */
function Breakdown({ title, counts, tone }: { title: string; counts: Readonly<Record<string, number>>; tone: string }) {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  const max = Math.max(1, ...entries.map(([, n]) => n));
  return (
    <div className="card breakdown">
      <h3>{title}</h3>
      {entries.length === 0 ? (
        <div className="empty">None.</div>
      ) : (
        <table className="grid bars">
          <tbody>
            {entries.map(([k, n]) => (
              <tr key={k}>
                <td className="mono clip-cell" title={k}>
                  {k}
                </td>
                <td className="bar-cell">
                  <svg viewBox="0 0 100 10" preserveAspectRatio="none" className="hbar" aria-hidden="true">
                    <rect x={0} y={0} width={(n / max) * 100} height={10} className={`bar bar-${tone}`} />
                  </svg>
                </td>
                <td className="num">{n}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function StatsTab() {
  const { client } = useApi();
  const [loaded, reload, busy] = useLoad('stats', () => client.audit.stats());
  return (
    <section aria-label="Stats">
      <div className="toolbar">
        <h2>Audit statistics</h2>
        <RefreshControls busy={busy} onRefresh={reload} />
      </div>
      <LoadView loaded={loaded} what="statistics" audit>
        {(s) => (
          <>
            <div className="totals">
              <div className="total">
                <span className="total-n">{s.decisions.total}</span> decisions
              </div>
              <div className="total">
                <span className="total-n">{s.rejections.total}</span> rejections
              </div>
              <div className="total">
                <span className="total-n">{s.overrides.pending}</span> overrides pending · {s.overrides.approved}{' '}
                approved · {s.overrides.rejected} rejected
              </div>
              <div className="total">
                <span className="total-n">{s.verifications.valid}</span> valid /{' '}
                <span className={s.verifications.invalid > 0 ? 'total-n bad-text' : 'total-n'}>
                  {s.verifications.invalid}
                </span>{' '}
                invalid verifications
              </div>
            </div>
            <div className="charts">
              <MinuteChart series={s.decisionsPerMinute} label="Decisions per minute" tone="blue" />
              <MinuteChart series={s.replayAttemptsPerMinute} label="Replay attempts per minute" tone="red" />
            </div>
            <div className="breakdowns">
              <Breakdown title="Decisions by action" counts={s.decisions.byAction} tone="blue" />
              <Breakdown title="Rejections by code" counts={s.rejections.byCode} tone="orange" />
              <Breakdown title="Security events by type" counts={s.securityEvents.byType} tone="red" />
            </div>
          </>
        )}
      </LoadView>
    </section>
  );
}
