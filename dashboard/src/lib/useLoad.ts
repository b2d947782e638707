import { useCallback, useEffect, useRef, useState } from 'react';

export type Loaded<T> =
  | { readonly state: 'idle' }
  | { readonly state: 'loading' }
  | { readonly state: 'ok'; readonly data: T }
  | { readonly state: 'error'; readonly error: unknown };

/**
 * Runs `load` whenever `key` changes (null: nothing to load) or reload() is called. A superseded call's answer is
 * dropped, so a slow old page never overwrites a newer one. A reload keeps the current data on screen (`busy` says a
 * refresh is running); a new key shows the loading state.
 */
export function useLoad<T>(key: string | null, load: () => Promise<T>): [Loaded<T>, () => void, boolean] {
  // Each result remembers the key it was loaded for: in the render where the key changes, before the effect below
  // has run, the previous key's data must not be shown as if it answered the new one.
  const [result, setResult] = useState<{ readonly key: string | null; readonly loaded: Loaded<T> }>({
    key,
    loaded: { state: key === null ? 'idle' : 'loading' },
  });
  const [generation, setGeneration] = useState(0);
  const [busy, setBusy] = useState(false);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    if (key === null) {
      setResult({ key, loaded: { state: 'idle' } });
      return undefined;
    }
    let current = true;
    setBusy(true);
    setResult((prev) =>
      prev.key === key && prev.loaded.state === 'ok' ? prev : { key, loaded: { state: 'loading' } },
    );
    loadRef.current().then(
      (data) => {
        if (!current) return;
        setResult({ key, loaded: { state: 'ok', data } });
        setBusy(false);
      },
      (error: unknown) => {
        if (!current) return;
        setResult({ key, loaded: { state: 'error', error } });
        setBusy(false);
      },
    );
    return () => {
      current = false;
    };
  }, [key, generation]);
  const reload = useCallback(() => {
    setGeneration((g) => g + 1);
  }, []);
  const shown: Loaded<T> = result.key === key ? result.loaded : { state: key === null ? 'idle' : 'loading' };
  return [shown, reload, busy];
}
