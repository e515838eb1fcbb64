import type { Queryable } from '../db/queryable.js';

/** Names change rarely: read once a minute per node, or sooner for an agent not seen before. */
const REFRESH_MS = 60_000;

/** Agents' display names for the wallboard, cached per node (never a database read per viewer or per update). */
export class AgentNames {
  private names = new Map<string, string>();
  private loadedAt = 0;
  private loading: Promise<void> | undefined;

  constructor(private readonly db: Queryable) {}

  /** The names of these agents, reloading first when the cache is old or misses one of them. */
  async of(agentIds: readonly string[]): Promise<Map<string, string>> {
    const stale = Date.now() - this.loadedAt > REFRESH_MS;
    if (stale || agentIds.some((agentId) => !this.names.has(agentId))) await this.reload(stale);
    return this.names;
  }

  private reload(force: boolean): Promise<void> {
    // One reload at a time, and an unknown id (a deleted user) does not trigger one per update.
    if (this.loading) return this.loading;
    if (!force && Date.now() - this.loadedAt < 5000) return Promise.resolve();
    this.loading = this.db
      .query<{ id: string; display_name: string }>(`SELECT id::text AS id, display_name FROM users WHERE role = 'agent'`)
      .then(({ rows }) => {
        this.names = new Map(rows.map((row) => [row.id, row.display_name]));
        this.loadedAt = Date.now();
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }
}
