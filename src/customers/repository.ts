import type { CountryCode } from 'libphonenumber-js/max';
import type { Queryable } from '../db/queryable.js';
import { pgErrorCode, UNIQUE_VIOLATION } from '../db/queryable.js';
import { conflict, invalidInput } from '../errors.js';
import { normaliseCallerId } from './phone.js';
import type { Customer, CustomerCreate, CustomerUpdate } from './schemas.js';
import { CUSTOMER_JSON } from './sql.js';

export interface StoredPhone {
  e164: string;
  label: string;
  primary: boolean;
}

type PhoneInput = NonNullable<CustomerCreate['phones']>[number];

/** Normalises and de-duplicates numbers; the first one is primary unless one says so. */
export function normalisePhones(phones: readonly PhoneInput[], region: CountryCode, path = 'phones'): StoredPhone[] {
  const byNumber = new Map<string, StoredPhone>();
  phones.forEach((phone, index) => {
    const { e164 } = normaliseCallerId(phone.number, region);
    if (!e164) throw invalidInput(`${path}/${index}/number is not a valid phone number`, { path: `${path}/${index}/number` });
    byNumber.set(e164, { e164, label: phone.label ?? 'mobile', primary: phone.primary ?? false });
  });
  const stored = [...byNumber.values()];
  const first = stored[0];
  if (first && !stored.some((phone) => phone.primary)) first.primary = true;
  return stored;
}

/** Column name for each writable API field. */
const COLUMNS = {
  externalId: 'external_id',
  name: 'name',
  company: 'company',
  tier: 'tier',
  segment: 'segment',
  lifetimeValue: 'lifetime_value',
  preferredLanguage: 'preferred_language',
  doNotCall: 'do_not_call',
  birthday: 'birthday',
  notes: 'notes',
} as const satisfies Record<string, string>;

type Field = keyof typeof COLUMNS;

function fieldsOf(input: CustomerUpdate): Array<[Field, unknown]> {
  return (Object.keys(COLUMNS) as Field[]).filter((field) => input[field] !== undefined).map((field) => [field, input[field]]);
}

async function replacePhones(db: Queryable, customerId: number, phones: StoredPhone[]): Promise<void> {
  await db.query('DELETE FROM customer_phones WHERE customer_id = $1', [customerId]);
  if (phones.length === 0) return;
  await db.query(
    `INSERT INTO customer_phones (customer_id, e164, label, is_primary)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::boolean[])`,
    [customerId, phones.map((p) => p.e164), phones.map((p) => p.label), phones.map((p) => p.primary)],
  );
}

function rethrowConflict(error: unknown): never {
  if (pgErrorCode(error) === UNIQUE_VIOLATION) throw conflict('a customer with this externalId already exists');
  throw error;
}

export async function getCustomer(db: Queryable, id: number): Promise<Customer | null> {
  const { rows } = await db.query<{ customer: Customer }>(`SELECT ${CUSTOMER_JSON} AS customer FROM customers c WHERE c.id = $1`, [id]);
  return rows[0]?.customer ?? null;
}

/** Creates a customer and their numbers; `db` should be a transaction client. */
export async function createCustomer(db: Queryable, input: CustomerCreate, region: CountryCode): Promise<Customer> {
  const phones = normalisePhones(input.phones ?? [], region);
  const fields = fieldsOf(input);
  const { rows } = await db
    .query<{ id: number }>(
      `INSERT INTO customers (${fields.map(([field]) => COLUMNS[field]).join(', ')})
       VALUES (${fields.map((_, index) => `$${index + 1}`).join(', ')}) RETURNING id`,
      fields.map(([, value]) => value),
    )
    .catch(rethrowConflict);
  const id = rows[0]!.id;
  await replacePhones(db, id, phones);
  return (await getCustomer(db, id))!;
}

/** Applies the given fields; returns null when the customer does not exist. */
export async function updateCustomer(db: Queryable, id: number, input: CustomerUpdate, region: CountryCode): Promise<Customer | null> {
  const phones = input.phones === undefined ? undefined : normalisePhones(input.phones, region);
  const fields = fieldsOf(input);
  const assignments = fields.map(([field], index) => `${COLUMNS[field]} = $${index + 2}`);
  const { rowCount } = await db
    .query(`UPDATE customers SET ${[...assignments, 'updated_at = now()'].join(', ')} WHERE id = $1`, [id, ...fields.map(([, value]) => value)])
    .catch(rethrowConflict);
  if (rowCount === 0) return null;
  if (phones) await replacePhones(db, id, phones);
  return getCustomer(db, id);
}

export interface CustomerSearch {
  name?: string;
  phone?: string;
  externalId?: string;
  limit: number;
  offset: number;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** Search by the start of a name or company, by any phone format, or by external id; all given criteria must match. */
export async function searchCustomers(db: Queryable, search: CustomerSearch, region: CountryCode): Promise<Customer[]> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (search.name !== undefined) {
    params.push(`${escapeLike(search.name.trim().toLowerCase())}%`);
    conditions.push(`(lower(c.name) LIKE $${params.length} OR lower(c.company) LIKE $${params.length})`);
  }
  if (search.phone !== undefined) {
    const { e164 } = normaliseCallerId(search.phone, region);
    if (!e164) throw invalidInput('phone is not a valid phone number', { path: 'phone' });
    params.push(e164);
    conditions.push(`c.id IN (SELECT customer_id FROM customer_phones WHERE e164 = $${params.length})`);
  }
  if (search.externalId !== undefined) {
    params.push(search.externalId);
    conditions.push(`c.external_id = $${params.length}`);
  }
  if (conditions.length === 0) throw invalidInput('give at least one of name, phone, externalId');
  params.push(search.limit, search.offset);
  const { rows } = await db.query<{ customer: Customer }>(
    `SELECT ${CUSTOMER_JSON} AS customer FROM customers c WHERE ${conditions.join(' AND ')}
     ORDER BY c.name, c.id LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return rows.map((row) => row.customer);
}
