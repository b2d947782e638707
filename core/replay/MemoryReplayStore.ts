import { isParmanaError } from '../errors/ParmanaError.js';
import {
  replayTransition,
  resolveOverrideOutcome,
  type ReplayEntry,
  type ReplayEvent,
  type ReplayTtl,
} from './replayTransition.js';

export interface ReplayTtlsMs {
  readonly reservationMs: number;
  readonly failedMs: number;
  readonly terminalRetentionMs: number;
}

export type ReserveOutcome =
  { result: 'reserved' } | { result: 'resumed' | 'replay'; state: string; fingerprint: string };

/** One-method view shared by the stores: apply an event to an executionId. */
export interface ReplayStore {
  apply(executionId: string, event: ReplayEvent): Promise<{ outcome: string; state: string }>;
}

/**
 * In-memory replay store for tests and embedded use: the pure transition function plus TTLs on an injected clock
 * (core never reads the clock itself).
 */
export class MemoryReplayStore implements ReplayStore {
  private readonly entries = new Map<string, { entry: ReplayEntry; expiresAt: number | undefined }>();

  constructor(
    private readonly ttls: ReplayTtlsMs,
    private readonly now: () => number,
  ) {}

  private get(executionId: string): { entry: ReplayEntry; expiresAt: number | undefined } | undefined {
    const found = this.entries.get(executionId);
    if (found?.expiresAt !== undefined && found.expiresAt <= this.now()) {
      this.entries.delete(executionId);
      return undefined;
    }
    return found;
  }

  private expiry(ttl: ReplayTtl, previous: number | undefined): number | undefined {
    if (ttl === 'unchanged') return previous;
    if (ttl === 'persist') return undefined;
    const ms =
      ttl === 'reservation'
        ? this.ttls.reservationMs
        : ttl === 'failed'
          ? this.ttls.failedMs
          : this.ttls.terminalRetentionMs;
    return this.now() + ms;
  }

  /** Applies one event; throws the coded error of an illegal transition. */
  // async so that an illegal transition is a rejected promise, like the Redis store's, never a synchronous throw.
  // eslint-disable-next-line @typescript-eslint/require-await
  async apply(executionId: string, event: ReplayEvent): Promise<{ outcome: string; state: string }> {
    const current = this.get(executionId);
    const t = replayTransition(current?.entry, event);
    this.entries.set(executionId, { entry: t.next, expiresAt: this.expiry(t.ttl, current?.expiresAt) });
    return { outcome: t.outcome, state: t.next.state };
  }

  /** The worker-facing reserve: a replay is a result, not an exception (it becomes a signed INV-013 rejection). */
  async reserve(executionId: string, fingerprint: string, source: string): Promise<ReserveOutcome> {
    const current = this.get(executionId)?.entry;
    try {
      const r = await this.apply(executionId, { type: 'reserve', fingerprint, source });
      return r.outcome === 'reserved'
        ? { result: 'reserved' }
        : { result: 'resumed', state: r.state, fingerprint: current?.fingerprint ?? fingerprint };
    } catch (err) {
      if (isParmanaError(err) && err.code === 'INV-013' && current !== undefined) {
        return { result: 'replay', state: current.state, fingerprint: current.fingerprint };
      }
      throw err;
    }
  }

  async resolveOverride(
    executionId: string,
    commandId: string,
    approved: boolean,
  ): Promise<{ result: string; state: string }> {
    const current = this.get(executionId)?.entry;
    try {
      const r = await this.apply(executionId, { type: 'resolveOverride', commandId, approved });
      return { result: r.outcome, state: r.state };
    } catch (err) {
      if (isParmanaError(err) && err.code === 'INV-015')
        return { result: resolveOverrideOutcome(current), state: current?.state ?? '' };
      throw err;
    }
  }

  state(executionId: string): string | undefined {
    return this.get(executionId)?.entry.state;
  }
}
