import type { Queryable } from '../db/queryable.js';
import { conflict, notFound } from '../errors.js';
import { RingsideError } from '../errors.js';
import type { RecentCall } from './schemas.js';

const badRequest = (code: string, message: string) => new RingsideError(code, message, 400);

/**
 * What the agent writes on their call's interaction from the console: the
 * customer they picked, attributes, notes during the call, the disposition at
 * wrap-up. Each write checks the call is the agent's (offered to or answered
 * by them), so an agent cannot touch another agent's record.
 */
export class ConsoleCalls {
  constructor(private readonly db: Queryable) {}

  private async own(callId: string, agentId: string): Promise<void> {
    const { rows } = await this.db.query<{ agent_id: number | null; handled: boolean }>(
      `SELECT agent_id, coalesce(attributes -> 'handledBy' ? $2, false) AS handled FROM interactions WHERE call_id = $1`,
      [callId, agentId],
    );
    const row = rows[0];
    if (!row) throw notFound(`call ${callId}`);
    // Agents who transferred the call on still write their wrap-up on it.
    if (String(row.agent_id) !== agentId && !row.handled) throw conflict(`call ${callId} is not yours`);
  }

  /** The agent chose one of the pop's candidates (or a customer just created): the call belongs to them. */
  async pick(callId: string, agentId: string, customerId: number): Promise<void> {
    await this.own(callId, agentId);
    const { rowCount } = await this.db.query('SELECT 1 FROM customers WHERE id = $1', [customerId]);
    if (!rowCount) throw notFound(`customer ${customerId}`);
    await this.db.query(
      `UPDATE interactions SET customer_id = $2, attributes = attributes || jsonb_build_object('pickedBy', $3::text), updated_at = now() WHERE call_id = $1`,
      [callId, customerId, agentId],
    );
  }

  async setAttributes(callId: string, agentId: string, attributes: Record<string, string | number | boolean>): Promise<void> {
    await this.own(callId, agentId);
    // The IVR's and the transfer's own attributes are not the agent's to overwrite.
    for (const reserved of ['transfer', 'pickedBy', 'handledBy']) if (reserved in attributes) throw badRequest('reserved_attribute', `'${reserved}' is set by Ringside itself`);
    await this.db.query('UPDATE interactions SET attributes = attributes || $2::jsonb, updated_at = now() WHERE call_id = $1', [callId, JSON.stringify(attributes)]);
  }

  /** A note during the call: added to the interaction's notes (the customer's history shows them). */
  async addNote(callId: string, agentId: string, text: string): Promise<void> {
    await this.own(callId, agentId);
    await this.db.query(`UPDATE interactions SET notes = CASE WHEN notes = '' THEN $2 ELSE notes || E'\\n' || $2 END, updated_at = now() WHERE call_id = $1`, [callId, text.trim()]);
  }

  async wrapUp(callId: string, agentId: string, disposition: string, notes: string, dispositions: readonly string[]): Promise<void> {
    if (!dispositions.includes(disposition)) throw badRequest('invalid_disposition', `disposition must be one of: ${dispositions.join(', ')}`);
    await this.own(callId, agentId);
    const text = notes.trim();
    await this.db.query(
      `UPDATE interactions SET disposition = $2,
              notes = CASE WHEN $3 = '' THEN notes WHEN notes = '' THEN $3 ELSE notes || E'\\n' || $3 END,
              updated_at = now()
        WHERE call_id = $1`,
      [callId, disposition, text],
    );
  }

  async recent(agentId: string, limit = 20): Promise<RecentCall[]> {
    // Two index scans (answered by them; handled before a transfer) rather than one OR over the whole table.
    const { rows } = await this.db.query<RecentCall>(
      `WITH mine AS (
         (SELECT call_id FROM interactions WHERE agent_id = $1 ORDER BY arrived_at DESC LIMIT $2)
         UNION
         (SELECT call_id FROM interactions WHERE attributes -> 'handledBy' ? $3 ORDER BY arrived_at DESC LIMIT $2))
       SELECT i.call_id AS "callId", to_char(i.arrived_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "arrivedAt",
              i.caller_number AS "callerNumber", i.customer_id AS "customerId", c.name AS "customerName", i.queue,
              i.outcome, i.disposition, i.notes,
              CASE WHEN i.answered_at IS NOT NULL AND i.ended_at IS NOT NULL THEN extract(epoch FROM i.ended_at - i.answered_at)::int END AS "talkSeconds"
         FROM interactions i JOIN mine USING (call_id) LEFT JOIN customers c ON c.id = i.customer_id
        ORDER BY i.arrived_at DESC LIMIT $2`,
      [Number(agentId), limit, agentId],
    );
    return rows;
  }
}
