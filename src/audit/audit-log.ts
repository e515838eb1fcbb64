import type { Queryable } from '../db/queryable.js';
import { RingsideError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { AuditAction } from './actions.js';
import type { Actor } from './actor.js';

export interface AuditEntry {
  actor: Actor;
  action: AuditAction;
  agentId?: string | undefined;
  callId?: string | undefined;
  details?: Record<string, unknown>;
}

export type AuditOutcome = 'attempted' | 'succeeded' | 'failed';

export interface AuditRow {
  id: number;
  at: string;
  actor: { id: number | null; username: string; role: string };
  action: string;
  agentId: string | null;
  callId: string | null;
  outcome: AuditOutcome;
  details: Record<string, unknown>;
}

export interface AuditFilter {
  actor?: string | undefined;
  agentId?: string | undefined;
  callId?: string | undefined;
  action?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  limit: number;
}

/** The action was not carried out because its audit row could not be written. */
export const auditUnavailable = (): RingsideError =>
  new RingsideError('audit_unavailable', 'the audit log cannot be written right now, so the action was not carried out; retry', 503);

const codeOf = (error: unknown): string => (error instanceof RingsideError ? error.code : 'internal');

/**
 * The audit log of supervisors' actions (migrations/008). The rule is "audit first": the row is written
 * before the action runs, and if it cannot be written the action is refused (503 `audit_unavailable`),
 * so nothing is done unrecorded. The row is then settled `succeeded` or `failed` (with the error code);
 * if that second write fails the row stays `attempted` — the log never claims an outcome it does not know.
 */
export class AuditLog {
  constructor(
    private readonly db: Queryable,
    private readonly logger: Logger,
  ) {}

  /** Writes the row; throws `audit_unavailable` if it cannot. */
  async record(entry: AuditEntry, outcome: AuditOutcome = 'attempted'): Promise<number> {
    try {
      const { rows } = await this.db.query<{ id: string }>(
        `INSERT INTO audit_log (actor_id, actor_username, actor_role, action, target_agent_id, target_call_id, outcome, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [entry.actor.id, entry.actor.username, entry.actor.role, entry.action, entry.agentId ?? null, entry.callId ?? null, outcome, entry.details ?? {}],
      );
      return Number(rows[0]!.id);
    } catch (error) {
      this.logger.error({ err: error, action: entry.action }, 'could not write an audit row');
      throw auditUnavailable();
    }
  }

  /** Settles an attempted row; never throws (the action has already happened). */
  async settle(id: number, outcome: 'succeeded' | 'failed', details: Record<string, unknown> = {}): Promise<void> {
    await this.db
      .query(`UPDATE audit_log SET outcome = $2, details = details || $3::jsonb WHERE id = $1 AND outcome = 'attempted'`, [id, outcome, details])
      .catch((error: unknown) => this.logger.error({ err: error, auditId: id }, 'could not settle an audit row; it stays "attempted"'));
  }

  /** Audit first, then the action; the row says how it went. */
  async audited<T>(entry: AuditEntry, action: () => Promise<T>, describe?: (result: T) => Record<string, unknown>): Promise<T> {
    const id = await this.record(entry);
    let result: T;
    try {
      result = await action();
    } catch (error) {
      await this.settle(id, 'failed', { error: codeOf(error) });
      throw error;
    }
    await this.settle(id, 'succeeded', describe?.(result) ?? {});
    return result;
  }

  /** Something that already happened (a session that ended by itself): recorded after the fact, failures logged. */
  async happened(entry: AuditEntry): Promise<void> {
    await this.record(entry, 'succeeded').catch(() => undefined);
  }

  /** Newest first. */
  async list(filter: AuditFilter): Promise<AuditRow[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      values.push(value);
      where.push(sql.replace('?', `$${values.length}`));
    };
    if (filter.actor !== undefined) add('actor_username = ?', filter.actor);
    if (filter.agentId !== undefined) add('target_agent_id = ?', filter.agentId);
    if (filter.callId !== undefined) add('target_call_id = ?', filter.callId);
    if (filter.action !== undefined) add('action = ?', filter.action);
    if (filter.from !== undefined) add('at >= ?', filter.from);
    if (filter.to !== undefined) add('at <= ?', filter.to);
    values.push(filter.limit);
    const { rows } = await this.db.query<{
      id: string | number;
      at: Date;
      actor_id: string | number | null;
      actor_username: string;
      actor_role: string;
      action: string;
      target_agent_id: string | number | null;
      target_call_id: string | null;
      outcome: AuditOutcome;
      details: Record<string, unknown>;
    }>(
      `SELECT id, at, actor_id, actor_username, actor_role, action, target_agent_id, target_call_id, outcome, details
       FROM audit_log ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY at DESC, id DESC LIMIT $${values.length}`,
      values,
    );
    return rows.map((row) => ({
      id: Number(row.id),
      at: row.at.toISOString(),
      actor: { id: row.actor_id === null ? null : Number(row.actor_id), username: row.actor_username, role: row.actor_role },
      action: row.action,
      // Agent ids are strings everywhere in the API; the pool may parse bigint as a number.
      agentId: row.target_agent_id === null ? null : String(row.target_agent_id),
      callId: row.target_call_id,
      outcome: row.outcome,
      details: row.details,
    }));
  }
}
