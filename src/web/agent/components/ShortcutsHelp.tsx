import { useEffect, useRef } from 'preact/hooks';
import { useI18n } from '../i18n/context.js';
import { SHORTCUTS, type ShortcutName } from '../shortcuts.js';

const ORDER: ShortcutName[] = ['ready', 'pause', 'hangup', 'hold', 'transfer', 'note', 'help'];

/** The list of shortcuts, in a modal dialog (Escape closes it, as every native dialog). */
export function ShortcutsHelp({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  return (
    <dialog ref={dialog} class="dialog" aria-labelledby="shortcuts-heading" onClose={onClose}>
      <h2 id="shortcuts-heading">{t.shortcuts.heading}</h2>
      <table class="table shortcuts">
        <tbody>
          {ORDER.map((name) => (
            <tr key={name}>
              <td>
                <kbd>{SHORTCUTS[name].label}</kbd>
              </td>
              <td>{t.shortcuts[name]}</td>
            </tr>
          ))}
          <tr>
            <td>
              <kbd>Esc</kbd>
            </td>
            <td>{t.shortcuts.escape}</td>
          </tr>
        </tbody>
      </table>
      <p class="muted small">{t.shortcuts.notInInputs}</p>
      <form method="dialog">
        <button type="submit" class="primary">
          {t.shortcuts.close}
        </button>
      </form>
    </dialog>
  );
}
