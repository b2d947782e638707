import { createContext, useContext } from 'react';
import { ApiError, createClient, type ParmanaClient } from '../../../api/client/createClient.js';
import type { TrustRootResponse } from '../../../api/contract.js';

export { ApiError };

/** Everything the tabs need: the typed client and the public trust root. */
export interface Api {
  readonly client: ParmanaClient;
  /** GET /trust-root (public), fetched once per key. */
  readonly trustRoot: () => Promise<TrustRootResponse>;
}

/**
 * The typed client on this origin. Every response passes through `onUnauthorized` first: any 401 sends the user back
 * to the key prompt.
 */
export function createApi(apiKey: string, onUnauthorized: () => void): Api {
  const origin = window.location.origin;
  const watched: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    if (res.status === 401) onUnauthorized();
    return res;
  };
  let trust: Promise<TrustRootResponse> | undefined;
  const loadTrustRoot = async (): Promise<TrustRootResponse> => {
    const res = await fetch(`${origin}/trust-root`);
    const text = await res.text();
    if (!res.ok) throw new ApiError(res.status, `HTTP-${res.status}`, 'GET /trust-root failed', text);
    return JSON.parse(text) as TrustRootResponse;
  };
  return {
    client: createClient({ baseUrl: origin, apiKey, fetch: watched }),
    trustRoot: () => {
      trust ??= loadTrustRoot().catch((err: unknown) => {
        trust = undefined;
        throw err;
      });
      return trust;
    },
  };
}

export const ApiContext = createContext<Api | null>(null);

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (api === null) throw new Error('useApi outside ApiContext');
  return api;
}
