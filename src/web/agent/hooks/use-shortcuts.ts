import { useEffect, useRef } from 'preact/hooks';
import { shortcutOf, type ShortcutName } from '../shortcuts.js';

/** Runs the handler of each shortcut pressed anywhere on the page (except while typing in a field). */
export function useShortcuts(handlers: Partial<Record<ShortcutName, () => void>>): void {
  // The latest handlers, without re-adding the listener on every render.
  const current = useRef(handlers);
  current.current = handlers;
  useEffect(() => {
    const listener = (event: KeyboardEvent) => {
      const name = shortcutOf(event);
      const handler = name ? current.current[name] : undefined;
      if (!handler) return;
      event.preventDefault();
      handler();
    };
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);
}
