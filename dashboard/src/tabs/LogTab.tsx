import { useMemo, useState, type SubmitEvent } from 'react';
import type { LogCheckpointResponse, LogMonitorReport } from '../../../api/contract.js';
import { ApiError, useApi } from '../lib/api.js';
import { useLoad, type Loaded } from '../lib/useLoad.js';
import { Badge, Mono } from '../ui/bits.js';
import { formatTime } from '../ui/format.js';
import { FormError, RefreshControls } from '../ui/forms.js';
import { InclusionCheck } from '../ui/InclusionCheck.js';
import { Empty, ErrorView, LoadView, Loading } from '../ui/Status.js';
import { bytesToHex, base64ToBytes } from '../verify/encoding.js';
import { verifyTrustRoot, type TrustRootCheck } from '../verify/trustRoot.js';
import { verifyCheckpointInBrowser } from '../verify/verifyCheckpointInBrowser.js';

const notFound = (loaded: Loaded<unknown>, code: string): boolean =>
  loaded.state === 'error' && loaded.error instanceof ApiError && loaded.error.code === code;

function CheckpointView({ cp, trust }: { cp: LogCheckpointResponse; trust: TrustRootCheck }) {
  const check = useMemo(() => verifyCheckpointInBrowser(cp.note, trust.keys), [cp, trust]);
  const rootHex = base64ToBytes(cp.rootHash);
  // The API's parsed fields are a convenience: only the signed note counts, and they must agree with it.
  const agrees =
    check.origin === cp.origin &&
    check.treeSize === cp.treeSize &&
    rootHex !== null &&
    check.rootHex === bytesToHex(rootHex);
  return (
    <>
      <div
        className={check.signed ? 'verdict verdict-valid' : 'verdict verdict-invalid'}
        data-testid="checkpoint-signature"
      >
        {check.signed ? 'signature verified in this browser' : 'signature INVALID'}
      </div>
      <dl className="facts" data-testid="checkpoint-facts">
        <dt>Origin</dt>
        <dd>
          <Mono value={check.origin} wrap />
        </dd>
        <dt>Tree size</dt>
        <dd data-testid="checkpoint-size">{check.treeSize ?? '—'}</dd>
        <dt>Root hash</dt>
        <dd>
          <Mono value={cp.rootHash} wrap />
        </dd>
        <dt>Signed by</dt>
        <dd>
          {check.signers.length === 0 ? (
            <span className="bad-text">no trusted log-signing key</span>
          ) : (
            check.signers.map((k) => <Mono key={k} value={k} wrap />)
          )}
        </dd>
        <dt>Signed at</dt>
        <dd>{formatTime(cp.signedAt)}</dd>
        <dt>Trust root</dt>
        <dd>
          {trust.version === null ? '' : `v${trust.version} `}
          <Badge value={trust.valid ? 'valid' : 'invalid'}>{trust.valid ? 'signed by root.pub' : 'INVALID'}</Badge>
        </dd>
      </dl>
      {!agrees && (
        <div className="row-mismatch" role="alert" data-testid="checkpoint-mismatch">
          The API&apos;s origin, size or root differ from the signed note; the note is what was signed.
        </div>
      )}
      {check.problems.length > 0 && (
        <ul className="reasons">
          {check.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      <pre className="b64" data-testid="checkpoint-note">
        {cp.note}
      </pre>
    </>
  );
}

function MonitorView({ reports }: { reports: readonly LogMonitorReport[] }) {
  const bad = reports.filter((r) => r.status === 'inconsistent');
  const lastOk = reports.find((r) => r.status === 'ok');
  return (
    <>
      {bad.length > 0 ? (
        <div className="banner banner-bad" role="alert" data-testid="monitor-status">
          INCONSISTENT: {bad.length} finding(s) among the latest {reports.length}, last {bad[0]?.code ?? ''} at{' '}
          {formatTime(bad[0]?.checkedAt)}
        </div>
      ) : (
        <div className="banner banner-ok" data-testid="monitor-status">
          Consistent: size {lastOk?.treeSize ?? 0} verified at {formatTime(lastOk?.checkedAt)}
        </div>
      )}
      <table className="grid" data-testid="monitor-reports">
        <thead>
          <tr>
            <th>Checked at</th>
            <th>Monitor</th>
            <th>Status</th>
            <th className="num">Tree size</th>
            <th>Code</th>
          </tr>
        </thead>
        <tbody>
          {reports.map((r, i) => (
            <tr key={`${r.monitor}-${r.checkedAt}-${i}`} className={r.status === 'ok' ? '' : 'row-critical'}>
              <td className="nowrap">{formatTime(r.checkedAt)}</td>
              <td>
                <Mono value={r.monitor} />
              </td>
              <td>
                <Badge value={r.status === 'ok' ? 'ok' : 'critical'}>{r.status}</Badge>
              </td>
              <td className="num">{r.treeSize}</td>
              <td>
                <Mono value={r.code} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function LogTab() {
  const api = useApi();
  const [trustLoad] = useLoad('trust-root', () => api.trustRoot());
  const trust = useMemo(() => (trustLoad.state === 'ok' ? verifyTrustRoot(trustLoad.data) : null), [trustLoad]);
  const [checkpoint, reloadCheckpoint, busyCheckpoint] = useLoad('log-checkpoint', () => api.client.log.checkpoint());
  const [monitor, reloadMonitor, busyMonitor] = useLoad('log-monitor', () => api.client.log.monitor(20));
  const [draft, setDraft] = useState('');
  const [asked, setAsked] = useState<{ executionId: string; generation: number } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const executionId = draft.trim();
    if (executionId === '') {
      setProblem('Enter an execution ID.');
      return;
    }
    setProblem(null);
    setAsked((prev) => ({ executionId, generation: (prev?.generation ?? 0) + 1 }));
  };

  return (
    <section aria-label="Transparency log">
      <div className="toolbar">
        <h2>Transparency log</h2>
        <RefreshControls
          busy={busyCheckpoint || busyMonitor}
          onRefresh={() => {
            reloadCheckpoint();
            reloadMonitor();
          }}
        />
      </div>
      <div className="health-grid">
        <div className="card" data-testid="log-checkpoint">
          <h3>Current checkpoint</h3>
          <p className="muted">
            The log writer&apos;s latest signed checkpoint (C2SP signed note), its Ed25519 signature checked here
            against the log-signing keys of the signed trust root (GET /trust-root).
          </p>
          {trustLoad.state === 'error' && <ErrorView error={trustLoad.error} />}
          {notFound(checkpoint, 'LOG-012') ? (
            <Empty>
              No checkpoint has been signed yet: is <span className="mono">parmana log writer</span> running?
            </Empty>
          ) : (
            <LoadView loaded={checkpoint} what="the checkpoint">
              {(cp) => (trust === null ? <Loading what="the trust root" /> : <CheckpointView cp={cp} trust={trust} />)}
            </LoadView>
          )}
        </div>
        <div className="card" data-testid="log-monitor">
          <h3>Monitor</h3>
          <p className="muted">
            What <span className="mono">parmana log monitor</span> found: each checkpoint signed, consistent with the
            last one it verified, and equal to the root it recomputes from the stored entries.
          </p>
          <LoadView
            loaded={monitor}
            what="monitor reports"
            audit
            isEmpty={(m) => m.items.length === 0}
            empty={
              <>
                No monitor has reported yet: is <span className="mono">parmana log monitor</span> running?
              </>
            }
          >
            {(m) => <MonitorView reports={m.items} />}
          </LoadView>
        </div>
      </div>
      <div className="card" data-testid="log-inclusion">
        <h3>Inclusion of a decision</h3>
        <form className="filters" onSubmit={submit} noValidate>
          <label>
            Execution ID
            <input
              name="executionId"
              value={draft}
              onChange={(e) => {
                setDraft(e.target.value);
              }}
            />
          </label>
          <button type="submit" className="primary">
            Verify inclusion
          </button>
        </form>
        <FormError message={problem} />
        {asked !== null &&
          (trust === null ? (
            <Loading what="the trust root" />
          ) : (
            <InclusionCheck executionId={asked.executionId} keys={trust.keys} generation={asked.generation} />
          ))}
      </div>
    </section>
  );
}
