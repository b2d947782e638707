import { textFilter, timeFilter } from './filterValues.js';
import { SqlParams } from './SqlParams.js';

/**
 * The WHERE clause of one query and its bound values. Conditions are fixed SQL fragments (column expressions) whose
 * values are placeholders from `params`; a filter that is not given adds nothing.
 */
export class SqlWhere {
  readonly params = new SqlParams();
  private readonly conditions: string[] = [];

  /** A condition built from fixed text and placeholders from `params`. */
  add(condition: string): this {
    this.conditions.push(condition);
    return this;
  }

  /** `column = value` for a text filter (checked by textFilter, reported under `name`). */
  text(column: string, name: string, value: string | undefined): this {
    return value === undefined ? this : this.add(`${column} = ${this.params.ref(textFilter(name, value))}`);
  }

  /** `column = value` for a boolean or number filter. */
  equals(column: string, value: boolean | number | undefined): this {
    return value === undefined ? this : this.add(`${column} = ${this.params.ref(value)}`);
  }

  /** from inclusive, to exclusive, on a fixed time column. */
  timeRange(column: string, f: { readonly from?: string; readonly to?: string }): this {
    if (f.from !== undefined) this.add(`${column} >= ${this.params.ref(timeFilter('from', f.from))}::timestamptz`);
    if (f.to !== undefined) this.add(`${column} < ${this.params.ref(timeFilter('to', f.to))}::timestamptz`);
    return this;
  }

  /** `WHERE a AND b …`, or nothing when there is no condition. */
  get clause(): string {
    return this.conditions.length === 0 ? '' : `WHERE ${this.conditions.join(' AND ')}`;
  }
}
