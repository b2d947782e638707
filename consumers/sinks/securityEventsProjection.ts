import type { Projection, Row } from './Projection.js';
import { stageAndInsert } from './stageAndInsert.js';

export const SECURITY_EVENT_COLUMNS = [
  'event_id',
  'event_type',
  'severity',
  'execution_id',
  'source',
  'code',
  'detail',
  'occurred_at',
] as const;

interface SecurityEventRecord {
  eventId: string;
  eventType: string;
  severity: string;
  executionId: string | null;
  source: string;
  code: string | null;
  detail: string;
  occurredAt: string;
}

function jsonText(detail: string): string {
  try {
    JSON.parse(detail);
    return detail;
  } catch {
    return JSON.stringify({ raw: detail });
  }
}

/** security-events -> audit_security_events (eventId is deterministic, so redelivery never double-counts). */
export function securityEventsProjection(topic: string): Projection {
  return {
    name: 'security-events',
    topic,
    write(client, records) {
      const rows: Row[] = records.map(({ value }) => {
        const e = value as SecurityEventRecord;
        return [e.eventId, e.eventType, e.severity, e.executionId, e.source, e.code, jsonText(e.detail), e.occurredAt];
      });
      return stageAndInsert(client, 'audit_security_events', SECURITY_EVENT_COLUMNS, rows);
    },
  };
}
