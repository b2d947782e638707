import type { OverrideCommand } from '../../shared/records/OverrideCommand.js';
import type { OverrideResult } from '../../shared/records/OverrideResult.js';
import type { Projection, Row, VerifiedValue } from './Projection.js';
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

/**
 * overrides -> audit_overrides: commands (unsigned, from the API) and results, inside the log writer's append
 * transaction; a signed result reaches it only once it verified.
 */
export function overridesProjection(topic: string): Projection<VerifiedValue> {
  return {
    name: 'overrides',
    topic,
    async write(client, records) {
      const rows: Row[] = [];
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
      return stageAndInsert(client, 'audit_overrides', COLUMNS, rows);
    },
  };
}
