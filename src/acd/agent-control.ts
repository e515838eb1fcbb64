import type { AgentStateEvent } from '../agents/agent-state.js';
import { RingsideError } from '../errors.js';
import type { AcdStore } from './acd-store.js';
import type { AcdDispatcher } from './dispatcher.js';

/** What an agent (or a supervisor for them) can ask for; offers, answers and hang-ups come from the phones. */
export const AGENT_REQUESTS = ['login', 'pause', 'resume', 'end_wrap_up', 'logout'] as const;
export type AgentRequest = (typeof AGENT_REQUESTS)[number];

/** Reasons the system gives itself; an agent cannot choose them. */
const SYSTEM_PAUSE_REASONS = new Set(['missed']);

export interface AgentControlOptions {
  store: AcdStore;
  dispatcher: AcdDispatcher;
  /** Logs in with the agent's skills and queues from the directory. */
  login: (agentId: string) => Promise<AgentStateEvent>;
  pauseReasons: readonly string[];
}

/**
 * Agent state changes asked for through the API: checked against the
 * configured pause reasons, applied by the store's state machine (illegal
 * transitions refused with `illegal_transition`), published, and followed by an
 * offer when the agent becomes available.
 */
export class AgentControl {
  constructor(private readonly options: AgentControlOptions) {}

  async apply(agentId: string, request: AgentRequest, reason?: string): Promise<AgentStateEvent> {
    const { store, dispatcher } = this.options;
    switch (request) {
      case 'login':
        return this.options.login(agentId);
      case 'pause': {
        if (!reason || SYSTEM_PAUSE_REASONS.has(reason) || !this.options.pauseReasons.includes(reason)) {
          throw new RingsideError('invalid_pause_reason', `pause reason must be one of: ${this.options.pauseReasons.join(', ')}`, 400, { reasons: [...this.options.pauseReasons] });
        }
        return this.published(await store.agentPause(agentId, reason));
      }
      case 'resume':
        return dispatcher.agentResumed(agentId);
      case 'end_wrap_up':
        return dispatcher.endWrapUp(agentId);
      case 'logout':
        return this.published(await store.agentLogout(agentId));
    }
  }

  private published(event: AgentStateEvent): AgentStateEvent {
    this.options.dispatcher.agentChanged(event);
    return event;
  }
}
