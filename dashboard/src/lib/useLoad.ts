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
  const [result, setResult] = useState<Loaded<T>>({ state: key === null ? 'idle' : 'loading' });
  const [generation, setGeneration] = useState(0);
  const [busy, setBusy] = useState(false);
  const loadRef = useRef(load);
  loadRef.current = load;
  const shownKey = useRef<string | null>(null);
  useEffect(() => {
    if (key === null) {
      shownKey.current = null;
      setResult({ state: 'idle' });
      return undefined;
    }
    let current = true;
    const sameKey = shownKey.current === key;
    shownKey.current = key;
    setBusy(true);
    setResult((prev) => (sameKey && prev.state === 'ok' ? prev : { state: 'loading' }));
    loadRef.current().then(
      (data) => {
        if (!current) return;
        setResult({ state: 'ok', data });
        setBusy(false);
      },
      (error: unknown) => {
        if (!current) return;
        setResult({ state: 'error', error });
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
  return [result, reload, busy];
}
