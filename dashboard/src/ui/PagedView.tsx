import type { ReactNode } from 'react';
import type { Page } from '../../../api/contract.js';
import type { PagedLoad } from '../lib/paging.js';
import { Pager } from './bits.js';
import { LoadView } from './Status.js';

/**
 * A cursor-paged audit listing: its load states, the page's content and the pager under it. Empty means the first
 * page has nothing to show (`isEmptyPage`, by default no rows); a later empty page still shows the pager.
 */
export function PagedView<T>({
  paged: { loaded, paging },
  what,
  empty,
  isEmptyPage = (p) => p.items.length === 0,
  children,
}: {
  paged: PagedLoad<T>;
  what: string;
  empty?: ReactNode;
  isEmptyPage?: (page: Page<T>) => boolean;
  children: (page: Page<T>) => ReactNode;
}) {
  return (
    <LoadView loaded={loaded} what={what} audit isEmpty={(p) => isEmptyPage(p) && paging.page === 0} empty={empty}>
      {(page) => (
        <>
          {children(page)}
          <Pager
            page={paging.page}
            nextCursor={page.nextCursor}
            onFirst={paging.first}
            onPrevious={paging.previous}
            onNext={paging.next}
          />
        </>
      )}
    </LoadView>
  );
}
