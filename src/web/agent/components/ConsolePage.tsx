import { useCallback, useEffect, useReducer, useRef, useState } from 'preact/hooks';
import { ActionContext, type RunAction } from '../actions.js';
import { api, type AgentAction } from '../api/console-api.js';
import { ApiError, setUnauthorizedHandler } from '../api/http.js';
import { describeError } from '../errors.js';
import { useLoader } from '../hooks/use-loader.js';
import { useRealtime } from '../hooks/use-realtime.js';
import { useShortcuts } from '../hooks/use-shortcuts.js';
import { useI18n } from '../i18n/context.js';
import { consoleReducer, initialState } from '../state/console-state.js';
import type { SessionUserView, User } from '../types.js';
import { CallCard } from './CallCard.js';
import { CallControls, type ControlPanel } from './CallControls.js';
import { CallNotes, NOTE_FIELD_ID } from './CallNotes.js';
import { ConnectionBanner } from './ConnectionBanner.js';
import { CustomerPanel } from './CustomerPanel.js';
import { Header } from './Header.js';
import { IdleCard } from './IdleCard.js';
import { RecentCalls } from './RecentCalls.js';
import { ShortcutsHelp } from './ShortcutsHelp.js';
import { WrapUpForm } from './WrapUpForm.js';
import { FollowUpForm } from './FollowUpForm.js';

const sessionViewOf = (user: User): SessionUserView => ({ userId: String(user.id), username: user.username, displayName: user.displayName, role: user.role });

/** The logged-in console: the realtime state, the agent's actions, and the layout of the panels. */
export function ConsolePage({ user, onSignedOut }: { user: User; onSignedOut: (notice: string | null) => void }) {
  const { t } = useI18n();
  const [state, dispatch] = useReducer(consoleReducer, user, (first) => initialState(sessionViewOf(first)));
  const [config] = useLoader(api.config);
  const [recent, reloadRecent] = useLoader(api.recentCalls);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [panel, setPanel] = useState<ControlPanel>(null);
  const [pauseMenuOpen, setPauseMenuOpen] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);
  const shownPops = useRef(new Set<string>());
  const agentId = String(user.id);
  const { agent, call } = state;
  const consoleConfig = config.kind === 'loaded' ? config.value : null;

  const signedOut = useCallback(() => onSignedOut(t.login.sessionEnded), [onSignedOut, t]);
  useEffect(() => {
    setUnauthorizedHandler(signedOut);
    return () => setUnauthorizedHandler(null);
  }, [signedOut]);

  const { status, send } = useRealtime({
    onMessage: (message, receivedAt) => dispatch({ type: 'message', message, receivedAt }),
    onEnded: signedOut,
    // Several failed reconnections: maybe the session itself has expired (a WebSocket cannot see the 401).
    onFailures: () => void api.me().catch((error: unknown) => error instanceof ApiError && error.status === 401 && signedOut()),
  });

  // Tell the server the pop is on screen (it measures how late pops arrive): once per pop.
  const popId = call?.pop?.popId;
  useEffect(() => {
    if (popId === undefined || shownPops.current.has(popId)) return;
    if (send({ type: 'pop.shown', popId })) shownPops.current.add(popId);
  }, [popId, send, status]);

  // A call finished (wrap-up) or the agent is free again: the recent calls have changed.
  useEffect(() => {
    if (agent.status === 'wrap_up' || agent.status === 'available') reloadRecent();
  }, [agent.status, reloadRecent]);
  useEffect(() => setPanel(null), [call?.callId, call?.view.state]);

  const run: RunAction = useCallback(
    async (label, task) => {
      setBusy(true);
      setFailure(null);
      try {
        await task();
        return true;
      } catch (error) {
        setFailure(t.errors.action(label, describeError(t, error)));
        return false;
      } finally {
        setBusy(false);
      }
    },
    [t],
  );

  const agentAction = (action: AgentAction, reason?: string) =>
    void run(action === 'pause' ? t.header.pause : action === 'logout' ? t.header.logout : t.header.ready, async () => {
      dispatch({ type: 'agentEvent', event: await api.agentState(agentId, action, reason) });
    });
  const ready = () => {
    const action: AgentAction | null = agent.status === 'logged_out' ? 'login' : agent.status === 'paused' ? 'resume' : agent.status === 'wrap_up' ? 'end_wrap_up' : null;
    if (action) agentAction(action);
  };
  const answered = call !== null && (call.view.state === 'talking' || call.view.state === 'held');

  const signOut = async () => {
    // Leaving the queues first: an agent whose page is gone must not be offered calls.
    if (agent.status === 'available' || agent.status === 'paused') await api.agentState(agentId, 'logout').catch(() => undefined);
    await api.logout().catch(() => undefined);
    onSignedOut(null);
  };

  useShortcuts({
    ready,
    pause: () => agent.status === 'available' && setPauseMenuOpen(true),
    hangup: () => answered && void run(t.controls.hangup, () => api.hangup().then(() => undefined)),
    hold: () => {
      if (!call || !answered) return;
      const held = call.view.state === 'held';
      void run(held ? t.controls.resume : t.controls.hold, async () => {
        const view = (await (held ? api.resume() : api.hold())) ?? { ...call.view, state: held ? 'talking' : 'held', since: Date.now() };
        dispatch({ type: 'callView', view });
      });
    },
    transfer: () => answered && setPanel('transfer'),
    note: () => document.getElementById(NOTE_FIELD_ID)?.focus(),
    help: () => setHelpOpen(true),
  });

  return (
    <ActionContext.Provider value={run}>
      <div class="console">
        <Header
          state={state}
          pauseReasons={consoleConfig?.pauseReasons ?? []}
          pauseMenuOpen={pauseMenuOpen}
          setPauseMenuOpen={setPauseMenuOpen}
          busy={busy}
          onAction={agentAction}
          onReady={ready}
          onSignOut={() => void signOut()}
          onHelp={() => setHelpOpen(true)}
        />
        <ConnectionBanner status={status} />
        {failure && (
          <div class="notice error toast" role="alert">
            <span>{failure}</span>
            <button type="button" class="quiet" onClick={() => setFailure(null)}>
              {t.errors.dismiss}
            </button>
          </div>
        )}
        {config.kind === 'error' && <div class="notice warn toast">{t.errors.config}</div>}
        <main class={`workspace ${call ? 'has-call' : 'no-call'}`}>
          <div class="column column-call">
            {call ? <CallCard call={call} offsetMs={state.clockOffsetMs} /> : <IdleCard status={agent.status} reason={agent.reason} synced={state.synced} />}
            {call && agent.status === 'on_call' && <CallControls call={call} config={consoleConfig} panel={panel} setPanel={setPanel} onView={(view) => dispatch({ type: 'callView', view })} />}
            {agent.status === 'wrap_up' && agent.callId && <WrapUpForm key={agent.callId} callId={agent.callId} dispositions={consoleConfig?.dispositions ?? []} onSaved={reloadRecent} />}
            {call && agent.status === 'on_call' && <CallNotes call={call} dispatch={dispatch} />}
            {call && (agent.status === 'on_call' || agent.status === 'wrap_up') && <FollowUpForm key={call.callId} call={call} queues={consoleConfig?.queues ?? []} />}
          </div>
          {call && (
            <div class="column column-customer">
              <CustomerPanel call={call} dispatch={dispatch} />
            </div>
          )}
          <div class="column column-recent">
            <RecentCalls data={recent} onRefresh={reloadRecent} />
          </div>
        </main>
      </div>
      {helpOpen && <ShortcutsHelp onClose={() => setHelpOpen(false)} />}
    </ActionContext.Provider>
  );
}
