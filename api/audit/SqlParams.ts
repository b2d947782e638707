/**
 * Collects query values and hands back their `$n` placeholders, so a filter value only ever reaches Postgres as a
 * bound parameter. SQL text is assembled from fixed fragments and these placeholders, nothing else.
 */
export class SqlParams {
  readonly values: unknown[] = [];

  ref(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
