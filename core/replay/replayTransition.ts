import { ParmanaError } from '../errors/ParmanaError.js';

/** States of one executionId. EXPIRED is the absence of an entry (its TTL ran out, or it was never seen). */
export type ReplayState =
  'RESERVED' | 'EXECUTING' | 'CONFIRMED' | 'PENDING_OVERRIDE' | 'OVERRIDDEN' | 'OVERRIDE_REJECTED' | 'FAILED';

export interface ReplayEntry {
  readonly state: ReplayState;
  readonly fingerprint: string;
  /** The source record ("topic:partition:offset") that owns the entry. */
  readonly source: string;
  readonly commandId?: string;
  readonly data?: string;
}

export type ReplayEvent =
  | { readonly type: 'reserve'; readonly fingerprint: string; readonly source: string }
  | { readonly type: 'execute'; readonly source: string }
  | {
      readonly type: 'complete';
      readonly source: string;
      readonly finalState: 'CONFIRMED' | 'PENDING_OVERRIDE';
      readonly data: string;
    }
  | { readonly type: 'fail'; readonly source: string }
  | { readonly type: 'resolveOverride'; readonly commandId: string; readonly approved: boolean };

/** Which expiry the store applies to the new entry. `persist`: never expires (a pending override waits). */
export type ReplayTtl = 'reservation' | 'failed' | 'retention' | 'persist' | 'unchanged';

export interface ReplayTransition {
  readonly outcome: 'reserved' | 'resumed' | 'executing' | 'completed' | 'already' | 'failed' | 'resolved';
  readonly next: ReplayEntry;
  readonly ttl: ReplayTtl;
}

const TERMINAL: readonly ReplayState[] = ['CONFIRMED', 'OVERRIDDEN', 'OVERRIDE_REJECTED'];

/**
 * The replay state machine as a pure function; every store (Redis Lua scripts, MemoryReplayStore) implements exactly
 * this. A request for an executionId that another record already holds is a replay (INV-013); other illegal
 * transitions are INV-014..INV-016. Override resolution that finds nothing pending is reported by the caller
 * (not_found / already_resolved), see `resolveOverrideOutcome`.
 */
export function replayTransition(current: ReplayEntry | undefined, event: ReplayEvent): ReplayTransition {
  switch (event.type) {
    case 'reserve':
      if (current === undefined || current.state === 'FAILED') {
        return {
          outcome: 'reserved',
          next: { state: 'RESERVED', fingerprint: event.fingerprint, source: event.source },
          ttl: 'reservation',
        };
      }
      if (current.source === event.source) return { outcome: 'resumed', next: current, ttl: 'unchanged' };
      throw new ParmanaError('INV-013', {
        path: '$.executionId',
        detail: `state ${current.state}${current.fingerprint === event.fingerprint ? ', same fingerprint' : ', different fingerprint'}`,
      });
    case 'execute':
    case 'complete':
    case 'fail': {
      if (current === undefined) throw new ParmanaError('INV-016', { detail: event.type });
      if (current.source !== event.source)
        throw new ParmanaError('INV-014', { detail: `${event.type} by ${event.source}` });
      if (event.type === 'complete' && current.state === event.finalState)
        return { outcome: 'already', next: current, ttl: 'unchanged' };
      if (current.state !== 'RESERVED' && current.state !== 'EXECUTING') {
        throw new ParmanaError('INV-015', { detail: `${event.type} from ${current.state}` });
      }
      if (event.type === 'execute')
        return { outcome: 'executing', next: { ...current, state: 'EXECUTING' }, ttl: 'unchanged' };
      if (event.type === 'fail') return { outcome: 'failed', next: { ...current, state: 'FAILED' }, ttl: 'failed' };
      return {
        outcome: 'completed',
        next: { ...current, state: event.finalState, data: event.data },
        ttl: event.finalState === 'PENDING_OVERRIDE' ? 'persist' : 'retention',
      };
    }
    case 'resolveOverride': {
      if (current?.state !== 'PENDING_OVERRIDE') {
        if (current !== undefined && TERMINAL.includes(current.state) && current.commandId === event.commandId) {
          return { outcome: 'resumed', next: current, ttl: 'unchanged' };
        }
        throw new ParmanaError('INV-015', { detail: `override from ${current?.state ?? 'no entry'}` });
      }
      return {
        outcome: 'resolved',
        next: { ...current, state: event.approved ? 'OVERRIDDEN' : 'OVERRIDE_REJECTED', commandId: event.commandId },
        ttl: 'retention',
      };
    }
  }
}

/** For an override that cannot be applied: 409 semantics when already resolved, 404 when nothing is pending. */
export function resolveOverrideOutcome(current: ReplayEntry | undefined): 'already_resolved' | 'not_found' {
  return current !== undefined && (current.state === 'OVERRIDDEN' || current.state === 'OVERRIDE_REJECTED')
    ? 'already_resolved'
    : 'not_found';
}
