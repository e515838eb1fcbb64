import { useRunAction } from '../actions.js';
import { api } from '../api/console-api.js';
import { useI18n } from '../i18n/context.js';
import { withShortcut } from '../shortcuts.js';
import type { CallContext } from '../state/console-state.js';
import type { CallView, ConsoleConfig } from '../types.js';
import { ConsultForm, TransferForm } from './TransferForms.js';

export type ControlPanel = 'transfer' | 'consult' | null;

export interface CallControlsProps {
  call: CallContext;
  config: ConsoleConfig | null;
  panel: ControlPanel;
  setPanel: (panel: ControlPanel) => void;
  /** The call's new view: the server's answer when it gives one, else what the action implies. */
  onView: (view: CallView) => void;
}

/** Hold / resume, blind and attended transfer, hang up: the controls of a call that is answered. */
export function CallControls({ call, config, panel, setPanel, onView }: CallControlsProps) {
  const { t } = useI18n();
  const run = useRunAction();
  const { view } = call;
  if (view.state === 'ringing' || view.state === 'ended') return null;
  const held = view.state === 'held';
  const consulting = view.state === 'consulting';

  const act = (label: string, request: () => Promise<CallView | undefined>, implied: CallView | null) =>
    run(label, async () => {
      const answer = (await request()) ?? implied;
      if (answer) onView(answer);
    });

  return (
    <section class="card controls" aria-labelledby="controls-heading">
      <h2 id="controls-heading" class="visually-hidden">
        {t.controls.heading}
      </h2>
      {consulting && view.consult && (
        <div class="consult-status" role="status">
          <strong>{t.controls.consultWith(view.consult.displayName)}</strong>{' '}
          <span class="pill info">{view.consult.state === 'ringing' ? t.controls.consultRinging : t.controls.consultTalking}</span>
          <div class="button-row">
            <button type="button" class="primary" onClick={() => void act(t.controls.consultComplete, api.consultComplete, { ...view, state: 'ended', consult: null })}>
              {t.controls.consultComplete}
            </button>
            <button type="button" onClick={() => void act(t.controls.consultCancel, api.consultCancel, { ...view, state: 'talking', consult: null })}>
              {t.controls.consultCancel}
            </button>
          </div>
        </div>
      )}
      <div class="button-row">
        {!consulting &&
          (held ? (
            <button type="button" onClick={() => void act(t.controls.resume, api.resume, { ...view, state: 'talking', since: Date.now() })} title={withShortcut(t.controls.resume, 'hold')} aria-keyshortcuts="Alt+O">
              {t.controls.resume}
            </button>
          ) : (
            <button type="button" onClick={() => void act(t.controls.hold, api.hold, { ...view, state: 'held', since: Date.now() })} title={withShortcut(t.controls.hold, 'hold')} aria-keyshortcuts="Alt+O">
              {t.controls.hold}
            </button>
          ))}
        {!consulting && (
          <>
            <button type="button" aria-expanded={panel === 'transfer'} onClick={() => setPanel(panel === 'transfer' ? null : 'transfer')} title={withShortcut(t.controls.transfer, 'transfer')} aria-keyshortcuts="Alt+T">
              ⇄ {t.controls.transfer}
            </button>
            <button type="button" aria-expanded={panel === 'consult'} onClick={() => setPanel(panel === 'consult' ? null : 'consult')}>
              ☏ {t.controls.consult}
            </button>
          </>
        )}
        <button type="button" class="danger" onClick={() => void act(t.controls.hangup, api.hangup, null)} title={withShortcut(t.controls.hangup, 'hangup')} aria-keyshortcuts="Alt+H">
          ✕ {t.controls.hangup}
        </button>
      </div>
      {panel === 'transfer' && !consulting && <TransferForm config={config} onDone={() => setPanel(null)} onView={onView} view={view} />}
      {panel === 'consult' && !consulting && <ConsultForm config={config} onDone={() => setPanel(null)} onView={onView} view={view} />}
    </section>
  );
}
