import { useMemo } from 'react';
import { useApi } from '../lib/api.js';
import { useLoad } from '../lib/useLoad.js';
import type { BrowserTrustedKey } from '../verify/trustRoot.js';
import { verifyInclusionInBrowser } from '../verify/verifyInclusionInBrowser.js';
import { Badge, Mono } from './bits.js';
import { ErrorView, Loading } from './Status.js';

/**
 * One execution's inclusion proof (GET /log/proof/inclusion, under the latest signed checkpoint), verified in this
 * browser: the checkpoint's signature against the signed trust root's log-signing keys, and the RFC 9162 path from
 * the leaf of the logged envelope to the signed root.
 */
export function InclusionCheck({
  executionId,
  keys,
  generation = 0,
}: {
  executionId: string;
  keys: readonly BrowserTrustedKey[];
  generation?: number;
}) {
  const { client } = useApi();
  const [proof] = useLoad(`${executionId}\u0000${generation}`, () => client.log.inclusionProof({ executionId }));
  const check = useMemo(
    () => (proof.state === 'ok' ? verifyInclusionInBrowser(proof.data, keys) : null),
    [proof, keys],
  );
  if (proof.state === 'loading') return <Loading what="the inclusion proof" />;
  if (proof.state === 'error') return <ErrorView error={proof.error} />;
  if (proof.state !== 'ok' || check === null) return null;
  const p = proof.data;
  return (
    <div data-testid="inclusion-check">
      <div
        className={check.valid ? 'verdict verdict-valid' : 'verdict verdict-invalid'}
        data-testid="inclusion-verdict"
      >
        {check.valid ? 'inclusion proof verified' : 'inclusion proof INVALID'}
      </div>
      <dl className="facts">
        <dt>Entry</dt>
        <dd>
          #{p.leafIndex} ({p.kind}) of {p.treeSize}
        </dd>
        <dt>Leaf hash</dt>
        <dd>
          <Mono value={p.leafHash} wrap />
        </dd>
        <dt>Proof</dt>
        <dd>{p.hashes.length} hashes (RFC 9162 audit path)</dd>
        <dt>Checkpoint signature (trust root log key)</dt>
        <dd>
          <Badge value={check.checkpointSigned ? 'valid' : 'invalid'}>
            {check.checkpointSigned ? 'verified' : 'NOT VERIFIED'}
          </Badge>
        </dd>
        <dt>Signed root (hex)</dt>
        <dd>
          <Mono value={check.rootHex} wrap />
        </dd>
      </dl>
      {check.problems.length > 0 && (
        <ul className="reasons" data-testid="inclusion-problems">
          {check.problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
