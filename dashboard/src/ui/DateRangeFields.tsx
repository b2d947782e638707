export interface RangeDraft {
  readonly from: string;
  readonly to: string;
}

/** From / To text inputs (UTC; YYYY-MM-DD, optionally with HH:MM), checked by parseDateRange before any request. */
export function DateRangeFields({ value, onChange }: { value: RangeDraft; onChange: (next: RangeDraft) => void }) {
  return (
    <>
      <label>
        From (UTC)
        <input
          name="from"
          className="date-input"
          type="text"
          placeholder="YYYY-MM-DD HH:MM"
          value={value.from}
          onChange={(e) => {
            onChange({ ...value, from: e.target.value });
          }}
        />
      </label>
      <label>
        To (UTC)
        <input
          name="to"
          className="date-input"
          type="text"
          placeholder="YYYY-MM-DD HH:MM"
          value={value.to}
          onChange={(e) => {
            onChange({ ...value, to: e.target.value });
          }}
        />
      </label>
    </>
  );
}
