import { parse } from 'csv-parse/sync';
import type { CountryCode } from 'libphonenumber-js/max';
import { isDirectQueue } from '../acd/direct-queue.js';
import { toE164 } from '../customers/phone.js';
import { PRIMARY_PHONE } from '../customers/sql.js';
import { inTransaction, type Pool } from '../db/pool.js';
import { UNIQUE_VIOLATION, pgErrorCode } from '../db/queryable.js';
import { conflict, invalidInput, notFound, RingsideError } from '../errors.js';
import { doNotCallAmong } from './callback-store.js';
import type { QueueDefinition } from '../routing/schema.js';

/** The most contacts one campaign may hold. */
export const MAX_CONTACTS = 100_000;

export type CampaignStatus = 'running' | 'paused' | 'finished';

/** Who to call: a saved query over the CRM, a list of customer ids, or a CSV with `external_id` or `phone`. */
export interface CampaignList {
  query?: { tier?: string[] | undefined; segment?: string | undefined; language?: string | undefined; limit?: number | undefined } | undefined;
  customerIds?: number[] | undefined;
  csv?: string | undefined;
}

export interface NewCampaign {
  name: string;
  description?: string | undefined;
  queue: string;
  list: CampaignList;
  maxAttempts?: number | undefined;
  /** false: created paused, started later. */
  start?: boolean | undefined;
  createdBy: string;
}

export interface Campaign {
  id: number;
  name: string;
  description: string;
  queue: string;
  status: CampaignStatus;
  contacts: number;
  skipped: Record<string, number>;
  createdBy: string | null;
  createdAt: string;
  /** Its contacts by callback status. */
  progress: Record<string, number>;
}

interface Candidate {
  customerId: number | null;
  e164: string | null;
  /** Why the row named nobody (CSV rows only). */
  problem?: 'unknown_customer' | 'invalid_number';
}


export interface CampaignDependencies {
  pool: Pool;
  region: CountryCode;
  queue: (name: string) => QueueDefinition | undefined;
  /** The campaign's first contacts go into line at once. */
  feed: (campaignId: number) => Promise<void>;
}

/**
 * Outbound campaigns: a list becomes one callbacks row per contact (source `campaign`, in list order), dialled
 * customer first by the queue's agents as they come free: a progressive dialer, one call per available agent.
 * Customers flagged do-not-call and numbers on the DNC list are left out when the list is made, and checked
 * again before each dial.
 */
export class Campaigns {
  constructor(private readonly deps: CampaignDependencies) {}

  private async candidates(list: CampaignList): Promise<{ candidates: Candidate[]; kind: string }> {
    const given = [list.query, list.customerIds, list.csv].filter((part) => part !== undefined).length;
    if (given !== 1) throw invalidInput('list needs exactly one of query, customerIds or csv', { field: 'list' });
    const { pool } = this.deps;
    if (list.customerIds) {
      const { rows } = await pool.query<{ id: number; e164: string | null }>(
        `SELECT c.id::int, ${PRIMARY_PHONE} AS e164 FROM unnest($1::bigint[]) WITH ORDINALITY AS l (id, n) JOIN customers c ON c.id = l.id ORDER BY l.n`,
        [list.customerIds],
      );
      const found = new Set(rows.map((row) => row.id));
      const missing = list.customerIds.filter((id) => !found.has(id)).map((): Candidate => ({ customerId: null, e164: null, problem: 'unknown_customer' }));
      return { candidates: [...rows.map((row) => ({ customerId: row.id, e164: row.e164 })), ...missing], kind: 'customers' };
    }
    if (list.query) {
      const query = list.query;
      const { rows } = await pool.query<{ id: number; e164: string | null }>(
        `SELECT c.id::int, ${PRIMARY_PHONE} AS e164 FROM customers c
          WHERE ($1::text[] IS NULL OR c.tier = ANY($1)) AND ($2::text IS NULL OR c.segment = $2) AND ($3::text IS NULL OR c.preferred_language = $3)
          ORDER BY c.id LIMIT $4`,
        [query.tier ?? null, query.segment ?? null, query.language ?? null, Math.min(query.limit ?? MAX_CONTACTS, MAX_CONTACTS)],
      );
      return { candidates: rows.map((row) => ({ customerId: row.id, e164: row.e164 })), kind: 'query' };
    }
    return { candidates: await this.fromCsv(list.csv ?? ''), kind: 'csv' };
  }

