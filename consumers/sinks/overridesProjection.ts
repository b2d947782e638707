import { verifySigned } from '../../core/dsse/verifySigned.js';
import { sha256Hex } from '../../core/hash/sha256.js';
import type { TrustRoot } from '../../core/trust/TrustRoot.js';
import type { OverrideCommand } from '../../shared/records/OverrideCommand.js';
import type { OverrideResult } from '../../shared/records/OverrideResult.js';
import type { Projection, Row } from './Projection.js';
import { SECURITY_EVENT_COLUMNS } from './securityEventsProjection.js';
import { stageAndInsert } from './stageAndInsert.js';

const COLUMNS = [
  'source_topic',
  'source_partition',
  'source_offset',
  'kind',
  'command_id',
  'execution_id',
  'status',
  'code',
  'approved',
  'approved_by',
  'approver_role',
  'reason',
  'at',
  'payload_type',
  'payload',
  'signature',
  'signer_key_id',
] as const;

/** overrides -> audit_overrides. Signed results are verified first; a bad signature becomes a signature_failure. */
export function overridesProjection(topic: string, trustRoot: () => TrustRoot): Projection {
  return {
    name: 'overrides',
    topic,
    async write(client, records) {
      const rows: Row[] = [];
      const events: Row[] = [];
      for (const { source, value } of records) {
        const m = value as { command: OverrideCommand | null; result: OverrideResult | null };
        const at = [source.topic, source.partition, source.offset] as const;
        if (m.command !== null) {
          const c = m.command;
          rows.push([
            ...at,
            'command',
            c.commandId,
            c.executionId,
            null,
            null,
            c.approved,
            c.approvedBy,
            c.approverRole,
            c.reason,
            c.requestedAt,
            null,
            null,
            null,
            null,
          ]);
          continue;
        }
        const r = m.result;
        if (r === null) continue;
        if (r.payload !== null && r.payloadType !== null && r.signature !== null && r.signerKeyId !== null) {
          const check = verifySigned(
            r.payloadType,
            r.payload,
            r.signature,
            r.signerKeyId,
            trustRoot(),
            'attestation-signing',
            r.decidedAt,
          );
          if (!check.valid) {
            events.push([
              sha256Hex(`signature_failure:${sha256Hex(r.payload)}:${r.signature}:${r.signerKeyId}`),
              'signature_failure',
              'critical',
              r.executionId,
              'sink:overrides',
              check.problems[0] ?? 'ATT-005',
              JSON.stringify({ problems: check.problems, commandId: r.commandId }),
              new Date().toISOString(),
            ]);
            continue;
          }
        }
        rows.push([
          ...at,
          'result',
          r.commandId,
          r.executionId,
          r.status,
          r.code,
          r.approved,
          r.approvedBy,
          r.approverRole,
          r.reason,
          r.decidedAt,
          r.payloadType,
          r.payload,
          r.signature,
          r.signerKeyId,
        ]);
      }
      await stageAndInsert(client, 'audit_security_events', SECURITY_EVENT_COLUMNS, events);
      return stageAndInsert(client, 'audit_overrides', COLUMNS, rows);
    },
  };
}
