import { useMemo, useState } from 'react';
import { useApi } from '../lib/api.js';
import { useLoad } from '../lib/useLoad.js';
import { Badge, Mono } from '../ui/bits.js';
import { orderedChecks } from '../ui/checks.js';
import { formatTime, prettyJson } from '../ui/format.js';
import { InclusionCheck } from '../ui/InclusionCheck.js';
import { OverrideResolutionCells } from '../ui/OverrideResolutionCells.js';
import { ErrorView, Loading } from '../ui/Status.js';
import { compareWithRow, type RowMismatch } from '../verify/compareWithRow.js';
import { verifyTrustRoot, type TrustRootCheck } from '../verify/trustRoot.js';
import { verifyAttestationInBrowser, type BrowserVerification } from '../verify/verifyAttestation.js';

type Checks = Readonly<Record<string, string>>;
type Reasons = readonly { readonly code: string; readonly message: string }[];

function Verdict({ valid, testId }: { valid: boolean; testId: string }) {
  return (
    <div className={valid ? 'verdict verdict-valid' : 'verdict verdict-invalid'} data-testid={testId}>
      {valid ? 'VALID' : 'INVALID'}
    </div>
  );
}

function ChecksTable({ checks, reasons }: { checks: Checks; reasons: Reasons }) {
  return (
    <>
      <table className="grid checks">
        <tbody>
          {orderedChecks(checks).map(([name, result]) => (
            <tr key={name}>
              <td className="mono">{name}</td>
              <td>
                <Badge value={result} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {reasons.length > 0 && (
        <ul className="reasons">
          {reasons.map((r, i) => (
            <li key={`${r.code}-${i}`}>
              <span className="mono">{r.code}</span> {r.message}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** 64 hex digits in groups of four, so a person can compare it with the expected fingerprint. */
function Fingerprint({ hex }: { hex: string }) {
  return <span className="mono fingerprint">{hex.replace(/(.{4})(?!$)/g, '$1 ')}</span>;
}

function TrustRootSummary({ trust }: { trust: TrustRootCheck }) {
  return (
    <div className="trust-root" data-testid="trust-root">
      <div>
        Trust root {trust.version === null ? '' : `v${trust.version} `}signature by root.pub:{' '}
        <Badge value={trust.valid ? 'valid' : 'invalid'}>{trust.valid ? 'valid' : 'INVALID'}</Badge>
      </div>
      <div>
        Root key fingerprint (SHA-256):{' '}
        {trust.rootFingerprint === null ? (
          <span className="muted">unreadable</span>
        ) : (
          <Fingerprint hex={trust.rootFingerprint} />
        )}
      </div>
      {trust.problems.length > 0 && (
        <ul className="reasons">
          {trust.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The decision's inclusion proof in the transparency log, fetched and verified in the browser on demand. */
function LogInclusion({ executionId, trust }: { executionId: string; trust: TrustRootCheck | null }) {
  const [open, setOpen] = useState(false);
  return (
    <div className="card" data-testid="decision-inclusion">
      <h3>Transparency log</h3>
      {!open ? (
        <button
          type="button"
          onClick={() => {
            setOpen(true);
          }}
        >
          Verify inclusion in the log
        </button>
      ) : trust === null ? (
        <Loading what="the trust root" />
      ) : (
        <InclusionCheck executionId={executionId} keys={trust.keys} />
      )}
    </div>
  );
}

function RowComparison({ mismatches }: { mismatches: readonly RowMismatch[] }) {
  if (mismatches.length === 0) {
    return (
      <div className="row-match" data-testid="row-comparison">
        The audit row agrees with the signed payload.
      </div>
    );
  }
  return (
    <div className="row-mismatch" role="alert" data-testid="row-comparison">
      <strong>The audit row differs from the signed payload:</strong>
      <ul>
        {mismatches.map((m) => (
          <li key={m.field}>
            <span className="mono">{m.field}</span>: row <span className="mono">{m.row}</span>, signed{' '}
            <span className="mono">{m.signed}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function BrowserCard({
  result,
  trust,
  mismatches,
}: {
  result: BrowserVerification;
  trust: TrustRootCheck;
  mismatches: readonly RowMismatch[];
}) {
  return (
    <>
      <Verdict valid={result.valid} testId="browser-verdict" />
      <TrustRootSummary trust={trust} />
      <ChecksTable checks={result.checks} reasons={result.reasons} />
      <RowComparison mismatches={mismatches} />
    </>
  );
}

export function DecisionDetailView({ executionId, onBack }: { executionId: string; onBack: () => void }) {
  const api = useApi();
  const [detail] = useLoad(executionId, () => api.client.audit.decision(executionId));
  const [trustLoad] = useLoad('trust-root', () => api.trustRoot());
  const trust = useMemo(() => (trustLoad.state === 'ok' ? verifyTrustRoot(trustLoad.data) : null), [trustLoad]);
  const browser = useMemo(
    () => (detail.state === 'ok' && trust !== null ? verifyAttestationInBrowser(detail.data.attestation, trust) : null),
    [detail, trust],
  );

  return (
    <section aria-label="Decision detail" className="detail">
      <div className="detail-head">
        <button type="button" onClick={onBack}>
          ← Back to decisions
        </button>
        <h2>
          Decision <span className="mono wrap">{executionId}</span>
        </h2>
      </div>
      {detail.state === 'loading' && <Loading what="the decision" />}
      {detail.state === 'error' && <ErrorView error={detail.error} audit />}
      {detail.state === 'ok' && (
        <>
          <dl className="facts">
            <dt>Policy</dt>
            <dd>
              <Mono value={`${detail.data.decision.policyId}@${detail.data.decision.policyVersion}`} wrap />
            </dd>
            <dt>Action</dt>
            <dd>
              <Badge value={detail.data.decision.action} />
            </dd>
            <dt>State</dt>
            <dd>
              <Badge value={detail.data.decision.execution_state} />
            </dd>
            <dt>Rule</dt>
            <dd>
              <Mono value={detail.data.decision.ruleId} wrap />
            </dd>
            <dt>Requested at</dt>
            <dd>{formatTime(detail.data.decision.requestedAt)}</dd>
            <dt>Recorded at</dt>
            <dd>{formatTime(detail.data.decision.recordedAt)}</dd>
            <dt>Fingerprint</dt>
            <dd>
              <Mono value={detail.data.decision.executionFingerprint} wrap />
            </dd>
            <dt>Signer key</dt>
            <dd>
              <Mono value={detail.data.decision.signerKeyId} wrap />
            </dd>
          </dl>

          <div className="verify-grid">
            <div className="card" data-testid="server-verification">
              <h3>Server verification</h3>
              <p className="muted">Redone by the API when this page was read.</p>
              <Verdict valid={detail.data.verification.valid} testId="server-verdict" />
              <ChecksTable checks={detail.data.verification.checks} reasons={detail.data.verification.reasons} />
            </div>
            <div className="card" data-testid="browser-verification">
              <h3>Browser verification</h3>
              <p className="muted">
                Done in this browser with @noble/ed25519 against the signed trust root (GET /trust-root), not the
                server&apos;s word.
              </p>
              {trustLoad.state === 'loading' && <Loading what="the trust root" />}
              {trustLoad.state === 'error' && <ErrorView error={trustLoad.error} />}
              {browser !== null && trust !== null && (
                <BrowserCard
                  result={browser}
                  trust={trust}
                  mismatches={compareWithRow(browser.payload, detail.data.decision)}
                />
              )}
            </div>
          </div>

          <LogInclusion executionId={executionId} trust={trust} />

          <h3>Signed attestation</h3>
          <div className="attestation-grid">
            <div>
              <h4>Decoded payload</h4>
              <pre className="json" data-testid="payload-json">
                {browser === null
                  ? 'decoding…'
                  : browser.payload !== null
                    ? prettyJson(browser.payload)
                    : (browser.payloadText ?? '(the payload is not valid base64 UTF-8)')}
              </pre>
            </div>
            <div>
              <h4>Envelope</h4>
              <dl className="facts envelope">
                <dt>payloadType</dt>
                <dd>
                  <Mono value={detail.data.attestation.payloadType} wrap />
                </dd>
                {detail.data.attestation.signatures.map((s, i) => (
                  <div key={`${s.keyid}-${i}`} className="sig-entry">
                    <dt>keyid</dt>
                    <dd>
                      <Mono value={s.keyid} wrap />
                    </dd>
                    <dt>sig</dt>
                    <dd>
                      <Mono value={s.sig} wrap />
                    </dd>
                  </div>
                ))}
                <dt>payload</dt>
                <dd>
                  <pre className="b64">{detail.data.attestation.payload}</pre>
                </dd>
              </dl>
            </div>
          </div>

          {detail.data.overrides.length > 0 && (
            <>
              <h3>Overrides</h3>
              <table className="grid">
                <thead>
                  <tr>
                    <th>Status</th>
                    <th>By</th>
                    <th>Role</th>
                    <th>Reason</th>
                    <th>At</th>
                  </tr>
                </thead>
                <tbody>
                  {detail.data.overrides.map((o, i) => (
                    <tr key={`${o.status}-${i}`}>
                      <OverrideResolutionCells row={o} />
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </>
      )}
    </section>
  );
}
