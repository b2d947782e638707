import type { Cluster, Redis } from 'ioredis';
import { ParmanaError } from '../../core/errors/ParmanaError.js';
import { partitionOfKey } from '../../core/hash/murmur2.js';
import { COMPLETE_MANY, FAIL_MANY, RESERVE_MANY, RESOLVE_OVERRIDE } from './replayScripts.js';

export const REPLAY_KEY_PREFIX = 'parmana:replay:';

export interface ReplayTtls {
  readonly reservationMs: number;
  readonly failedMs: number;
  readonly terminalRetentionMs: number;
}

export interface ReplayStoreOptions extends ReplayTtls {
  /**
   * Partitions of the requests topic. An entry's key carries its executionId's request partition as a hash tag
   * (`parmana:replay:{7}:<id>`), so the entries of one chunk share one Redis Cluster slot and one script call.
   */
  readonly partitions: number;
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

const keyIn = (tag: string, executionId: string): string => `${REPLAY_KEY_PREFIX}${tag}:${executionId}`;

type Pipeline = ReplayCommands & { exec(): Promise<[Error | null, unknown][] | null> };

/**
 * The replay state machine in Redis (one node or a Redis Cluster). Each check-and-transition is one Lua script
 * (atomic) over the keys of one hash tag, and each batch of items is one pipelined round trip per tag group (one in
 * all on a single node). Any Redis failure surfaces as INV-020 (retriable): the worker then signs nothing and
 * commits nothing until Redis is back (fail closed).
 */
export class RedisReplayStore {
  private readonly redis: (Redis | Cluster) & ReplayCommands;
  private readonly cluster: boolean;

  constructor(
    redis: Redis | Cluster,
    private readonly ttls: ReplayStoreOptions,
  ) {
    redis.defineCommand('replayReserveMany', { lua: RESERVE_MANY });
    redis.defineCommand('replayCompleteMany', { lua: COMPLETE_MANY });
    redis.defineCommand('replayFailMany', { lua: FAIL_MANY });
    redis.defineCommand('replayResolveOverride', { numberOfKeys: 1, lua: RESOLVE_OVERRIDE });
    this.redis = redis as (Redis | Cluster) & ReplayCommands;
    this.cluster = redis.isCluster;
  }

  /** The hash tag of an executionId's entry: its request partition. */
  tagOf(executionId: string): string {
    return `{${partitionOfKey(executionId, this.ttls.partitions)}}`;
  }

  /** The Redis key of an executionId's entry. */
  keyOf(executionId: string): string {
    return keyIn(this.tagOf(executionId), executionId);
  }

  async reserveBatch(items: readonly ReserveItem[]): Promise<ReserveResult[]> {
    const replies = await this.many(items, 4, (p, chunk, keys) => {
      void p.replayReserveMany(
        chunk.length,
        ...keys,
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
    const replies = await this.many(items, 2, (p, chunk, keys) => {
      void p.replayCompleteMany(
        chunk.length,
        ...keys,
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
    await this.many(items, 2, (p, chunk, keys) => {
      void p.replayFailMany(chunk.length, ...keys, this.ttls.failedMs, ...chunk.map((i) => i.source));
    });
  }

  async resolveOverride(executionId: string, commandId: string, approved: boolean): Promise<OverrideResolution> {
    const [reply] = await this.run([executionId], (p, id) => {
      void p.replayResolveOverride(this.keyOf(id), commandId, approved ? '1' : '0', this.ttls.terminalRetentionMs);
    });
    if (reply === undefined) throw new ParmanaError('INV-021', { detail: 'no reply' });
    const [result, state, fingerprint, data] = reply;
    if (result === 'resolved' || result === 'resumed')
      return { result, state, fingerprint: fingerprint ?? '', data: data ?? '' };
    if (result === 'already_resolved' || result === 'not_found') return { result, state };
    throw new ParmanaError('INV-021', { detail: `unexpected override reply ${result}` });
  }

  /**
   * Runs a batch script over `items`: items are grouped by hash tag (a Cluster script call must stay in one slot),
   * each group cut into calls of ITEMS_PER_CALL; the replies are split back into `width` values per item, in the
   * order of `items`.
   */
  private async many<T extends { executionId: string }>(
    items: readonly T[],
    width: number,
    add: (p: ReplayCommands, chunk: readonly T[], keys: readonly string[]) => void,
  ): Promise<(string | undefined)[][]> {
    // The tag (a murmur2 hash) is computed once per item: it groups the item and names its key.
    const groups = new Map<string, number[]>();
    const keys = items.map((item, i) => {
      const tag = this.tagOf(item.executionId);
      const group = groups.get(tag);
      if (group === undefined) groups.set(tag, [i]);
      else group.push(i);
      return keyIn(tag, item.executionId);
    });
    const calls: number[][] = [];
    for (const group of groups.values()) {
      for (let i = 0; i < group.length; i += ITEMS_PER_CALL) calls.push(group.slice(i, i + ITEMS_PER_CALL));
    }
    const flat = (await this.run(calls, (p, call) => {
      add(
        p,
        call.map((i) => items[i] as T),
        call.map((i) => keys[i] ?? ''),
      );
    })) as unknown as string[][];
    const out: (string | undefined)[][] = new Array<(string | undefined)[]>(items.length);
    let answered = 0;
    calls.forEach((call, c) => {
      const reply = flat[c] ?? [];
      call.forEach((itemIndex, k) => {
        if (reply.length >= (k + 1) * width) {
          out[itemIndex] = reply.slice(k * width, (k + 1) * width);
          answered += 1;
        }
      });
    });
    if (answered !== items.length) {
      throw new ParmanaError('INV-021', { detail: `${answered} replies for ${items.length} items` });
    }
    return out;
  }

  /**
   * Sends one command per item, pipelined: in one pipeline on a single node; on a Cluster one pipeline per item
   * (each item is one slot), which ioredis routes to its node, all in flight at once.
   */
  private async run<T>(items: readonly T[], add: (p: ReplayCommands, item: T) => void): Promise<ScriptReply[]> {
    if (items.length === 0) return [];
    const pipelines: Pipeline[] = [];
    const open = (): Pipeline => {
      const p = this.redis.pipeline() as unknown as Pipeline;
      pipelines.push(p);
      return p;
    };
    const single = this.cluster ? undefined : open();
    for (const item of items) add(single ?? open(), item);
    let results: [Error | null, unknown][];
    try {
      const all = await Promise.all(pipelines.map((p) => p.exec()));
      if (all.some((r) => r === null)) throw new ParmanaError('INV-020', { detail: 'pipeline discarded' });
      results = all.flatMap((r) => r ?? []);
    } catch (cause) {
      if (cause instanceof ParmanaError) throw cause;
      throw new ParmanaError('INV-020', { cause, detail: cause instanceof Error ? cause.message : String(cause) });
    }
    return results.map(([err, value]) => {
      if (err !== null) throw new ParmanaError('INV-020', { cause: err, detail: err.message });
      return value as ScriptReply;
    });
  }
}
