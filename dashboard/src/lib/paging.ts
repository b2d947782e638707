import { useState } from 'react';

/**
 * Cursor paging: a stack of the cursors that led to the current page, reset whenever `resetKey` (the filters)
 * changes, so a cursor is never sent with filters it was not made for.
 */
export function usePaging(resetKey: string) {
  const [state, setState] = useState<{ key: string; stack: readonly string[] }>({ key: resetKey, stack: [] });
  const stack = state.key === resetKey ? state.stack : [];
  return {
    cursor: stack.at(-1),
    page: stack.length,
    first: () => {
      setState({ key: resetKey, stack: [] });
    },
    previous: () => {
      setState({ key: resetKey, stack: stack.slice(0, -1) });
    },
    next: (cursor: string) => {
      setState({ key: resetKey, stack: [...stack, cursor] });
    },
  };
}
