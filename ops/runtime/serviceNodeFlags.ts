/**
 * V8 heap limits for the long-running processes (worker, sinks, api, log writer). Their live heap is a few tens of
 * MB (work in flight is bounded by bytes), but under a high allocation rate V8 grows the heap towards its default
 * limit of a quarter of RAM before collecting: a worker draining a backlog reached 350 MiB RSS. With these limits it
 * stays near 200 MiB at the same speed. The young generation is not cut down with it: a worker or log writer
 * allocates per record, and with 4 MiB semi-spaces scavenges took 18–28% of their busy time and promoted records
 * still in flight; 16 MiB cut that time by 40–50% (docs/performance.md). Set where the processes are started (demo, bench,
 * tests, Dockerfile).
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=16', '--max-old-space-size=192'];

/**
 * Environment of the same processes. glibc gives every thread that allocates its own malloc arena (up to 8 per core,
 * each growing in 64 MiB steps); librdkafka runs several threads per client, and a worker draining a backlog held
 * 435 MiB RSS with them against 277 MiB with two arenas, at the same speed. Read by glibc when the process starts,
 * so it must be in the environment it is started with (it cannot be set from inside, nor by --env-file).
 */
export const SERVICE_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };
