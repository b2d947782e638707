import { PAYLOAD_TYPES, signCanonicalAsync } from '../../core/dsse/Envelope.js';
import type { SigningPort } from '../../core/crypto/SigningPort.js';
import { ParmanaError } from '../../core/errors/ParmanaError.js';
import { checkIds } from '../../core/request/validateExecutionRequest.js';
import type { OverrideResolution } from '../replay/RedisReplayStore.js';
import type { OverrideCommand } from '../../shared/records/OverrideCommand.js';
import { recordTimeIso, sourceOf, type InboundRecord, type OutboundMessage } from './records.js';

export type { OverrideCommand };

export interface OverrideStore {
  resolveOverride(executionId: string, commandId: string, approved: boolean): Promise<OverrideResolution>;
}

const ROLES = new Set(['approver', 'admin']);

function malformed(c: OverrideCommand): ParmanaError | undefined {
  const ids = checkIds({ executionId: c.executionId, policyId: 'x', policyVersion: '0.0.0' });
  if (ids !== undefined) return ids;
  if (c.commandId.trim() === '' || c.commandId.length > 128)
    return new ParmanaError('INV-019', { path: '$.commandId' });
  if (c.approvedBy.trim() === '') return new ParmanaError('INV-019', { path: '$.approvedBy' });
  if (!ROLES.has(c.approverRole))
    return new ParmanaError('INV-019', { path: '$.approverRole', detail: 'approver or admin' });
  if (c.reason.trim() === '') return new ParmanaError('INV-019', { path: '$.reason', detail: 'a reason is required' });
  return undefined;
}

/**
 * Resolves override commands against the replay store: a pending execution moves to OVERRIDDEN (approved) or
 * OVERRIDE_REJECTED, and the worker signs the override record. Nothing pending: not_found (404 semantics); already
 * resolved by another command: already_resolved (409). Re-processing the same command after a crash resumes and
 * re-emits the identical signed result (decidedAt is the command record's timestamp, not the clock).
 */
export class OverrideDecider {
  constructor(
    private readonly store: OverrideStore,
    private readonly signer: SigningPort,
    private readonly overridesTopic: string,
  ) {}

  async decide(record: InboundRecord, command: OverrideCommand): Promise<OutboundMessage> {
    const decidedAt = recordTimeIso(record);
    const base = {
      commandId: command.commandId,
      executionId: command.executionId,
      approved: command.approved,
      approvedBy: command.approvedBy,
      approverRole: command.approverRole,
      reason: command.reason,
      decidedAt,
    };
    const refused = (status: string, error: ParmanaError): OutboundMessage => ({
      topic: this.overridesTopic,
      key: command.executionId,
      value: {
        command: null,
        result: {
          ...base,
          status,
          code: error.code,
          payloadType: null,
          payload: null,
          signature: null,
          signerKeyId: null,
        },
      },
    });
    const bad = malformed(command);
    if (bad !== undefined) return refused('invalid', bad);
    const resolution = await this.store.resolveOverride(command.executionId, command.commandId, command.approved);
    if (resolution.result === 'not_found') return refused('not_found', new ParmanaError('INV-018'));
    if (resolution.result === 'already_resolved')
      return refused('already_resolved', new ParmanaError('INV-017', { detail: resolution.state }));
    const decided = JSON.parse(resolution.data === '' ? '{}' : resolution.data) as Record<string, unknown>;
    const status = resolution.state === 'OVERRIDDEN' ? 'approved' : 'rejected';
    const body = {
      overrideVersion: '1',
      ...base,
      requestedAt: command.requestedAt,
      status,
      executionState: resolution.state === 'OVERRIDDEN' ? 'overridden' : 'override_rejected',
      execution_fingerprint: resolution.fingerprint,
      original: decided,
      signerKeyId: this.signer.keyId,
      provenance: { topic: record.topic, partition: record.partition, offset: record.offset, source: sourceOf(record) },
    };
    const signed = await signCanonicalAsync(PAYLOAD_TYPES.override, body, this.signer);
    return {
      topic: this.overridesTopic,
      key: command.executionId,
      value: {
        command: null,
        result: {
          ...base,
          status,
          code: null,
          payloadType: PAYLOAD_TYPES.override,
          payload: signed.payload,
          signature: signed.signature.toString('base64'),
          signerKeyId: signed.keyId,
        },
      },
    };
  }
}
