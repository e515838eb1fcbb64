import type { PoolClient } from '../db/pool.js';
import { CSV_COLUMNS, type CsvField, type ImportRow } from './csv-row.js';

const SQL_TYPES: Record<CsvField, string> = {
  external_id: 'text',
  name: 'text',
  company: 'text',
  tier: 'text',
  segment: 'text',
  lifetime_value: 'numeric',
  preferred_language: 'text',
  do_not_call: 'boolean',
  birthday: 'date',
  notes: 'text',
};

export interface BatchOutcome {
  inserted: number;
  updated: number;
  unchanged: number;
}

/**
 * Upserts one batch by external id inside the caller's transaction. A row whose
 * values already match is not touched (updated_at stays), so importing the same
 * file twice changes nothing.
 */
export async function upsertBatch(client: PoolClient, fields: readonly CsvField[], rows: readonly ImportRow[]): Promise<BatchOutcome> {
  const columns = fields.map((field) => CSV_COLUMNS[field]);
  const updatable = columns.filter((column) => column !== 'external_id');
  const setList = [...updatable.map((column) => `${column} = EXCLUDED.${column}`), 'updated_at = now()'].join(', ');
  const changed = updatable.length === 0 ? 'false' : `(${updatable.map((c) => `customers.${c}`).join(', ')}) IS DISTINCT FROM (${updatable.map((c) => `EXCLUDED.${c}`).join(', ')})`;
  const { rows: written } = await client.query<{ id: number; inserted: boolean }>(
    `INSERT INTO customers (${columns.join(', ')})
     SELECT * FROM unnest(${fields.map((field, index) => `$${index + 1}::${SQL_TYPES[field]}[]`).join(', ')})
     ON CONFLICT (external_id) DO UPDATE SET ${setList} WHERE ${changed}
     RETURNING id, (xmax = 0) AS inserted`,
    fields.map((field) => rows.map((row) => row.values[field] ?? null)),
  );
  const inserted = written.filter((row) => row.inserted).length;
  const touched = new Set(written.map((row) => row.id));

  const withPhones = rows.filter((row) => row.phones !== undefined);
  if (withPhones.length > 0) {
    const { rows: ids } = await client.query<{ id: number; external_id: string }>(
      'SELECT id, external_id FROM customers WHERE external_id = ANY($1::text[])',
      [withPhones.map((row) => row.values.external_id)],
    );
    const idOf = new Map(ids.map((row) => [row.external_id, row.id]));
    const phones = withPhones.flatMap((row) => row.phones!.map((phone) => ({ ...phone, customerId: idOf.get(String(row.values.external_id))! })));
    const { rows: phoneChanges } = await client.query<{ customer_id: number }>(
      `WITH incoming AS (
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::boolean[]) AS t(customer_id, e164, label, is_primary)),
       removed AS (
         DELETE FROM customer_phones p WHERE p.customer_id = ANY($5::bigint[])
           AND NOT EXISTS (SELECT 1 FROM incoming i WHERE i.customer_id = p.customer_id AND i.e164 = p.e164)
         RETURNING p.customer_id),
       upserted AS (
         INSERT INTO customer_phones (customer_id, e164, label, is_primary) SELECT * FROM incoming
         ON CONFLICT (customer_id, e164) DO UPDATE SET label = EXCLUDED.label, is_primary = EXCLUDED.is_primary
           WHERE (customer_phones.label, customer_phones.is_primary) IS DISTINCT FROM (EXCLUDED.label, EXCLUDED.is_primary)
         RETURNING customer_id)
       SELECT customer_id FROM removed UNION SELECT customer_id FROM upserted`,
      [phones.map((p) => p.customerId), phones.map((p) => p.e164), phones.map((p) => p.label), phones.map((p) => p.primary), [...idOf.values()]],
    );
    const insertedIds = new Set(written.filter((row) => row.inserted).map((row) => row.id));
    const phoneOnly = phoneChanges.map((row) => row.customer_id).filter((id) => !touched.has(id) && !insertedIds.has(id));
    if (phoneOnly.length > 0) await client.query('UPDATE customers SET updated_at = now() WHERE id = ANY($1::bigint[])', [phoneOnly]);
    for (const id of phoneOnly) touched.add(id);
  }
  const updated = touched.size - inserted;
  return { inserted, updated, unchanged: rows.length - inserted - updated };
}
