import { useState } from 'preact/hooks';
import { useRunAction } from '../actions.js';
import { api } from '../api/console-api.js';
import { useI18n } from '../i18n/context.js';
import type { CallView, ConsoleConfig, TransferTarget } from '../types.js';

interface FormProps {
  config: ConsoleConfig | null;
  view: CallView;
  onDone: () => void;
  onView: (view: CallView) => void;
}

/** Colleagues to hand over to: everyone but the agent, with their state so a free one is easy to find. */
function AgentOptions({ config }: { config: ConsoleConfig | null }) {
  const { t } = useI18n();
  const others = (config?.agents ?? []).filter((agent) => agent.agentId !== config?.agentId);
  return (
    <>
      {others.map((agent) => (
        <option key={agent.agentId} value={agent.agentId}>
          {agent.displayName} · {(t.states as Record<string, string>)[agent.status] ?? agent.status}
        </option>
      ))}
    </>
  );
}

/** Blind transfer: to a queue or an agent, with a note the next agent sees on their pop. */
export function TransferForm({ config, view, onDone, onView }: FormProps) {
  const { t } = useI18n();
  const run = useRunAction();
  const [mode, setMode] = useState<'queue' | 'agent'>('queue');
  const [target, setTarget] = useState('');
  const [note, setNote] = useState('');

  const submit = async (event: Event) => {
    event.preventDefault();
    const to: TransferTarget = mode === 'queue' ? { queue: target } : { agentId: target };
    const done = await run(t.controls.transfer, async () => {
      const answer = await api.transfer({ to, ...(note.trim() ? { note: note.trim() } : {}) });
      onView(answer ?? { ...view, state: 'ended', consult: null });
    });
    if (done) onDone();
  };

  return (
    <form class="subform" onSubmit={(event) => void submit(event)} aria-label={t.controls.blindTransfer}>
      <h3>{t.controls.blindTransfer}</h3>
      <fieldset class="segmented">
        <legend class="visually-hidden">{t.controls.blindTransfer}</legend>
        {(['queue', 'agent'] as const).map((option) => (
          <label key={option}>
            <input
              type="radio"
              name="transfer-mode"
              checked={mode === option}
              onChange={() => {
                setMode(option);
                setTarget('');
              }}
            />
            {option === 'queue' ? t.controls.toQueue : t.controls.toAgent}
          </label>
        ))}
      </fieldset>
      <label class="field">
        <span>{mode === 'queue' ? t.controls.queue : t.controls.agent}</span>
        <select required value={target} onChange={(event) => setTarget(event.currentTarget.value)} autoFocus>
          <option value="">{t.controls.choose}</option>
          {mode === 'queue' ? (config?.queues ?? []).map((queue) => <option key={queue} value={queue}>{queue}</option>) : <AgentOptions config={config} />}
        </select>
      </label>
      <label class="field">
        <span>{t.controls.note}</span>
        <textarea rows={2} maxLength={2000} value={note} onInput={(event) => setNote(event.currentTarget.value)} />
      </label>
      <div class="button-row">
        <button type="submit" class="primary" disabled={target === ''}>
          {t.controls.transferNow}
        </button>
        <button type="button" onClick={onDone}>
          {t.controls.cancel}
        </button>
      </div>
    </form>
  );
}

/** Attended transfer, first half: ring a colleague while the caller is held; then complete or cancel (CallControls). */
export function ConsultForm({ config, view, onDone, onView }: FormProps) {
  const { t } = useI18n();
  const run = useRunAction();
  const [agentId, setAgentId] = useState('');
  const [note, setNote] = useState('');
  const others = (config?.agents ?? []).filter((agent) => agent.agentId !== config?.agentId);

  const submit = async (event: Event) => {
    event.preventDefault();
    const displayName = others.find((agent) => agent.agentId === agentId)?.displayName ?? agentId;
    const done = await run(t.controls.consult, async () => {
      const answer = await api.consult({ to: { agentId }, ...(note.trim() ? { note: note.trim() } : {}) });
      onView(answer ?? { ...view, state: 'consulting', since: Date.now(), consult: { agentId, displayName, state: 'ringing' } });
    });
    if (done) onDone();
  };

  return (
    <form class="subform" onSubmit={(event) => void submit(event)} aria-label={t.controls.consultHeading}>
      <h3>{t.controls.consultHeading}</h3>
      {others.length === 0 ? (
        <p class="muted">{t.controls.noAgents}</p>
      ) : (
        <label class="field">
          <span>{t.controls.agent}</span>
          <select required value={agentId} onChange={(event) => setAgentId(event.currentTarget.value)} autoFocus>
            <option value="">{t.controls.choose}</option>
            <AgentOptions config={config} />
          </select>
        </label>
      )}
      <label class="field">
        <span>{t.controls.note}</span>
        <textarea rows={2} maxLength={2000} value={note} onInput={(event) => setNote(event.currentTarget.value)} />
      </label>
      <div class="button-row">
        <button type="submit" class="primary" disabled={agentId === ''}>
          {t.controls.consultCall}
        </button>
        <button type="button" onClick={onDone}>
          {t.controls.cancel}
        </button>
      </div>
    </form>
  );
}
