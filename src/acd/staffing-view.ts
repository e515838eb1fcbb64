import type { AcdStore } from './acd-store.js';
import type { Skills, StoredAgent } from './types.js';

/** Until a queue has handled a call, its handle time is assumed to be this (seconds). */
export const DEFAULT_HANDLE_SECONDS = 180;
const IDLE_AFTER_MS = 10_000;

const meets = (agent: StoredAgent, need: Skills): boolean => Object.entries(need).every(([skill, min]) => (agent.skills[skill] ?? 0) >= min);

/**
 * Who is staffed for what, refreshed from Redis every couple of seconds: the
 * wait estimates and the "no agents" check read it for every waiting caller,
 * and one read of the roster serves them all (a cache; Redis owns the state).
 */
export class StaffingView {
  private agents: StoredAgent[] = [];
  private handle = new Map<string, number>();
  /** Counts per (queues, skills) asked since the last read: thousands of callers share a few combinations. */
  private counts = new Map<string, number>();
  private loaded = false;
  private timer: NodeJS.Timeout | undefined;
  /** When a caller last needed the view: with nobody asking (no announcements, no "no agents" rule) it is not read. */
  private lastUsed = 0;

  constructor(
    private readonly store: AcdStore,
    private readonly queueNames: () => readonly string[],
    private readonly refreshMs = 2000,
  ) {}

  /** False until the first read: before it, nothing may conclude that nobody is logged in. */
  get ready(): boolean {
    return this.loaded;
  }

  async refresh(): Promise<void> {
    const [agents, handle] = await Promise.all([this.store.roster(), this.store.handleTimes(this.queueNames())]);
    this.agents = agents;
    this.handle = handle;
    this.counts = new Map();
    this.loaded = true;
  }

  start(onError: (error: unknown) => void): void {
    void this.refresh().catch(onError);
    this.timer = setInterval(() => {
      if (Date.now() - this.lastUsed < IDLE_AFTER_MS) void this.refresh().catch(onError);
    }, this.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Agents logged in (in any state, paused included) who serve one of the queues and reach the skills. */
  loggedIn(queues: readonly string[], need: Skills): number {
    return this.count('in', queues, need, (agent) => agent.status !== 'logged_out');
  }

  /** Agents working (not paused, not logged out) who could take the call: the ones that move the line. */
  working(queues: readonly string[], need: Skills): number {
    return this.count('working', queues, need, (agent) => agent.status !== 'logged_out' && agent.status !== 'paused');
  }

  private count(kind: string, queues: readonly string[], need: Skills, inState: (agent: StoredAgent) => boolean): number {
    this.lastUsed = Date.now();
    const key = `${kind}|${queues.join(',')}|${JSON.stringify(need)}`;
    let count = this.counts.get(key);
    if (count === undefined) {
      count = this.agents.filter((agent) => inState(agent) && agent.queues.some((queue) => queues.includes(queue)) && meets(agent, need)).length;
      this.counts.set(key, count);
    }
    return count;
  }

  handleSeconds(queue: string): number {
    return this.handle.get(queue) ?? DEFAULT_HANDLE_SECONDS;
  }
}
