import { resolveQueue } from '../routing/queue-defaults.js';
import type { QueueDefinition } from '../routing/schema.js';

/**
 * Every agent also serves a queue of their own, `agent:<id>`: a call transferred to one agent waits there, so
 * it reaches them through the same atomic assignment as any other call (never while they are busy, fair by
 * virtual arrival against their other queues) and survives a restart like any waiting call.
 */
export const DIRECT_QUEUE_PREFIX = 'agent:';

export const directQueueOf = (agentId: string): string => `${DIRECT_QUEUE_PREFIX}${agentId}`;

export const isDirectQueue = (name: string): boolean => name.startsWith(DIRECT_QUEUE_PREFIX);

/** Waits for the agent (they may be finishing a wrap-up) for two minutes, then goes to `fallback` if given. */
export function directQueue(name: string, fallback?: string): QueueDefinition {
  return resolveQueue({
    name,
    maxWaitSeconds: 120,
    announcements: { onEntry: false, everySeconds: 0 },
    whenNoAgents: { action: 'wait' },
    whenFull: { action: 'wait' },
    whenMaxWait: fallback ? { action: 'overflow', queue: fallback } : { action: 'voicemail' },
  });
}
