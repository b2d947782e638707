import type { Pool } from 'pg';
import { sha256Hex } from '../../core/hash/sha256.js';
import type { MonitorFinding } from './LogMonitor.js';

/**
 * Writes a monitor finding as a report row and, when inconsistent, a critical `log_inconsistency` security event
 * (straight into audit_security_events, as the sinks do for signature_failure), in one transaction.
 */
export function pgMonitorReports(pool: Pool, monitor: string, now: () => Date): (f: MonitorFinding) => Promise<void> {
  return async (f) => {
    const at = now().toISOString();
    const id = sha256Hex(`${monitor}:${f.status}:${f.treeSize}:${f.rootHash.toString('hex')}:${f.code ?? ''}:${at}`);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO log_monitor_reports (report_id, monitor, status, tree_size, root_hash, code, detail, checked_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
        [id, monitor, f.status, f.treeSize, f.rootHash, f.code, JSON.stringify(f.detail), at],
      );
      if (f.status === 'inconsistent') {
        await client.query(
          `INSERT INTO audit_security_events (event_id, event_type, severity, execution_id, source, code, detail, occurred_at)
           VALUES ($1, 'log_inconsistency', 'critical', NULL, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
          [
            sha256Hex(`log_inconsistency:${id}`),
            `log-monitor:${monitor}`,
            f.code,
            JSON.stringify({ ...f.detail, treeSize: f.treeSize, rootHash: f.rootHash.toString('base64') }),
            at,
          ],
        );
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  };
}
