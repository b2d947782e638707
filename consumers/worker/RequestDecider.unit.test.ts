import { describe, expect, it } from 'vitest';
import { ParmanaError } from '../../core/errors/ParmanaError.js';
import { MemoryReplayStore } from '../../core/replay/MemoryReplayStore.js';
import { SEED_1, signerFromSeed } from '../../test/fixtures/testTrust.js';
import type { LedgerItem, LedgerVerdict, ReplayLedger } from '../replay/ReplayLedger.js';
import { OutcomeSigner } from './OutcomeSigner.js';
import type { ResolvedPolicy } from './ports.js';
import type { InboundRecord, OutboundMessage } from './records.js';
import { RequestDecider, type ReplayBatchStore } from './RequestDecider.js';

const TOPICS = { attestations: 'att', rejections: 'rej', securityEvents: 'sec', deadLetter: 'dlq' };

const POLICY: ResolvedPolicy = {
  policyId: 'p',
  policyVersion: '1.0.0',
  schemaVersion: '1.0.0',
  bundleHash: 'b'.repeat(64),
  validate: (signals) => ({ ok: true, signals: signals as Record<string, unknown> }),
  evaluate: () => ({ action: 'approve', requires_override: false, reason: 'ok', ruleId: 'r1' }),
};

/** The batch API over the in-memory state machine (the same transitions as the Redis scripts). */
function batchStore(memory: MemoryReplayStore): ReplayBatchStore {
  return {
    reserveBatch: (items) => Promise.all(items.map((i) => memory.reserve(i.executionId, i.fingerprint, i.source))),
    completeBatch: (items) =>
      Promise.all(
        items.map(async (i) => {
          const r = await memory.apply(i.executionId, {
            type: 'complete',
            source: i.source,
            finalState: i.finalState,
            data: i.data,
          });
          return r.state;
        }),
      ),
    failBatch: async (items) => {
      for (const i of items) await memory.apply(i.executionId, { type: 'fail', source: i.source });
    },
  };
}

/** The ledger's contract in memory: the first claim of an id wins; its own claim again is claimed. */
class MemoryLedger implements ReplayLedger {
  readonly rows = new Map<string, LedgerItem>();
  calls = 0;
  down = false;

  claim(items: readonly LedgerItem[]): Promise<LedgerVerdict[]> {
    this.calls += 1;
    if (this.down) return Promise.reject(new ParmanaError('INV-023', { detail: 'test: down' }));
    return Promise.resolve(
      items.map((item): LedgerVerdict => {
        const row = this.rows.get(item.executionId);
        if (row === undefined) this.rows.set(item.executionId, item);
        if (row === undefined || row.claim === item.claim) return { result: 'claimed' };
        return { result: 'taken', fingerprint: row.fingerprint, claim: row.claim };
      }),
    );
  }
}

const record = (offset: number, executionId: string): { source: InboundRecord; request: never } => ({
  source: { topic: 'req', partition: 0, offset: String(offset), timestamp: '1767225600000', key: null, value: null },
  request: {
    executionId,
    policyId: 'p',
    policyVersion: '1.0.0',
    signals: '{"amount":1}',
    requestedAt: '2026-01-01T00:00:00Z',
    requestedBy: null,
    traceparent: null,
  } as never,
});

function decider(memory: MemoryReplayStore, ledger: ReplayLedger): RequestDecider {
  return new RequestDecider({
    policies: { resolve: () => POLICY },
    replay: batchStore(memory),
    ledger,
    signer: new OutcomeSigner(signerFromSeed(SEED_1), {
      trustRootVersion: 1,
      releaseManifestHash: 'c'.repeat(64),
      runtimeVersion: 'test',
    }),
    topics: TOPICS,
    validateEnvelope: () => undefined,
    maxRequestBytes: 10_000,
  });
}

const TTLS = { reservationMs: 1_000, failedMs: 1_000, terminalRetentionMs: 60_000 };
const on = (out: readonly OutboundMessage[], topic: string): OutboundMessage[] => out.filter((m) => m.topic === topic);
const field = (m: OutboundMessage | undefined, name: string): unknown => (m?.value as Record<string, unknown>)[name];

describe('RequestDecider with the replay ledger', () => {
  it('refuses an id Redis forgot (INV-013, tier ledger) and releases its own reservation', async () => {
    const ledger = new MemoryLedger();
    const first = await decider(new MemoryReplayStore(TTLS, () => 0), ledger).decide([record(1, 'e1')]);
    expect(on(first, 'att')).toHaveLength(1);

    // A new Redis (expired, flushed, lost): only the ledger remembers e1.
    const forgetful = new MemoryReplayStore(TTLS, () => 0);
    const again = await decider(forgetful, ledger).decide([record(2, 'e1')]);
    expect(on(again, 'att')).toHaveLength(0);
    expect(field(on(again, 'rej')[0], 'code')).toBe('INV-013');
    const event = on(again, 'sec')[0];
    expect(field(event, 'eventType')).toBe('replay_attempt');
    expect(JSON.parse(String(field(event, 'detail')))).toMatchObject({ state: 'DECIDED', tier: 'ledger' });
    expect(forgetful.state('e1')).toBe('FAILED');
  });

  it('re-emits the byte-identical attestation when the same record is re-run after Redis lost its entry', async () => {
    const ledger = new MemoryLedger();
    const first = await decider(new MemoryReplayStore(TTLS, () => 0), ledger).decide([record(7, 'e2')]);
    const rerun = await decider(new MemoryReplayStore(TTLS, () => 0), ledger).decide([record(7, 'e2')]);
    expect(on(rerun, 'att')).toHaveLength(1);
    expect(field(on(rerun, 'att')[0], 'signature')).toBe(field(on(first, 'att')[0], 'signature'));
    expect(ledger.rows.get('e2')?.claim).toBe('req:0:7@1767225600000');
  });

  it('answers a duplicate Redis holds without asking the ledger', async () => {
    const ledger = new MemoryLedger();
    const memory = new MemoryReplayStore(TTLS, () => 0);
    await decider(memory, ledger).decide([record(1, 'e3')]);
    const calls = ledger.calls;
    const dup = await decider(memory, ledger).decide([record(2, 'e3')]);
    expect(field(on(dup, 'rej')[0], 'code')).toBe('INV-013');
    expect(ledger.calls).toBe(calls);
  });

  it('signs nothing and completes nothing while the ledger is down (retriable INV-023)', async () => {
    const ledger = new MemoryLedger();
    ledger.down = true;
    const memory = new MemoryReplayStore(TTLS, () => 0);
    const d = decider(memory, ledger);
    await expect(d.decide([record(3, 'e4')])).rejects.toMatchObject({ code: 'INV-023', retriable: true });
    expect(memory.state('e4')).toBe('RESERVED');
    ledger.down = false;
    // The retry of the same record resumes its reservation and decides it once.
    const out = await d.decide([record(3, 'e4')]);
    expect(on(out, 'att')).toHaveLength(1);
    expect(memory.state('e4')).toBe('CONFIRMED');
  });
});
