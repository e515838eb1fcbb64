import { useI18n } from '../i18n/context.js';
import { labelOf } from '../i18n/format.js';
import { useNow } from '../hooks/use-now.js';
import { withShortcut } from '../shortcuts.js';
import { displayState, type ConsoleState } from '../state/console-state.js';
import type { AgentAction } from '../api/console-api.js';
import { LanguagePicker } from './LanguagePicker.js';
import { PauseMenu } from './PauseMenu.js';

export interface HeaderProps {
  state: ConsoleState;
  pauseReasons: string[];
  pauseMenuOpen: boolean;
  setPauseMenuOpen: (open: boolean) => void;
  busy: boolean;
  onAction: (action: AgentAction, reason?: string) => void;
  onReady: () => void;
  onSignOut: () => void;
  onHelp: () => void;
}

function TimeInState({ since, offsetMs, until }: { since: number; offsetMs: number; until: number | undefined }) {
  const { t, fmt } = useI18n();
  const now = useNow() + offsetMs;
  if (since <= 0) return null;
  return (
    <span class="time-in-state" title={t.header.timeInState}>
      <span class="visually-hidden">{t.header.timeInState}: </span>
      <time>{fmt.duration(now - since)}</time>
      {until !== undefined && until > now && <span class="muted"> · {t.header.wrapUpEndsIn(fmt.duration(until - now))}</span>}
    </span>
  );
}

/** The agent's name and state with its ticking time, and the state buttons. */
export function Header(props: HeaderProps) {
  const { t } = useI18n();
  const { state } = props;
  const { agent } = state;
  const shown = displayState(state);
  const label = state.synced ? t.states[shown] : t.states.connecting;
  const reason = agent.status === 'paused' && agent.reason ? labelOf(t.reasons, agent.reason) : null;
  const canReady = state.synced && ['logged_out', 'paused', 'wrap_up'].includes(agent.status);
  const canPause = state.synced && agent.status === 'available';
  const canLogout = state.synced && agent.status !== 'logged_out' && !agent.logoutPending;

  return (
    <header class="topbar">
      <div class="topbar-who">
        <span class="brand">{t.app.brand}</span>
        <span class="agent-name" title={t.header.agent}>
          {state.user?.displayName ?? ''}
        </span>
        <span class={`state-badge state-${shown}`} role="status" aria-live="polite" data-testid="agent-state">
          <span class="visually-hidden">{t.header.state}: </span>
          {label}
          {reason && <span> · {reason}</span>}
        </span>
        {state.synced && <TimeInState since={agent.since} offsetMs={state.clockOffsetMs} until={agent.status === 'wrap_up' ? agent.until : undefined} />}
        {agent.logoutPending && <span class="pill warn">{t.header.logoutPending}</span>}
      </div>
      <div class="topbar-actions">
        <button type="button" class="ready" disabled={!canReady || props.busy} onClick={props.onReady} title={withShortcut(t.header.ready, 'ready')} aria-keyshortcuts="Alt+R">
          {t.header.ready}
        </button>
        <div class="menu-anchor">
          <button
            type="button"
            disabled={!canPause || props.busy}
            aria-haspopup="menu"
            aria-expanded={props.pauseMenuOpen}
            onClick={() => props.setPauseMenuOpen(!props.pauseMenuOpen)}
            title={withShortcut(t.header.pause, 'pause')}
            aria-keyshortcuts="Alt+P"
          >
            {t.header.pause} ▾
          </button>
          {props.pauseMenuOpen && canPause && (
            <PauseMenu reasons={props.pauseReasons} onPick={(picked) => props.onAction('pause', picked)} onClose={() => props.setPauseMenuOpen(false)} />
          )}
        </div>
        <button type="button" disabled={!canLogout || props.busy} onClick={() => props.onAction('logout')}>
          {t.header.logout}
        </button>
        <LanguagePicker />
        <button type="button" class="quiet" onClick={props.onHelp} title={withShortcut(t.header.shortcuts, 'help')} aria-keyshortcuts="Shift+?">
          ⌨ <span class="label-wide">{t.header.shortcuts}</span>
        </button>
        <button type="button" class="quiet" onClick={props.onSignOut} title={t.header.signOutTitle}>
          {t.header.signOut}
        </button>
      </div>
    </header>
  );
}
