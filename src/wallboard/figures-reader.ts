import { defineAcdScripts } from '../acd/lua-scripts.js';
import { centerDate } from '../acd/node-duties.js';
import { DEFAULT_HANDLE_SECONDS } from '../acd/staffing-view.js';
import type { StoredAgent } from '../acd/types.js';
import type { Redis } from '../redis/client.js';
import type { QueueDefinition } from '../routing/schema.js';
import { agentsNeeded } from '../stats/erlang-c.js';
import type { QueueFigures } from './figures.js';
import type { WallboardKeys } from './wallboard-keys.js';

/** The staffing figure looks at this many past minutes of arrivals (the current one included). */
const ARRIVAL_WINDOW_MINUTES = 15;

interface ScriptsInPipeline {
  wallboardOldestWaiting(...args: (string | number)[]): unknown;
}

const round1 = (value: number): number => Math.round(value * 10) / 10;
const ratio = (part: number, whole: number): number | null => (whole > 0 ? round1((part / whole) * 100) : null);

/** The figures rules, in one place (README "Wallboard"): the same for the wallboard and the reports. */
export function queueFiguresOf(
  queue: QueueDefinition,
  counters: Record<string, string>,
  live: { waiting: number; oldestEnqueuedAt: number | null; arrivalsInWindow: number; liveHandleSeconds: number | null; agents: QueueFigures['agents'] },
  now: number,
  day: string,
): QueueFigures {
  const count = (field: string) => Number(counters[field] ?? 0);
  const answered = count('answered');
  const abandoned = count('abandoned');
  const handled = count('handled');
  const handleSeconds = handled > 0 ? count('handleMs') / handled / 1000 : (live.liveHandleSeconds ?? DEFAULT_HANDLE_SECONDS);
  const arrivalsPerSecond = live.arrivalsInWindow / (ARRIVAL_WINDOW_MINUTES * 60);
  return {
    queue: queue.name,
    at: now,
    day,
    waiting: live.waiting,
    longestWaitSeconds: live.oldestEnqueuedAt === null ? 0 : Math.max(0, Math.round((now - live.oldestEnqueuedAt) / 1000)),
    agents: live.agents,
    offered: count('offered'),
    answered,
    answeredWithinThreshold: count('answeredWithinThreshold'),
    abandoned,
    exited: count('exited'),
    serviceLevelSeconds: queue.serviceLevelSeconds,
    serviceLevelPercent: ratio(count('answeredWithinThreshold'), answered + abandoned),
    asaSeconds: answered > 0 ? round1(count('waitAnsweredMs') / answered / 1000) : null,
    ahtSeconds: handled > 0 ? round1(count('handleMs') / handled / 1000) : null,
    abandonRatePercent: ratio(abandoned, answered + abandoned),
    staffing: {
      arrivalsPerHour: round1(arrivalsPerSecond * 3600),
      handleSeconds: round1(handleSeconds),
      agentsNeeded: agentsNeeded({ arrivalsPerSecond, handleSeconds, thresholdSeconds: queue.serviceLevelSeconds }, queue.serviceLevelTargetPercent / 100),
      agentsStaffed: live.agents.loggedIn - live.agents.paused,
    },
    alerts: {
      serviceLevelTargetPercent: queue.serviceLevelTargetPercent,
      waitingAbove: queue.alerts.waitingAbove,
      longestWaitAboveSeconds: queue.alerts.longestWaitAboveSeconds,
      abandonRateAbovePercent: queue.alerts.abandonRateAbovePercent,
    },
  };
}

function agentCounts(queue: string, roster: readonly StoredAgent[]): QueueFigures['agents'] {
  const counts = { loggedIn: 0, available: 0, offered: 0, onCall: 0, wrapUp: 0, paused: 0 };
  for (const agent of roster) {
    if (agent.status === 'logged_out' || !agent.queues.includes(queue)) continue;
    counts.loggedIn += 1;
    if (agent.status === 'available') counts.available += 1;
    else if (agent.status === 'offered') counts.offered += 1;
    else if (agent.status === 'on_call') counts.onCall += 1;
    else if (agent.status === 'wrap_up') counts.wrapUp += 1;
    else if (agent.status === 'paused') counts.paused += 1;
  }
  return counts;
}

/** Reads queues' figures from Redis: one pipeline for any number of queues, whatever the number of viewers. */
export class FiguresReader {
  constructor(
    private readonly redis: Redis,
    private readonly keys: WallboardKeys,
    private readonly timezone: string,
  ) {
    defineAcdScripts(redis);
  }

  async read(queues: readonly QueueDefinition[], roster: readonly StoredAgent[], now = Date.now()): Promise<QueueFigures[]> {
    if (queues.length === 0) return [];
    const day = centerDate(this.timezone, new Date(now));
    const thisMinute = Math.floor(now / 60_000);
    const minutes = Array.from({ length: ARRIVAL_WINDOW_MINUTES }, (_, index) => String(thisMinute - index));
    const pipeline = this.redis.pipeline();
    for (const queue of queues) {
      pipeline.hgetall(this.keys.day(queue.name, day));
      pipeline.zcard(this.keys.waiting(queue.name));
      // ioredis adds defined scripts to pipelines at run time; its types cannot know them.
      (pipeline as unknown as ScriptsInPipeline).wallboardOldestWaiting(this.keys.since(queue.name), this.keys.callPrefixInScript(), JSON.stringify(queue.name));
      pipeline.hmget(this.keys.arrivals(queue.name), ...minutes);
      pipeline.hget(this.keys.queueStats(queue.name), 'aht');
    }
    const replies = (await pipeline.exec()) ?? [];
    return queues.map((queue, index) => {
      const reply = (offset: number): unknown => {
        const [error, value] = replies[index * 5 + offset] ?? [null, null];
        if (error) throw error;
        return value;
      };
      const oldest = reply(2);
      const arrivals = (reply(3) as Array<string | null>).reduce((sum, value) => sum + Number(value ?? 0), 0);
      const aht = reply(4);
      return queueFiguresOf(
        queue,
        reply(0) as Record<string, string>,
        {
          waiting: Number(reply(1)),
          oldestEnqueuedAt: typeof oldest === 'string' ? Number(oldest) : null,
          arrivalsInWindow: arrivals,
          liveHandleSeconds: typeof aht === 'string' ? Number(aht) : null,
          agents: agentCounts(queue.name, roster),
        },
        now,
        day,
      );
    });
  }
}
