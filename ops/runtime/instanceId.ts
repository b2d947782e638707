import { hostname } from 'node:os';

/** Names this process in heartbeats: readable, and unique among processes running at the same time. */
export function instanceId(): string {
  return `${hostname()}-${process.pid}`;
}
