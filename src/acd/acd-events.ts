import type { AgentStateEvent } from '../agents/agent-state.js';

/**
 * What the ACD tells the rest of the system (screen-pop, wallboard, metrics):
 * one typed event per change of a call or an agent, with its time.
 */
export type AcdEvent =
  | ({ type: 'agent.state' } & AgentStateEvent)
  | { type: 'call.queued'; callId: string; queue: string; position: number; priority: number; rule: string; at: number }
  | { type: 'call.offered'; callId: string; queue: string; agentId: string; at: number }
  | { type: 'call.missed'; callId: string; queue: string; agentId: string; reason: string; at: number }
  | { type: 'call.answered'; callId: string; queue: string; agentId: string; waitedMs: number; at: number }
  | { type: 'call.abandoned'; callId: string; queue: string; stage: 'queue' | 'offered'; waitedMs: number; at: number };

export type AcdEventListener = (event: AcdEvent) => void;

/** Fans events out to in-process listeners; a failing listener never stops the others or the ACD. */
export class AcdEventBus {
  private readonly listeners: AcdEventListener[] = [];

  constructor(private readonly onListenerError: (error: unknown, event: AcdEvent) => void = () => undefined) {}

  subscribe(listener: AcdEventListener): () => void {
    this.listeners.push(listener);
    return () => {
      const index = this.listeners.indexOf(listener);
      if (index >= 0) this.listeners.splice(index, 1);
    };
  }

  publish(event: AcdEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.onListenerError(error, event);
      }
    }
  }
}
