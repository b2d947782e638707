import { describe, expect, it } from 'vitest';
import { parseDateInput, parseDateRange } from '../../dashboard/src/lib/dateRange.js';

describe('dashboard date range', () => {
  it('accepts dates and times, UTC unless a zone is given', () => {
    expect(parseDateInput('')).toEqual({ ok: true, iso: undefined });
    expect(parseDateInput('2026-03-04')).toEqual({ ok: true, iso: '2026-03-04T00:00:00.000Z' });
    expect(parseDateInput('2026-03-04T05:06')).toEqual({ ok: true, iso: '2026-03-04T05:06:00.000Z' });
    expect(parseDateInput(' 2026-03-04 05:06:07.5Z ')).toEqual({ ok: true, iso: '2026-03-04T05:06:07.500Z' });
    expect(parseDateInput('2026-03-04T05:06:07+02:00')).toEqual({ ok: true, iso: '2026-03-04T03:06:07.000Z' });
  });

  it('refuses unparsable and impossible dates', () => {
    for (const bad of ['yesterday', '2026-13-01', '2026-02-30', '2026-03-04T25:00', '04/03/2026', '2026-3-4']) {
      expect(parseDateInput(bad).ok).toBe(false);
    }
  });

  it('refuses a range whose from is not before to', () => {
    expect(parseDateRange('2026-02-01', '2026-01-01')).toEqual({ ok: false, message: 'From must be earlier than To' });
    expect(parseDateRange('2026-01-01', '2026-01-01').ok).toBe(false);
    expect(parseDateRange('nope', '').ok).toBe(false);
    expect(parseDateRange('2026-01-01', '')).toEqual({ ok: true, from: '2026-01-01T00:00:00.000Z' });
    expect(parseDateRange('', '')).toEqual({ ok: true });
  });
});
