import type { Redis } from 'ioredis';
import { ParmanaError } from '../../core/errors/ParmanaError.js';
import { COMPLETE_MANY, FAIL_MANY, RESERVE_MANY, RESOLVE_OVERRIDE } from './replayScripts.js';

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
  // Batch scripts: the number of keys, the keys, then the shared TTL and each item's arguments.
  replayReserveMany(...args: (string | number)[]): Promise<string[]>;
  replayCompleteMany(...args: (string | number)[]): Promise<string[]>;
  replayFailMany(...args: (string | number)[]): Promise<string[]>;
  replayResolveOverride(key: string, commandId: string, approved: string, ttl: number): Promise<ScriptReply>;
}

// Items per script call: a call blocks Redis while it runs, so a huge chunk is cut into calls of this size.
const ITEMS_PER_CALL = 500;

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
    redis.defineCommand('replayReserveMany', { lua: RESERVE_MANY });
    redis.defineCommand('replayCompleteMany', { lua: COMPLETE_MANY });
    redis.defineCommand('replayFailMany', { lua: FAIL_MANY });
    redis.defineCommand('replayResolveOverride', { numberOfKeys: 1, lua: RESOLVE_OVERRIDE });
    this.redis = redis as Redis & ReplayCommands;
  }

  async reserveBatch(items: readonly ReserveItem[]): Promise<ReserveResult[]> {
    const replies = await this.many(items, 4, (p, chunk) => {
      void p.replayReserveMany(
        chunk.length,
        ...chunk.map((i) => REPLAY_KEY_PREFIX + i.executionId),
        this.ttls.reservationMs,
        ...chunk.flatMap((i) => [i.fingerprint, i.source]),
      );
    });
    return replies.map(([result, state, fingerprint]) => {
      if (result === 'reserved') return { result };
      if (result === 'resumed' || result === 'replay')
        return { result, state: state ?? '', fingerprint: fingerprint ?? '' };
      throw new ParmanaError('INV-021', { detail: `unexpected reserve reply ${String(result)}` });
    });
  }

  /** Marks decided items final. Returns per item whether it moved (or already was there). */
  async completeBatch(items: readonly CompleteItem[]): Promise<string[]> {
    const replies = await this.many(items, 2, (p, chunk) => {
      void p.replayCompleteMany(
        chunk.length,
        ...chunk.map((i) => REPLAY_KEY_PREFIX + i.executionId),
        this.ttls.terminalRetentionMs,
        ...chunk.flatMap((i) => [i.source, i.finalState, i.data]),
      );
    });
    return replies.map(([result, state]) => {
      if (result === 'completed' || result === 'already') return state ?? '';
      throw new ParmanaError('INV-022', {
        path: 'replay',
        detail: `complete refused (${String(result)}, state ${String(state)})`,
      });
    });
  }

  async failBatch(items: readonly { executionId: string; source: string }[]): Promise<void> {
    await this.many(items, 2, (p, chunk) => {
      void p.replayFailMany(
        chunk.length,
        ...chunk.map((i) => REPLAY_KEY_PREFIX + i.executionId),
        this.ttls.failedMs,
        ...chunk.map((i) => i.source),
      );
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

  /**
   * Runs a batch script over `items` in calls of ITEMS_PER_CALL, all pipelined in one round trip, and splits the
   * flat replies back into `width` values per item.
   */
  private async many<T>(
    items: readonly T[],
    width: number,
    add: (p: ReplayCommands, chunk: readonly T[]) => void,
  ): Promise<(string | undefined)[][]> {
    const chunks: T[][] = [];
    for (let i = 0; i < items.length; i += ITEMS_PER_CALL) chunks.push(items.slice(i, i + ITEMS_PER_CALL));
    const flat = (await this.run(chunks, add)) as unknown as string[][];
    const out: (string | undefined)[][] = [];
    for (const reply of flat) {
      for (let i = 0; i < reply.length; i += width) out.push(reply.slice(i, i + width));
    }
    if (out.length !== items.length) {
      throw new ParmanaError('INV-021', { detail: `${out.length} replies for ${items.length} items` });
    }
    return out;
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
