import type { Queryable } from '../db/queryable.js';

export interface DncNumber {
  number: string;
  reason: string;
  addedBy: string | null;
  addedAt: string;
}

/** The center's do-not-call list: numbers no callback or campaign may dial, whoever asks. */
export class DncList {
  constructor(private readonly db: Queryable) {}

  async list(limit: number): Promise<DncNumber[]> {
    const { rows } = await this.db.query<{ e164: string; reason: string; added_by: string | null; added_at: Date }>(
      'SELECT e164, reason, added_by, added_at FROM dnc_numbers ORDER BY added_at DESC, e164 LIMIT $1',
      [limit],
    );
    return rows.map((row) => ({ number: row.e164, reason: row.reason, addedBy: row.added_by, addedAt: row.added_at.toISOString() }));
  }

  /** Adding a number twice keeps its first entry's time and updates its reason. */
  async add(e164: string, reason: string, by: string): Promise<DncNumber> {
    const { rows } = await this.db.query<{ e164: string; reason: string; added_by: string | null; added_at: Date }>(
      `INSERT INTO dnc_numbers (e164, reason, added_by) VALUES ($1, $2, $3)
       ON CONFLICT (e164) DO UPDATE SET reason = EXCLUDED.reason RETURNING e164, reason, added_by, added_at`,
      [e164, reason, by],
    );
    const row = rows[0]!;
    return { number: row.e164, reason: row.reason, addedBy: row.added_by, addedAt: row.added_at.toISOString() };
  }

  async remove(e164: string): Promise<boolean> {
    const { rowCount } = await this.db.query('DELETE FROM dnc_numbers WHERE e164 = $1', [e164]);
    return (rowCount ?? 0) > 0;
  }
}
