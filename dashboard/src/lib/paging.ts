import { useState } from 'react';
import type { Page } from '../../../api/contract.js';
import { useLoad, type Loaded } from './useLoad.js';

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

export type Paging = ReturnType<typeof usePaging>;

export interface PagedLoad<T> {
  readonly loaded: Loaded<Page<T>>;
  readonly reload: () => void;
  readonly busy: boolean;
  readonly paging: Paging;
}

/**
 * One cursor-paged listing: `load` gets the cursor of the page to show (none for the first) and runs again whenever
 * `key` (the filters) or the page changes; new filters start again from the first page.
 */
export function usePagedLoad<T>(
  key: string,
  load: (cursor: { readonly cursor?: string }) => Promise<Page<T>>,
): PagedLoad<T> {
  const paging = usePaging(key);
  const [loaded, reload, busy] = useLoad(`${key}|${paging.cursor ?? ''}`, () =>
    load(paging.cursor === undefined ? {} : { cursor: paging.cursor }),
  );
  return { loaded, reload, busy, paging };
}