  /** A header line, then rows with `external_id` (a customer) or `phone` (any number; its customer if known). */
  private async fromCsv(text: string): Promise<Candidate[]> {
    let records: Array<Record<string, string>>;
    try {
      records = parse<Record<string, string>>(text, { columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()), skip_empty_lines: true, trim: true });
    } catch (error) {
      throw invalidInput(`csv: ${error instanceof Error ? error.message : 'cannot be read'}`, { field: 'list.csv' });
    }
    if (records.length === 0) throw invalidInput('csv has no rows', { field: 'list.csv' });
    if (!('external_id' in records[0]!) && !('phone' in records[0]!)) throw invalidInput('csv needs an external_id or a phone column', { field: 'list.csv' });
    if (records.length > MAX_CONTACTS) throw invalidInput(`csv has more than ${MAX_CONTACTS} rows`, { field: 'list.csv' });
    const ids = records.map((record) => record.external_id ?? '').filter((id) => id !== '');
    const { rows } = await this.deps.pool.query<{ external_id: string; id: number; e164: string | null }>(
      `SELECT c.external_id, c.id::int, ${PRIMARY_PHONE} AS e164 FROM customers c WHERE c.external_id = ANY($1::text[])`,
      [ids],
    );
    const byExternal = new Map(rows.map((row) => [row.external_id, row]));
    const phones = records.map((record) => (record.phone ? toE164(record.phone, this.deps.region) : null)).filter((e164): e164 is string => e164 !== null);
    const { rows: owners } = await this.deps.pool.query<{ e164: string; customer_id: number }>(
      'SELECT DISTINCT ON (e164) e164, customer_id::int FROM customer_phones WHERE e164 = ANY($1::text[]) ORDER BY e164, is_primary DESC, customer_id',
      [phones],
    );
    const ownerOf = new Map(owners.map((row) => [row.e164, row.customer_id]));
    return records.map((record): Candidate => {
      if (record.external_id) {
        const customer = byExternal.get(record.external_id);
        if (!customer) return { customerId: null, e164: null, problem: 'unknown_customer' };
        const own = record.phone ? toE164(record.phone, this.deps.region) : customer.e164;
        return own ? { customerId: customer.id, e164: own } : record.phone ? { customerId: customer.id, e164: null, problem: 'invalid_number' } : { customerId: customer.id, e164: null };
      }
      const e164 = toE164(record.phone ?? '', this.deps.region);
      return e164 ? { customerId: ownerOf.get(e164) ?? null, e164 } : { customerId: null, e164: null, problem: 'invalid_number' };
    });
  }

  /** Validated completely, then stored in one transaction: a rejected campaign leaves nothing behind. */
  async create(request: NewCampaign): Promise<Campaign> {
    const queue = this.deps.queue(request.queue);
    if (!queue || isDirectQueue(request.queue)) throw new RingsideError('unknown_queue', `there is no queue ${request.queue} in the routing rules`, 400, { field: 'queue' });
    const { candidates, kind } = await this.candidates(request.list);
    const { pool } = this.deps;
    const blocked = await doNotCallAmong(pool, candidates);
    const skipped: Record<string, number> = {};
    const skip = (reason: string) => (skipped[reason] = (skipped[reason] ?? 0) + 1);
    const seen = new Set<string>();
    const contacts: Array<{ customerId: number | null; e164: string }> = [];
    for (const [index, candidate] of candidates.entries()) {
      if (candidate.problem) skip(candidate.problem);
      else if (!candidate.e164) skip('no_number');
      else if (blocked.has(index)) skip('do_not_call');
      else if (seen.has(candidate.e164)) skip('duplicate');
      else {
        seen.add(candidate.e164);
        contacts.push({ customerId: candidate.customerId, e164: candidate.e164 });
      }
    }
    const listRecord = kind === 'csv' ? { csv: `${(request.list.csv ?? '').split('\n').length - 1} rows` } : request.list;
    const id = await inTransaction(pool, async (client) => {
      let inserted: { id: number };
      try {
        const { rows } = await client.query<{ id: number }>(
          `INSERT INTO campaigns (name, description, queue, status, list, contacts, skipped, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id::int`,
          [request.name, request.description ?? '', queue.name, request.start === false ? 'paused' : 'running', JSON.stringify(listRecord), contacts.length, JSON.stringify(skipped), request.createdBy],
        );
        inserted = rows[0]!;
      } catch (error) {
        if (pgErrorCode(error) === UNIQUE_VIOLATION) throw conflict(`a campaign named ${request.name} exists`);
        throw error;
      }
      // List order is the order of the line: each contact a millisecond after the one before.
      await client.query(
        `INSERT INTO callbacks (source, campaign_id, customer_id, phone_e164, queue, queue_entered_at, due_at, max_attempts, requested_by)
         SELECT 'campaign', $1, l.customer_id, l.e164, $2, now() + make_interval(secs => l.n / 1000.0), now(), $3, $4
           FROM unnest($5::bigint[], $6::text[]) WITH ORDINALITY AS l (customer_id, e164, n)`,
        [inserted.id, queue.name, request.maxAttempts ?? queue.callback.attempts, request.createdBy, contacts.map((c) => c.customerId), contacts.map((c) => c.e164)],
      );
      return inserted.id;
    });
    if (request.start !== false) await this.deps.feed(id);
    return this.get(id);
  }

  async get(id: number): Promise<Campaign> {
    const { rows } = await this.deps.pool.query<{ id: number; name: string; description: string; queue: string; status: CampaignStatus; contacts: number; skipped: Record<string, number>; created_by: string | null; created_at: Date; progress: Record<string, number> | null }>(
      `SELECT c.id::int, c.name, c.description, c.queue, c.status, c.contacts, c.skipped, c.created_by, c.created_at,
              (SELECT jsonb_object_agg(status, n) FROM (SELECT status, count(*)::int AS n FROM callbacks WHERE campaign_id = c.id GROUP BY status) s) AS progress
         FROM campaigns c WHERE c.id = $1`,
      [id],
    );
    const row = rows[0];
    if (!row) throw notFound(`campaign ${id}`);
    return { id: row.id, name: row.name, description: row.description, queue: row.queue, status: row.status, contacts: row.contacts, skipped: row.skipped, createdBy: row.created_by, createdAt: row.created_at.toISOString(), progress: row.progress ?? {} };
  }

  async list(): Promise<Campaign[]> {
    const { rows } = await this.deps.pool.query<{ id: number }>('SELECT id::int FROM campaigns ORDER BY created_at DESC, id DESC LIMIT 200');
    return Promise.all(rows.map((row) => this.get(row.id)));
  }

  /** Paused: no new contact enters the line (those already ringing finish). Resumed: fed again at once. */
  async setRunning(id: number, running: boolean): Promise<Campaign> {
    const { rowCount } = await this.deps.pool.query(
      `UPDATE campaigns SET status = $2, updated_at = now() WHERE id = $1 AND status IN ('running', 'paused')`,
      [id, running ? 'running' : 'paused'],
    );
    if (!rowCount) {
      await this.get(id);
      throw conflict(`campaign ${id} is finished`);
    }
    if (running) await this.deps.feed(id);
    return this.get(id);
  }
}
