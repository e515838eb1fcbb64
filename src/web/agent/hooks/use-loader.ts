import { useCallback, useEffect, useState } from 'preact/hooks';

export type Loaded<T> = { kind: 'loading' } | { kind: 'error' } | { kind: 'loaded'; value: T };

/** Loads once at mount and again on reload(); a failure leaves the last good value in place. */
export function useLoader<T>(load: () => Promise<T>): [Loaded<T>, () => void] {
  const [state, setState] = useState<Loaded<T>>({ kind: 'loading' });
  const reload = useCallback(() => {
    load()
      .then((value) => setState({ kind: 'loaded', value }))
      .catch(() => setState((previous) => (previous.kind === 'loaded' ? previous : { kind: 'error' })));
    // The loader is a module-level API function: stable for the page's life.
  }, []);
  useEffect(reload, [reload]);
  return [state, reload];
}
