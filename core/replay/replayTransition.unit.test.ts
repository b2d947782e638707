import { describe, expect, it } from 'vitest';
import { MemoryReplayStore } from './MemoryReplayStore.js';
import { replayTransition, type ReplayEntry, type ReplayEvent, type ReplayState } from './replayTransition.js';

const entry = (state: ReplayState, source = 'src-a', commandId?: string): ReplayEntry => ({
  state,
  fingerprint: 'fp',
  source,
  ...(commandId === undefined ? {} : { commandId }),
});
const STATES: ReplayState[] = [
  'RESERVED',
  'EXECUTING',
  'CONFIRMED',
  'PENDING_OVERRIDE',
  'OVERRIDDEN',
  'OVERRIDE_REJECTED',
  'FAILED',
];

function result(current: ReplayEntry | undefined, event: ReplayEvent): string {
  try {
    const t = replayTransition(current, event);
    return `${t.outcome}:${t.next.state}:${t.ttl}`;
  } catch (err) {
    return (err as { code: string }).code;
  }
}

describe('replay transition table', () => {
  it('reserve: none/FAILED reserve; same source resumes; any other source is a replay (INV-013)', () => {
    const reserve = (source: string): ReplayEvent => ({ type: 'reserve', fingerprint: 'fp2', source });
    expect(result(undefined, reserve('src-a'))).toBe('reserved:RESERVED:reservation');
    const table = Object.fromEntries(
      STATES.map((s) => [s, [result(entry(s), reserve('src-a')), result(entry(s), reserve('src-b'))]]),
    );
    expect(table).toEqual({
      RESERVED: ['resumed:RESERVED:unchanged', 'INV-013'],
      EXECUTING: ['resumed:EXECUTING:unchanged', 'INV-013'],
      CONFIRMED: ['resumed:CONFIRMED:unchanged', 'INV-013'],
      PENDING_OVERRIDE: ['resumed:PENDING_OVERRIDE:unchanged', 'INV-013'],
      OVERRIDDEN: ['resumed:OVERRIDDEN:unchanged', 'INV-013'],
      OVERRIDE_REJECTED: ['resumed:OVERRIDE_REJECTED:unchanged', 'INV-013'],
      FAILED: ['reserved:RESERVED:reservation', 'reserved:RESERVED:reservation'],
    });
  });

  it('execute, complete and fail only from RESERVED/EXECUTING of the same source', () => {
    const events: Record<string, ReplayEvent> = {
      execute: { type: 'execute', source: 'src-a' },
      confirm: { type: 'complete', source: 'src-a', finalState: 'CONFIRMED', data: '' },
      pend: { type: 'complete', source: 'src-a', finalState: 'PENDING_OVERRIDE', data: '' },
      fail: { type: 'fail', source: 'src-a' },
    };
    const table = Object.fromEntries(STATES.map((s) => [s, Object.values(events).map((e) => result(entry(s), e))]));
    expect(table).toEqual({
      RESERVED: [
        'executing:EXECUTING:unchanged',
        'completed:CONFIRMED:retention',
        'completed:PENDING_OVERRIDE:persist',
        'failed:FAILED:failed',
      ],
      EXECUTING: [
        'executing:EXECUTING:unchanged',
        'completed:CONFIRMED:retention',
        'completed:PENDING_OVERRIDE:persist',
        'failed:FAILED:failed',
      ],
      CONFIRMED: ['INV-015', 'already:CONFIRMED:unchanged', 'INV-015', 'INV-015'],
      PENDING_OVERRIDE: ['INV-015', 'INV-015', 'already:PENDING_OVERRIDE:unchanged', 'INV-015'],
      OVERRIDDEN: ['INV-015', 'INV-015', 'INV-015', 'INV-015'],
      OVERRIDE_REJECTED: ['INV-015', 'INV-015', 'INV-015', 'INV-015'],
      FAILED: ['INV-015', 'INV-015', 'INV-015', 'INV-015'],
    });
    expect(result(entry('RESERVED', 'src-b'), events.confirm as ReplayEvent)).toBe('INV-014');
    expect(result(undefined, events.fail as ReplayEvent)).toBe('INV-016');
  });

  it('an override resolves only a pending entry, once', () => {
    const approve: ReplayEvent = { type: 'resolveOverride', commandId: 'c1', approved: true };
    const reject: ReplayEvent = { type: 'resolveOverride', commandId: 'c1', approved: false };
    expect(result(entry('PENDING_OVERRIDE'), approve)).toBe('resolved:OVERRIDDEN:retention');
    expect(result(entry('PENDING_OVERRIDE'), reject)).toBe('resolved:OVERRIDE_REJECTED:retention');
    expect(result(entry('OVERRIDDEN', 'src-a', 'c1'), approve)).toBe('resumed:OVERRIDDEN:unchanged');
    expect(result(entry('OVERRIDDEN', 'src-a', 'c0'), approve)).toBe('INV-015');
    expect(result(entry('CONFIRMED'), approve)).toBe('INV-015');
    expect(result(undefined, approve)).toBe('INV-015');
  });
});

describe('MemoryReplayStore', () => {
  it('expires reservations and FAILED entries on its clock, never a pending override', async () => {
    let now = 0;
    const store = new MemoryReplayStore(
      { reservationMs: 300_000, failedMs: 30_000, terminalRetentionMs: 1_000_000 },
      () => now,
    );
    expect(await store.reserve('a', 'fp', 's1')).toEqual({ result: 'reserved' });
    expect(await store.reserve('a', 'fp', 's2')).toEqual({ result: 'replay', state: 'RESERVED', fingerprint: 'fp' });
    now = 300_001;
    expect(store.state('a')).toBeUndefined();
    expect(await store.reserve('a', 'fp', 's2')).toEqual({ result: 'reserved' });
    await store.apply('a', { type: 'fail', source: 's2' });
    now += 30_001;
    expect(store.state('a')).toBeUndefined();

    await store.reserve('p', 'fp', 's3');
    await store.apply('p', { type: 'complete', source: 's3', finalState: 'PENDING_OVERRIDE', data: '' });
    now += 10 ** 12;
    expect(store.state('p')).toBe('PENDING_OVERRIDE');
    expect(await store.resolveOverride('p', 'c1', true)).toEqual({ result: 'resolved', state: 'OVERRIDDEN' });
    expect(await store.resolveOverride('p', 'c2', false)).toEqual({ result: 'already_resolved', state: 'OVERRIDDEN' });
    expect(await store.resolveOverride('nothing', 'c3', true)).toEqual({ result: 'not_found', state: '' });
  });
});
