import { useEffect, useState } from 'preact/hooks';

/** The current time, re-rendering every `everyMs`: only the components that show a ticking timer use it. */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
