import { useEffect, useRef } from 'preact/hooks';
import { useI18n } from '../i18n/context.js';
import { labelOf } from '../i18n/format.js';

/** The configured pause reasons as a menu; the first is focused so Alt+P, arrow keys and Enter pause without the mouse. */
export function PauseMenu({ reasons, onPick, onClose }: { reasons: string[]; onPick: (reason: string) => void; onClose: () => void }) {
  const { t } = useI18n();
  const menu = useRef<HTMLDivElement>(null);

  useEffect(() => {
    menu.current?.querySelector('button')?.focus();
    const outside = (event: MouseEvent) => {
      if (menu.current && event.target instanceof Node && !menu.current.parentElement?.contains(event.target)) onClose();
    };
    document.addEventListener('mousedown', outside);
    return () => document.removeEventListener('mousedown', outside);
  }, [onClose]);

  const onKeyDown = (event: KeyboardEvent) => {
    const items = [...(menu.current?.querySelectorAll('button') ?? [])];
    const index = items.indexOf(document.activeElement as HTMLButtonElement);
    if (event.key === 'Escape') {
      event.preventDefault();
      onClose();
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      items[(index + step + items.length) % items.length]?.focus();
    }
  };

  return (
    <div class="menu" role="menu" aria-label={t.header.pauseReason} ref={menu} onKeyDown={onKeyDown}>
      {reasons.length === 0 && <p class="muted menu-empty">{t.header.noPauseReasons}</p>}
      {reasons.map((reason) => (
        <button
          key={reason}
          type="button"
          role="menuitem"
          onClick={() => {
            onClose();
            onPick(reason);
          }}
        >
          {labelOf(t.reasons, reason)}
        </button>
      ))}
    </div>
  );
}
