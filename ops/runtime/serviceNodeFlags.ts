/**
 * V8 heap limits for the long-running processes (worker, sinks, api, log writer). Their live heap is a few tens of
 * MB (work in flight is bounded by bytes), but under a high allocation rate V8 grows the heap towards its default
 * limit of a quarter of RAM before collecting: a worker draining a backlog reached 350 MiB RSS. With these limits it
 * stays near 200 MiB at the same speed. Set where the processes are started (demo, bench, tests, Dockerfile).
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4', '--max-old-space-size=192'];
