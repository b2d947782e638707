import { useState, type SubmitEvent } from 'react';
import type { TimeRange } from '../../../api/contract.js';
import type { RangeDraft } from '../ui/DateRangeFields.js';
import { parseDateRange } from './dateRange.js';

/**
 * A filter form with a From / To range: the draft as typed, the filters last applied (`key` identifies them) and the
 * form's error. `build` turns the draft's other fields into filters; the checked range is added to them.
 */
export function useFilterForm<D extends RangeDraft, F extends Pick<TimeRange, 'from' | 'to'>>(
  emptyDraft: D,
  build: (draft: D) => F,
) {
  const [draft, setDraft] = useState(emptyDraft);
  const [applied, setApplied] = useState(() => build(emptyDraft));
  const [error, setError] = useState<string | null>(null);
  const key = JSON.stringify(applied);

  /**
   * The form's onSubmit: a bad range is shown and nothing is requested; the filters already applied are reloaded;
   * new ones replace them (after `onApply`).
   */
  const handleSubmit = (reload: () => void, onApply?: () => void) => (e: SubmitEvent) => {
    e.preventDefault();
    const range = parseDateRange(draft.from, draft.to);
    if (!range.ok) {
      setError(range.message);
      return;
    }
    setError(null);
    const next: F = {
      ...build(draft),
      ...(range.from === undefined ? {} : { from: range.from }),
      ...(range.to === undefined ? {} : { to: range.to }),
    };
    if (JSON.stringify(next) === key) reload();
    else {
      onApply?.();
      setApplied(next);
    }
  };

  /** Back to the empty draft and no filters. */
  const reset = () => {
    setDraft(emptyDraft);
    setError(null);
    setApplied(build(emptyDraft));
  };

  return { draft, setDraft, applied, key, error, handleSubmit, reset };
}
