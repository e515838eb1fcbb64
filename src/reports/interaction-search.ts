import type { Queryable } from '../db/queryable.js';
import type { InteractionOutcome } from '../interactions/interaction-recorder.js';
import { invalidCursor } from './report-errors.js';

export interface InteractionSearch {
  customerId?: number | undefined;
  /** The agent the call was last offered to or answered by (earlier agents of a transferred call are in handledBy). */
  agentId?: string | undefined;
  queue?: string | undefined;
  outcome?: InteractionOutcome | undefined;
  /** On arrival time: from inclusive, to exclusive. */
  from?: Date | null | undefined;
  to?: Date | null | undefined;
  limit: number;
  cursor?: string | undefined;
}

export interface InteractionRow {
  id: number;
  callId: string | null;
  customerId: number | null;
  customerName: string | null;
  callerE164: string | null;
  queue: string | null;
  agentId: string | null;
  agentName: string | null;
  handledBy: string[];
  arrivedAt: string;
  queuedAt: string | null;
  answeredAt: string | null;
  endedAt: string | null;
  outcome: InteractionOutcome | null;
  outcomeDetail: string | null;
  disposition: string | null;
  waitSeconds: number | null;
  talkSeconds: number | null;
  notes: string;
}

export interface InteractionPage {
  interactions: InteractionRow[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

interface Row {
  id: string;
  call_id: string | null;
  customer_id: string | null;
  customer_name: string | null;
  caller_e164: string | null;
  queue: string | null;
  agent_id: string | null;
  agent_name: string | null;
  handled_by: unknown;
  arrived_at: Date;
  arrived_us: string;
  queued_at: Date | null;
  answered_at: Date | null;
  ended_at: Date | null;
  outcome: InteractionOutcome | null;
  outcome_detail: string | null;
  disposition: string | null;
  wait_seconds: number | null;
  talk_seconds: number | null;
  notes: string;
}

/**
 * The keyset of the last row: arrival in epoch microseconds (a JS Date would lose PostgreSQL's microseconds and
 * skip or repeat rows) and the id that breaks ties. Pages stay right while new calls arrive, unlike an offset.
 */
const encodeCursor = (row: Row): string => Buffer.from(`${row.arrived_us}.${row.id}`).toString('base64url');

function decodeCursor(cursor: string): { micros: string; id: string } {
  const match = /^(-?\d{1,19})\.(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw invalidCursor();
  return { micros: match[1]!, id: match[2]! };
}

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;
const tenth = (value: number | null): number | null => (value === null ? null : Math.round(value * 10) / 10);

/** Newest first; each filter has an index in that order (migrations 002 and 007), so a page reads about its own rows. */
export async function searchInteractions(db: Queryable, search: InteractionSearch): Promise<InteractionPage> {
  const params: unknown[] = [];
  const where: string[] = [];
  const add = (sql: (placeholder: string) => string, value: unknown): void => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (search.customerId !== undefined) add((p) => `i.customer_id = ${p}`, search.customerId);
  if (search.agentId !== undefined) add((p) => `i.agent_id = ${p}::bigint`, search.agentId);
  if (search.queue !== undefined) add((p) => `i.queue = ${p}`, search.queue);
  if (search.outcome !== undefined) add((p) => `i.outcome = ${p}`, search.outcome);
  if (search.from) add((p) => `i.arrived_at >= ${p}`, search.from);
  if (search.to) add((p) => `i.arrived_at < ${p}`, search.to);
  if (search.cursor !== undefined) {
    const { micros, id } = decodeCursor(search.cursor);
    params.push(micros, id);
    where.push(`(i.arrived_at, i.id) < (timestamptz 'epoch' + $${params.length - 1}::bigint * interval '1 microsecond', $${params.length}::bigint)`);
  }
  params.push(search.limit + 1);
  const { rows } = await db.query<Row>(
    `SELECT i.id::text AS id, i.call_id, i.customer_id::text AS customer_id, c.name AS customer_name, i.caller_e164, i.queue,
            i.agent_id::text AS agent_id, u.display_name AS agent_name, i.attributes -> 'handledBy' AS handled_by,
            i.arrived_at, (extract(epoch FROM i.arrived_at) * 1000000)::bigint::text AS arrived_us,
            i.queued_at, i.answered_at, i.ended_at, i.outcome, i.outcome_detail, i.disposition, i.notes,
            CASE WHEN i.queue IS NOT NULL THEN
              extract(epoch FROM coalesce(i.answered_at, CASE WHEN i.outcome = 'abandoned' THEN i.ended_at END) - coalesce(i.queued_at, i.arrived_at))::float8
            END AS wait_seconds,
            extract(epoch FROM i.ended_at - i.answered_at)::float8 AS talk_seconds
       FROM interactions i
       LEFT JOIN customers c ON c.id = i.customer_id
       LEFT JOIN users u ON u.id = i.agent_id
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY i.arrived_at DESC, i.id DESC
      LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, search.limit);
  const last = page[page.length - 1];
  return {
    interactions: page.map((row) => ({
      id: Number(row.id),
      callId: row.call_id,
      customerId: row.customer_id === null ? null : Number(row.customer_id),
      customerName: row.customer_name,
      callerE164: row.caller_e164,
      queue: row.queue,
      agentId: row.agent_id,
      agentName: row.agent_name,
      handledBy: Array.isArray(row.handled_by) ? row.handled_by.map(String) : [],
      arrivedAt: row.arrived_at.toISOString(),
      queuedAt: iso(row.queued_at),
      answeredAt: iso(row.answered_at),
      endedAt: iso(row.ended_at),
      outcome: row.outcome,
      outcomeDetail: row.outcome_detail,
      disposition: row.disposition,
      waitSeconds: tenth(row.wait_seconds),
      talkSeconds: tenth(row.talk_seconds),
      notes: row.notes,
    })),
    nextCursor: rows.length > search.limit && last ? encodeCursor(last) : null,
  };
}
