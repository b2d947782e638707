import type { ReactNode } from 'react';
import { ApiError } from '../lib/api.js';
import type { Loaded } from '../lib/useLoad.js';

/** What went wrong, in words: the audit database being down is never shown as an empty table. */
/** "CODE: message", without repeating the code when the message already starts with it. */
export function coded(error: ApiError): string {
  return error.message.startsWith(error.code) ? error.message : `${error.code}: ${error.message}`;
}

export function describeError(error: unknown, audit: boolean): { title: string; detail: string } {
  if (error instanceof ApiError) {
    if (audit && error.status === 503) {
      return { title: 'Audit database unavailable', detail: `${coded(error)} — try again shortly.` };
    }
    if (error.status === 401) return { title: 'API key refused (401)', detail: coded(error) };
    if (error.status === 403) {
      return { title: 'Forbidden (403): this key lacks the role', detail: coded(error) };
    }
    if (error.status === 429) return { title: 'Rate limited (429)', detail: coded(error) };
    return { title: `Request failed (${error.status})`, detail: coded(error) };
  }
  if (error instanceof TypeError) return { title: 'Cannot reach the API', detail: error.message };
  if (error instanceof Error) return { title: 'Error', detail: error.message };
  return { title: 'Error', detail: String(error) };
}

export function ErrorView({ error, audit = false }: { error: unknown; audit?: boolean }) {
  const { title, detail } = describeError(error, audit);
  return (
    <div className="error" role="alert" data-testid="error">
      <strong>{title}</strong>
      <div className="error-detail">{detail}</div>
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <div className="loading" role="status">
      Loading {what}…
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <div className="empty" data-testid="empty">
      {children}
    </div>
  );
}

/** Loading, error, empty and data states of one load, each explicit. */
export function LoadView<T>({
  loaded,
  what,
  audit = false,
  isEmpty,
  empty,
  children,
}: {
  loaded: Loaded<T>;
  what: string;
  audit?: boolean;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  switch (loaded.state) {
    case 'idle':
      return null;
    case 'loading':
      return <Loading what={what} />;
    case 'error':
      return <ErrorView error={loaded.error} audit={audit} />;
    case 'ok':
      if (isEmpty?.(loaded.data) === true) return <Empty>{empty ?? `No ${what}.`}</Empty>;
      return <>{children(loaded.data)}</>;
  }
}
