import type { Projection, Row } from './Projection.js';
import { stageAndInsert } from './stageAndInsert.js';

const COLUMNS = ['request_id', 'method', 'route', 'status', 'key_name', 'latency_ms', 'at'] as const;

interface ApiCallRecord {
  requestId: string;
  method: string;
  route: string;
  status: number;
  keyName: string | null;
  latencyMs: number;
  at: string;
}

/** api-calls -> audit_api_calls (requestId is the idempotency key). */
export function apiCallsProjection(topic: string): Projection {
  return {
    name: 'api-calls',
    topic,
    write(client, records) {
      const rows: Row[] = records.map(({ value }) => {
        const c = value as ApiCallRecord;
        return [c.requestId, c.method, c.route, c.status, c.keyName, c.latencyMs, c.at];
      });
      return stageAndInsert(client, 'audit_api_calls', COLUMNS, rows);
    },
  };
}
