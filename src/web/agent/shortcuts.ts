/** The console's keyboard shortcuts: Alt+letter (by physical key, so layouts and macOS's Option characters do not matter). */
export const SHORTCUTS = {
  ready: { code: 'KeyR', label: 'Alt+R' },
  pause: { code: 'KeyP', label: 'Alt+P' },
  hangup: { code: 'KeyH', label: 'Alt+H' },
  hold: { code: 'KeyO', label: 'Alt+O' },
  transfer: { code: 'KeyT', label: 'Alt+T' },
  note: { code: 'KeyN', label: 'Alt+N' },
  help: { code: 'Slash', label: '?' },
} as const;

export type ShortcutName = keyof typeof SHORTCUTS;

/** Typing in a field: shortcuts stay out of the way (Alt+letters type characters on some layouts). */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  // A focused <select> (the language, a disposition) is not typing: Alt+letters still act there.
  if (target instanceof HTMLTextAreaElement) return true;
  if (target instanceof HTMLInputElement) return !['button', 'checkbox', 'radio', 'submit', 'reset'].includes(target.type);
  return false;
}

/** Which shortcut a key press is, if any. */
export function shortcutOf(event: KeyboardEvent): ShortcutName | null {
  if (event.defaultPrevented || event.repeat || isTyping(event.target)) return null;
  if (event.ctrlKey || event.metaKey) return null;
  if (!event.altKey) return event.key === '?' ? 'help' : null;
  for (const [name, shortcut] of Object.entries(SHORTCUTS)) {
    if (shortcut.code === event.code) return name as ShortcutName;
  }
  return null;
}

/** "Ready (Alt+R)": the button's tooltip names its shortcut. */
export const withShortcut = (label: string, name: ShortcutName): string => `${label} (${SHORTCUTS[name].label})`;
