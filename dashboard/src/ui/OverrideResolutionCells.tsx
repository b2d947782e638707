import type { OverrideRow } from '../../../api/contract.js';
import { Badge, Mono } from './bits.js';
import { formatTime } from './format.js';

/** How an override was resolved, as table cells: status, by, role, reason, at. */
export function OverrideResolutionCells({
  row,
}: {
  row: Pick<OverrideRow, 'status' | 'resolvedBy' | 'approverRole' | 'reason' | 'resolvedAt'>;
}) {
  return (
    <>
      <td>
        <Badge value={row.status} />
      </td>
      <td>
        <Mono value={row.resolvedBy} />
      </td>
      <td>{row.approverRole ?? '—'}</td>
      <td className="text-cell">{row.reason ?? '—'}</td>
      <td className="nowrap">{formatTime(row.resolvedAt)}</td>
    </>
  );
}
