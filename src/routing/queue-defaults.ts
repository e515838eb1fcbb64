import type { QueueDefinition, QueueSchema } from './schema.js';

/** Defaults documented in routing-rules/README.md; change both together. */
export const QUEUE_DEFAULTS = {
  serviceLevelSeconds: 20,
  serviceLevelTargetPercent: 80,
  // longestWaitAboveSeconds defaults to the queue's own service-level threshold (resolveQueue).
  alerts: { waitingAbove: 10, abandonRateAbovePercent: 10 },
  maxWaitSeconds: 900,
  maxLength: 100,
  wrapUpSeconds: 10,
  ringTimeoutSeconds: 15,
  strategy: 'longest_idle',
  announcements: { onEntry: true, everySeconds: 60, position: true, estimatedWait: true },
  // Nobody can answer: waiting in silence helps no one, take a message.
  whenNoAgents: { action: 'voicemail' },
  whenFull: { action: 'voicemail' },
  whenMaxWait: { action: 'voicemail' },
  callback: { mode: 'agent_first', attempts: 3, retryAfterSeconds: 600, ringSeconds: 30, offerAfterSeconds: null, offerWhenEstimateAboveSeconds: null },
} as const satisfies Omit<QueueDefinition, 'name' | 'description' | 'alerts'> & { alerts: Omit<QueueDefinition['alerts'], 'longestWaitAboveSeconds'> };

/** A queue as written, with every default filled in. */
export function resolveQueue(queue: QueueSchema): QueueDefinition {
  return {
    name: queue.name,
    description: queue.description,
    serviceLevelSeconds: queue.serviceLevelSeconds ?? QUEUE_DEFAULTS.serviceLevelSeconds,
    serviceLevelTargetPercent: queue.serviceLevelTargetPercent ?? QUEUE_DEFAULTS.serviceLevelTargetPercent,
    alerts: {
      waitingAbove: queue.alerts?.waitingAbove ?? QUEUE_DEFAULTS.alerts.waitingAbove,
      longestWaitAboveSeconds: queue.alerts?.longestWaitAboveSeconds ?? queue.serviceLevelSeconds ?? QUEUE_DEFAULTS.serviceLevelSeconds,
      abandonRateAbovePercent: queue.alerts?.abandonRateAbovePercent ?? QUEUE_DEFAULTS.alerts.abandonRateAbovePercent,
    },
    maxWaitSeconds: queue.maxWaitSeconds ?? QUEUE_DEFAULTS.maxWaitSeconds,
    maxLength: queue.maxLength ?? QUEUE_DEFAULTS.maxLength,
    wrapUpSeconds: queue.wrapUpSeconds ?? QUEUE_DEFAULTS.wrapUpSeconds,
    ringTimeoutSeconds: queue.ringTimeoutSeconds ?? QUEUE_DEFAULTS.ringTimeoutSeconds,
    strategy: queue.strategy ?? QUEUE_DEFAULTS.strategy,
    announcements: { ...QUEUE_DEFAULTS.announcements, ...queue.announcements },
    whenNoAgents: queue.whenNoAgents ?? { ...QUEUE_DEFAULTS.whenNoAgents },
    whenFull: queue.whenFull ?? { ...QUEUE_DEFAULTS.whenFull },
    whenMaxWait: queue.whenMaxWait ?? { ...QUEUE_DEFAULTS.whenMaxWait },
    callback: {
      mode: queue.callback?.mode ?? QUEUE_DEFAULTS.callback.mode,
      attempts: queue.callback?.attempts ?? QUEUE_DEFAULTS.callback.attempts,
      retryAfterSeconds: queue.callback?.retryAfterSeconds ?? QUEUE_DEFAULTS.callback.retryAfterSeconds,
      ringSeconds: queue.callback?.ringSeconds ?? QUEUE_DEFAULTS.callback.ringSeconds,
      offerAfterSeconds: queue.callback?.offerAfterSeconds ?? QUEUE_DEFAULTS.callback.offerAfterSeconds,
      offerWhenEstimateAboveSeconds: queue.callback?.offerWhenEstimateAboveSeconds ?? QUEUE_DEFAULTS.callback.offerWhenEstimateAboveSeconds,
    },
  };
}
