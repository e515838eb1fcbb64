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
  | { type: 'call.abandoned'; callId: string; queue: string; stage: 'queue' | 'offered'; waitedMs: number; at: number }
  /** A talk ended (either side hung up, or the agent handed the caller on): its length and the queue's wrap-up that follows. */
  | { type: 'call.completed'; callId: string; queue: string; agentId: string; talkMs: number; wrapUpSeconds: number; at: number }
  /** A position / wait announcement to a waiting caller (estimateSeconds as announced, before rounding to minutes). */
  | { type: 'call.estimate'; callId: string; queue: string; position: number | null; estimateSeconds: number; at: number }
  /** A waiting call changed live: an escalation step or a supervisor. */
  | { type: 'call.changed'; callId: string; queue: string; queues: string[]; priority: number; skills: Record<string, number>; by: CallChangeSource; at: number }
  /** The call left the queue for somewhere other than an agent. */
  | { type: 'call.exited'; callId: string; queue: string; to: 'voicemail' | 'callback' | 'hangup'; reason: ExitReason; waitedMs: number; at: number };

export type CallChangeSource = 'escalation' | 'overflow' | 'supervisor';
/** Why a call left its queue: its ladder, the queue's limits, or the caller's choice of a callback. */
export type ExitReason = 'escalation' | 'max_wait' | 'full' | 'no_agents' | 'caller_choice';

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
