import type { TrustRoot } from '../../core/trust/TrustRoot.js';
import type { OverrideCommand } from '../../shared/records/OverrideCommand.js';
import type { OverrideResult } from '../../shared/records/OverrideResult.js';
import type { Projection, Row } from './Projection.js';
import { verifyOutcome } from '../verify/verifyOutcome.js';
import { SECURITY_EVENT_COLUMNS } from './securityEventsProjection.js';
import { signatureFailureRow } from './signatureFailureRow.js';
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
          const signed = {
            kind: 'override' as const,
            executionId: r.executionId,
            at: r.decidedAt,
            payloadType: r.payloadType,
            payload: r.payload,
            signature: r.signature,
            signerKeyId: r.signerKeyId,
          };
          const check = verifyOutcome(signed, trustRoot());
          if (!check.valid) {
            events.push(
              signatureFailureRow(
                'overrides',
                signed,
                check.problems[0] ?? 'ATT-005',
                { problems: check.problems, commandId: r.commandId },
                new Date().toISOString(),
              ),
            );
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
