import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { AcdEventBus } from './acd-events.js';

/** Counts every ACD event in /metrics: calls by queue and outcome, waits, missed offers, agents by state. */
export function recordAcdMetrics(bus: AcdEventBus, registry: Registry): void {
  const calls = new Counter({
    name: 'ringside_acd_calls_total',
    help: 'ACD call events by queue: queued, offered, missed, answered, abandoned_queue, abandoned_offered, changed, exited_voicemail/callback/hangup',
    labelNames: ['queue', 'event'],
    registers: [registry],
  });
  const waits = new Histogram({
    name: 'ringside_acd_wait_seconds',
    help: 'Time from joining the queue to being answered or abandoning',
    labelNames: ['queue', 'outcome'],
    buckets: [1, 5, 10, 20, 30, 60, 120, 300, 600],
    registers: [registry],
  });
  const estimates = new Histogram({
    name: 'ringside_acd_wait_estimate_seconds',
    help: 'Wait estimates announced to queued callers',
    labelNames: ['queue'],
    buckets: [30, 60, 120, 300, 600, 1200],
    registers: [registry],
  });
  const agents = new Gauge({ name: 'ringside_agents', help: 'Agents by state, as this node has seen them change', labelNames: ['state'], registers: [registry] });
  bus.subscribe((event) => {
    switch (event.type) {
      case 'agent.state':
        if (event.from !== event.to) {
          if (event.from !== 'logged_out') agents.dec({ state: event.from });
          if (event.to !== 'logged_out') agents.inc({ state: event.to });
        }
        return;
      case 'call.abandoned':
        calls.inc({ queue: event.queue, event: `abandoned_${event.stage}` });
        waits.observe({ queue: event.queue, outcome: 'abandoned' }, event.waitedMs / 1000);
        return;
      case 'call.answered':
        calls.inc({ queue: event.queue, event: 'answered' });
        waits.observe({ queue: event.queue, outcome: 'answered' }, event.waitedMs / 1000);
        return;
      case 'call.estimate':
        estimates.observe({ queue: event.queue }, event.estimateSeconds);
        return;
      case 'call.exited':
        calls.inc({ queue: event.queue, event: `exited_${event.to}` });
        return;
      default:
        calls.inc({ queue: event.queue, event: event.type.slice('call.'.length) });
    }
  });
}
