import { useCallback, useEffect, useReducer, useState } from 'preact/hooks';
import { api } from '../agent/api/console-api.js';
import { setUnauthorizedHandler } from '../agent/api/http.js';
import { ConnectionBanner } from '../agent/components/ConnectionBanner.js';
import { LanguagePicker } from '../agent/components/LanguagePicker.js';
import { useRealtime } from '../agent/hooks/use-realtime.js';
import { useI18n } from '../agent/i18n/context.js';
import type { ConsoleMessage, User } from '../agent/types.js';
import { AgentTable } from './AgentTable.js';
import { HistoryChart } from './HistoryChart.js';
import { QueueTile } from './QueueTile.js';
import { emptyWallboard, wallboardReducer } from './wallboard-state.js';

type View = 'tv' | 'supervisor';

const initialView = (): View => (new URLSearchParams(location.search).get('view') === 'tv' ? 'tv' : 'supervisor');

function useWidth(): number {
  const [width, setWidth] = useState(() => window.innerWidth);
  useEffect(() => {
    const resized = () => setWidth(window.innerWidth);
    window.addEventListener('resize', resized);
    return () => window.removeEventListener('resize', resized);
  }, []);
  return width;
}

/** The wallboard: queue tiles (TV view), plus the chart and the agent table (supervisor view), live over /ws. */
export function WallboardPage({ user, onSignedOut }: { user: User; onSignedOut: (notice: string | null) => void }) {
  const { t } = useI18n();
  const [state, dispatch] = useReducer((current: typeof emptyWallboard, action: { message: ConsoleMessage; at: number }) => wallboardReducer(current, action.message, action.at), emptyWallboard);
  const [view, setView] = useState<View>(initialView);
  const [chartQueue, setChartQueue] = useState<string | null>(null);
  const width = useWidth();

  const signedOut = useCallback(() => onSignedOut(t.login.sessionEnded), [onSignedOut, t]);
  useEffect(() => {
    setUnauthorizedHandler(signedOut);
    return () => setUnauthorizedHandler(null);
  }, [signedOut]);
  const { status } = useRealtime({
    onMessage: (message, at) => dispatch({ message, at }),
    onEnded: signedOut,
    onFailures: () => void api.me().catch(() => undefined),
  });

  const queues = [...state.queues.values()].sort((a, b) => a.queue.localeCompare(b.queue));
  // The busiest queue until the supervisor picks one.
  const shownQueue = chartQueue ?? [...queues].sort((a, b) => b.offered - a.offered)[0]?.queue ?? null;
  const chooseView = (next: View) => {
    setView(next);
    history.replaceState(null, '', next === 'tv' ? '?view=tv' : location.pathname);
  };

  return (
    <div class={`wallboard view-${view}`}>
      <header class="topbar">
        <span class="brand">{t.app.brand}</span>
        <h1>{t.wallboard.heading}</h1>
        <span class="agent-name">{user.displayName}</span>
        <div class="spacer" />
        <div class="segmented" role="group" aria-label={t.wallboard.view}>
          {(['tv', 'supervisor'] as const).map((option) => (
            <button key={option} type="button" aria-pressed={view === option} onClick={() => chooseView(option)}>
              {option === 'tv' ? t.wallboard.tv : t.wallboard.supervisor}
            </button>
          ))}
        </div>
        <LanguagePicker />
        <button type="button" class="link" onClick={() => void api.logout().finally(() => onSignedOut(null))}>
          {t.header.signOut}
        </button>
      </header>
      <ConnectionBanner status={status} />
      <main>
        {state.loaded && queues.length === 0 && <p class="muted">{t.wallboard.noQueues}</p>}
        <div class="tiles" data-testid="tiles">
          {queues.map((figures) => (
            <QueueTile key={figures.queue} figures={figures} />
          ))}
        </div>
        {view === 'supervisor' && (
          <>
            {shownQueue && (
              <section class="card chart-card" aria-labelledby="chart-heading">
                <div class="chart-top">
                  <h2 id="chart-heading">{t.wallboard.chart}</h2>
                  <label>
                    <span class="visually-hidden">{t.wallboard.chartQueue}</span>
                    <select aria-label={t.wallboard.chartQueue} value={shownQueue} onChange={(event) => setChartQueue(event.currentTarget.value)}>
                      {queues.map((figures) => (
                        <option key={figures.queue} value={figures.queue}>
                          {figures.queue}
                        </option>
                      ))}
                    </select>
                  </label>
                </div>
                <HistoryChart points={state.history.get(shownQueue) ?? []} width={Math.max(280, Math.min(width - 64, 1800))} />
              </section>
            )}
            <AgentTable agents={[...state.agents.values()]} clockOffsetMs={state.clockOffsetMs} />
          </>
        )}
      </main>
    </div>
  );
}
