import type { Redis } from 'ioredis';
import { ParmanaError } from '../../core/errors/ParmanaError.js';
import { COMPLETE, FAIL, RESERVE, RESOLVE_OVERRIDE } from './replayScripts.js';

export const REPLAY_KEY_PREFIX = 'parmana:replay:';

export interface ReplayTtls {
  readonly reservationMs: number;
  readonly failedMs: number;
  readonly terminalRetentionMs: number;
}

export type ReserveResult =
  | { readonly result: 'reserved' }
  | { readonly result: 'resumed'; readonly state: string; readonly fingerprint: string }
  | { readonly result: 'replay'; readonly state: string; readonly fingerprint: string };

export interface ReserveItem {
  readonly executionId: string;
  readonly fingerprint: string;
  /** The source record, "topic:partition:offset": reprocessing the same record resumes its own reservation. */
  readonly source: string;
}

export interface CompleteItem {
  readonly executionId: string;
  readonly source: string;
  readonly finalState: 'CONFIRMED' | 'PENDING_OVERRIDE';
  readonly data: string;
}

export type OverrideResolution =
  | {
      readonly result: 'resolved' | 'resumed';
      readonly state: string;
      readonly fingerprint: string;
      readonly data: string;
    }
  | { readonly result: 'already_resolved'; readonly state: string }
  | { readonly result: 'not_found'; readonly state: string };

type ScriptReply = [string, string, string?, string?];

interface ReplayCommands {
  replayReserve(key: string, fp: string, src: string, ttl: number): Promise<ScriptReply>;
  replayComplete(key: string, src: string, state: string, ttl: number, data: string): Promise<ScriptReply>;
  replayFail(key: string, src: string, ttl: number): Promise<ScriptReply>;
  replayResolveOverride(key: string, commandId: string, approved: string, ttl: number): Promise<ScriptReply>;
}

/**
 * The replay state machine in Redis. Each check-and-transition is one Lua script (atomic), and each batch of
 * items is one pipelined round trip. Any Redis failure surfaces as INV-020 (retriable): the worker then signs
 * nothing and commits nothing until Redis is back (fail closed).
 */
export class RedisReplayStore {
  private readonly redis: Redis & ReplayCommands;

  constructor(
    redis: Redis,
    private readonly ttls: ReplayTtls,
  ) {
    redis.defineCommand('replayReserve', { numberOfKeys: 1, lua: RESERVE });
    redis.defineCommand('replayComplete', { numberOfKeys: 1, lua: COMPLETE });
    redis.defineCommand('replayFail', { numberOfKeys: 1, lua: FAIL });
    redis.defineCommand('replayResolveOverride', { numberOfKeys: 1, lua: RESOLVE_OVERRIDE });
    this.redis = redis as Redis & ReplayCommands;
  }

  async reserveBatch(items: readonly ReserveItem[]): Promise<ReserveResult[]> {
    const replies = await this.run(items, (p, i) => {
      void p.replayReserve(REPLAY_KEY_PREFIX + i.executionId, i.fingerprint, i.source, this.ttls.reservationMs);
    });
    return replies.map(([result, state, fingerprint]) => {
      if (result === 'reserved') return { result };
      if (result === 'resumed' || result === 'replay') return { result, state, fingerprint: fingerprint ?? '' };
      throw new ParmanaError('INV-021', { detail: `unexpected reserve reply ${result}` });
    });
  }

  /** Marks decided items final. Returns per item whether it moved (or already was there). */
  async completeBatch(items: readonly CompleteItem[]): Promise<string[]> {
    const replies = await this.run(items, (p, i) => {
      void p.replayComplete(
        REPLAY_KEY_PREFIX + i.executionId,
        i.source,
        i.finalState,
        this.ttls.terminalRetentionMs,
        i.data,
      );
    });
    return replies.map(([result, state]) => {
      if (result === 'completed' || result === 'already') return state;
      throw new ParmanaError('INV-022', { path: 'replay', detail: `complete refused (${result}, state ${state})` });
    });
  }

  async failBatch(items: readonly { executionId: string; source: string }[]): Promise<void> {
    await this.run(items, (p, i) => {
      void p.replayFail(REPLAY_KEY_PREFIX + i.executionId, i.source, this.ttls.failedMs);
    });
  }

  async resolveOverride(executionId: string, commandId: string, approved: boolean): Promise<OverrideResolution> {
    const [reply] = await this.run([executionId], (p, id) => {
      void p.replayResolveOverride(
        REPLAY_KEY_PREFIX + id,
        commandId,
        approved ? '1' : '0',
        this.ttls.terminalRetentionMs,
      );
    });
    if (reply === undefined) throw new ParmanaError('INV-021', { detail: 'no reply' });
    const [result, state, fingerprint, data] = reply;
    if (result === 'resolved' || result === 'resumed')
      return { result, state, fingerprint: fingerprint ?? '', data: data ?? '' };
    if (result === 'already_resolved' || result === 'not_found') return { result, state };
    throw new ParmanaError('INV-021', { detail: `unexpected override reply ${result}` });
  }

  private async run<T>(items: readonly T[], add: (p: ReplayCommands, item: T) => void): Promise<ScriptReply[]> {
    if (items.length === 0) return [];
    const pipeline = this.redis.pipeline() as unknown as ReplayCommands & {
      exec(): Promise<[Error | null, unknown][] | null>;
    };
    for (const item of items) add(pipeline, item);
    let results: [Error | null, unknown][] | null;
    try {
      results = await pipeline.exec();
    } catch (cause) {
      throw new ParmanaError('INV-020', { cause, detail: cause instanceof Error ? cause.message : String(cause) });
    }
    if (results === null) throw new ParmanaError('INV-020', { detail: 'pipeline discarded' });
    return results.map(([err, value]) => {
      if (err !== null) throw new ParmanaError('INV-020', { cause: err, detail: err.message });
      return value as ScriptReply;
    });
  }
}
