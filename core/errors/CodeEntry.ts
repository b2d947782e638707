/** One documented error code. */
export interface CodeEntry {
  readonly message: string;
  readonly retriable: boolean;
}

/** Helper that keeps each area's table literal-typed while checking its shape. */
export function codes<const T extends Record<string, CodeEntry>>(table: T): T {
  return table;
}
