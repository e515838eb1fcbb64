import { useNow } from '../agent/hooks/use-now.js';
import { useI18n } from '../agent/i18n/context.js';
import { labelOf } from '../agent/i18n/format.js';
import type { AgentFigures } from './types.js';

const ORDER = ['offered', 'on_call', 'wrap_up', 'available', 'paused', 'logged_out'];

/** Every agent: state and how long in it, the call, queues, calls today (the supervisor view). */
export function AgentTable({ agents, clockOffsetMs }: { agents: AgentFigures[]; clockOffsetMs: number }) {
  const { t, fmt } = useI18n();
  const now = useNow() + clockOffsetMs;
  const sorted = [...agents].sort((a, b) => ORDER.indexOf(a.status) - ORDER.indexOf(b.status) || a.displayName.localeCompare(b.displayName));
  return (
    <section class="card agent-table" aria-labelledby="agents-heading">
      <h2 id="agents-heading">{t.wallboard.agentTable}</h2>
      {sorted.length === 0 ? (
        <p class="muted">{t.wallboard.noAgents}</p>
      ) : (
        <table data-testid="agent-table">
          <thead>
            <tr>
              <th>{t.wallboard.agent}</th>
              <th>{t.wallboard.state}</th>
              <th>{t.wallboard.timeInState}</th>
              <th>{t.wallboard.call}</th>
              <th>{t.wallboard.queues}</th>
              <th class="num">{t.wallboard.callsToday}</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((agent) => (
              <tr key={agent.agentId}>
                <td>{agent.displayName}</td>
                <td>
                  <span class={`pill state-${agent.status}`}>{labelOf(t.states as Record<string, string>, agent.status)}</span>
                  {agent.reason && <span class="muted"> {labelOf(t.reasons, agent.reason)}</span>}
                </td>
                <td class="num">{fmt.duration(now - agent.since)}</td>
                <td class="muted">{agent.callId ? agent.callId.slice(0, 12) : t.unknownValue}</td>
                <td>{agent.queues.join(', ')}</td>
                <td class="num">{fmt.number(agent.callsToday)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
