import { Cluster, Redis } from 'ioredis';
import type { Credentials } from '../../shared/credentials/Credentials.js';
import type { Config } from '../config/config.js';

/** The replay store's client: the single node (REDIS_URL) or a Redis Cluster (REDIS_CLUSTER_NODES). */
export type ReplayRedis = Redis | Cluster;

/** host:port (IPv6 in brackets) as ioredis wants a cluster seed. */
function seed(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port: Number(address.slice(at + 1)) };
}

const retryDelay = (times: number): number => Math.min(times * 200, 2_000);

/**
 * The worker's Redis client, failing closed: no offline queue (a command while disconnected fails at once instead
 * of waiting to be sent later), one retry per command, a 5 s command timeout, and reconnection with a backoff capped
 * at 2 s. With REDIS_CLUSTER_NODES set it is an ioredis Cluster with the same bounds: a command whose slot sits on
 * a dead primary is retried briefly (redirections and failover retries are bounded) and then fails, so the worker
 * pauses instead of signing without the replay state. `credentials`: the ACL user it logs in as on every node (see
 * ops/runtime/redisCredentials.ts); none, no AUTH.
 */
export function createRedisClient(
  config: Pick<Config, 'redisUrl' | 'redisClusterNodes'>,
  onError: (err: Error) => void,
  credentials?: Credentials,
): ReplayRedis {
  const auth = credentials === undefined ? {} : { username: credentials.username, password: credentials.password };
  if (config.redisClusterNodes.length === 0) {
    const redis = new Redis(config.redisUrl, {
      ...auth,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 5_000,
      retryStrategy: retryDelay,
    });
    redis.on('error', onError);
    return redis;
  }
  const cluster = new Cluster(config.redisClusterNodes.map(seed), {
    enableOfflineQueue: false,
    clusterRetryStrategy: retryDelay,
    // A dead primary answers nothing: ~10 retries 100 ms apart (slot map refreshed each time), then the call fails.
    maxRedirections: 10,
    retryDelayOnFailover: 100,
    retryDelayOnClusterDown: 100,
    slotsRefreshTimeout: 1_000,
    redisOptions: { ...auth, maxRetriesPerRequest: 1, commandTimeout: 5_000, connectTimeout: 2_000 },
  });
  cluster.on('error', onError);
  cluster.on('node error', onError);
  return cluster;
}
