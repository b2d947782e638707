import type { Pool } from 'pg';
import type { LogReader } from '../../api/ports.js';
import type { AttestationBody } from '../../core/attestation/AttestationBody.js';
import {
  differingFields,
  rederiveAttestationBody,
  type RederivePolicy,
} from '../../core/attestation/rederiveAttestationBody.js';
import { parseJsonStrict } from '../../core/canonical/parseJsonStrict.js';
import { isParmanaError } from '../../core/errors/ParmanaError.js';
import { parseLogEntry } from '../../core/log/logEntry.js';

export interface RederiveSummary {
  readonly checked: number;
  readonly matched: number;
  readonly mismatched: number;
  /** Rejections and override records: outcomes of replay state or human approval, not of the policy alone. */
  readonly skipped: number;
}

export interface RederiveOptions {
  readonly reader: LogReader;
  readonly pool: Pool;
  /** The bundle a decision names; throws (BND/POL codes) when it cannot be loaded and verified. */
  readonly policy: (policyId: string, policyVersion: string) => RederivePolicy;
  readonly from: number;
  readonly to: number;
  /** One coded line per mismatch. */
  readonly print: (line: string) => void;
  readonly chunk?: number;
}

interface RequestDb {
  policy_id: string;
  policy_version: string;
  signals: string;
  requested_at: string;
}

/**
 * Takes each logged decision in [from, to), its stored request and the bundle named by its bundleHash, decides it
 * again and compares the rebuilt attestation body with the logged bytes, byte for byte.
 */
export async function rederive(o: RederiveOptions): Promise<RederiveSummary> {
  let checked = 0;
  let matched = 0;
  let skipped = 0;
  const chunk = o.chunk ?? 1000;
  for (let at = o.from; at < o.to; at += chunk) {
    for (const row of await o.reader.entries(at, Math.min(chunk, o.to - at))) {
      if (row.kind !== 'attestation') {
        skipped++;
        continue;
      }
      checked++;
      const where = `${row.leafIndex} ${row.executionId}`;
      const payload = Buffer.from(parseLogEntry(row.entry).payload, 'base64');
      const logged = parseJsonStrict(payload.toString('utf8')) as AttestationBody;
      const p = logged.provenance;
      const request =
        p === undefined
          ? undefined
          : (
              await o.pool.query<RequestDb>(
                `SELECT policy_id, policy_version, signals, requested_at FROM audit_requests
                 WHERE execution_id = $1 AND source_topic = $2 AND source_partition = $3 AND source_offset = $4`,
                [logged.executionId, p.topic, p.partition, p.offset],
              )
            ).rows[0];
      if (request === undefined || p === undefined) {
        o.print(
          `LOG-020 ${where}: no stored request at ${p === undefined ? '(no provenance)' : `${p.topic}:${p.partition}:${p.offset}`}`,
        );
        continue;
      }
      let policy: RederivePolicy;
      try {
        policy = o.policy(request.policy_id, request.policy_version);
      } catch (err) {
        o.print(
          `LOG-021 ${where}: ${request.policy_id}@${request.policy_version}: ${err instanceof Error ? err.message : String(err)}`,
        );
        continue;
      }
      if (policy.bundleHash !== logged.bundleHash) {
        o.print(`LOG-021 ${where}: logged bundleHash ${logged.bundleHash}, available bundle ${policy.bundleHash}`);
        continue;
      }
      let rebuilt: Buffer;
      try {
        rebuilt = rederiveAttestationBody(
          {
            executionId: row.executionId,
            policyId: request.policy_id,
            policyVersion: request.policy_version,
            signals: request.signals,
            requestedAt: request.requested_at,
            provenance: p,
          },
          policy,
          logged,
        );
      } catch (err) {
        if (!isParmanaError(err)) throw err;
        o.print(`${err.code} ${where}: ${err.message}`);
        continue;
      }
      if (rebuilt.equals(payload)) {
        matched++;
        continue;
      }
      const fields = differingFields(logged, parseJsonStrict(rebuilt.toString('utf8')) as AttestationBody);
      o.print(`LOG-022 ${where}: differs in ${fields.join(', ') || 'encoding'}`);
    }
  }
  return { checked, matched, mismatched: checked - matched, skipped };
}
