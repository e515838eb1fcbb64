import type { ConsoleMessage } from '../agent/types.js';
import type { AgentFigures, HistoryPoint, QueueFigures } from './types.js';

export interface WallboardState {
  queues: Map<string, QueueFigures>;
  agents: Map<string, AgentFigures>;
  history: Map<string, HistoryPoint[]>;
  historyStepMs: number;
  /** The server's clock minus ours: times in state are shown by the server's clock. */
  clockOffsetMs: number;
  loaded: boolean;
}

export const emptyWallboard: WallboardState = { queues: new Map(), agents: new Map(), history: new Map(), historyStepMs: 15_000, clockOffsetMs: 0, loaded: false };

const HOUR_MS = 3600_000;

/** A live update also extends the chart, one point per step (the server samples the same way). */
function withPoint(history: Map<string, HistoryPoint[]>, figures: QueueFigures, stepMs: number): Map<string, HistoryPoint[]> {
  const points = history.get(figures.queue) ?? [];
  const at = Math.floor(figures.at / stepMs) * stepMs;
  const point: HistoryPoint = { at, waiting: figures.waiting, serviceLevelPercent: figures.serviceLevelPercent };
  const kept = points.filter((existing) => existing.at !== at && existing.at > figures.at - HOUR_MS);
  const next = new Map(history);
  next.set(figures.queue, [...kept, point].sort((a, b) => a.at - b.at));
  return next;
}

/** Server messages → what the wallboard shows (pure: tested without a browser). */
export function wallboardReducer(state: WallboardState, message: ConsoleMessage, receivedAt: number): WallboardState {
  switch (message.type) {
    case 'snapshot': {
      const board = message.wallboard;
      if (!board) return { ...state, loaded: true };
      return {
        queues: new Map(board.queues.map((queue) => [queue.queue, queue])),
        agents: new Map(board.agents.map((agent) => [agent.agentId, agent])),
        history: new Map(Object.entries(board.history)),
        historyStepMs: board.historyStepMs,
        clockOffsetMs: message.serverTime - receivedAt,
        loaded: true,
      };
    }
    case 'wallboard.queue': {
      const queues = new Map(state.queues);
      queues.set(message.figures.queue, message.figures);
      return { ...state, queues, history: withPoint(state.history, message.figures, state.historyStepMs) };
    }
    case 'wallboard.agent': {
      const agents = new Map(state.agents);
      agents.set(message.agent.agentId, message.agent);
      return { ...state, agents };
    }
    default:
      return state;
  }
}
