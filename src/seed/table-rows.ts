import { TABLE_STREAMS, pad2, type CustomerModel, type SeedCustomer } from './customer-model.js';
import { SeededRandom } from './random.js';

/** One table's COPY target and how to write the rows of one customer in COPY text format. */
export interface SeedTable {
  name: string;
  copySql: string;
  rowsOf: (customer: SeedCustomer, context: RowContext) => string;
}

export interface RowContext {
  model: CustomerModel;
  /** Epoch ms that history is generated back from. */
  now: number;
  agentIds: number[];
}

const DAY_MS = 86_400_000;
const NULL = '\\N';

/** COPY text format: backslash, tab and line breaks must be escaped inside values. */
export function copyText(value: string | null): string {
  if (value === null) return NULL;
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (char) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[char]!) : value;
}

const line = (values: Array<string | number | boolean | null>): string =>
  values.map((value) => (typeof value === 'string' || value === null ? copyText(value) : String(value))).join('\t') + '\n';

const iso = (ms: number): string => new Date(ms).toISOString();

const TICKET_SUBJECTS = [
  'Invoice amount looks wrong',
  'Cannot log in to the customer portal',
  'Delivery is late',
  'Request for refund',
  'Change of billing address',
  'Product arrived damaged',
  'Question about contract renewal',
  '发票金额有误',
  '物流延迟，催促发货',
  '申请退款',
];
const TICKET_STATUSES: Array<[string, number]> = [['open', 0.15], ['pending', 0.1], ['solved', 0.25], ['closed', 0.5]];
const PRIORITIES = ['low', 'normal', 'normal', 'normal', 'high', 'urgent'];
const ORDER_STATUSES = ['pending', 'paid', 'shipped', 'delivered', 'delivered', 'delivered', 'cancelled', 'refunded'];
const QUEUES = ['support', 'sales', 'billing', 'vip'];
const DISPOSITIONS = ['resolved', 'resolved', 'follow-up', 'escalated', 'sale', 'information'];
const CALL_NOTES = ['', '', '', 'Customer satisfied.', 'Promised a call back tomorrow.', 'Sent replacement.', '已解决，客户满意。', '需要回访。'];

function weighted(random: SeededRandom, table: Array<[string, number]>): string {
  let roll = random.next();
  for (const [value, share] of table) {
    roll -= share;
    if (roll < 0) return value;
  }
  return table[table.length - 1]![0];
}

/** 0..3 with a long tail: most customers have little history, a few have a lot. */
const historyCount = (random: SeededRandom, mean: number): number => Math.min(6, Math.floor(-Math.log(1 - random.next()) * mean));

export const SEED_TABLES: SeedTable[] = [
  {
    name: 'customers',
    copySql:
      'COPY customers (id, external_id, name, company, tier, segment, lifetime_value, preferred_language, do_not_call, birthday, notes, created_at, updated_at) FROM STDIN',
    rowsOf: (c, { now }) => {
      const created = iso(now - (c.index % 1500) * DAY_MS - 3 * 365 * DAY_MS);
      return line([c.id, c.externalId, c.name, c.company, c.tier, c.segment, c.lifetimeValue, c.country.language, c.doNotCall, c.birthday, c.notes, created, created]);
    },
  },
  {
    name: 'customer_phones',
    copySql: 'COPY customer_phones (customer_id, e164, label, is_primary) FROM STDIN',
    rowsOf: (c) => c.phones.map((phone) => line([c.id, phone.e164, phone.label, phone.primary])).join(''),
  },
  {
    name: 'contacts',
    copySql: 'COPY contacts (customer_id, name, role, email, phone_e164) FROM STDIN',
    rowsOf: (c, { model }) => {
      if (c.companyIndex === null) return '';
      const random = new SeededRandom(model.seed, TABLE_STREAMS.contacts, c.index);
      if (!random.chance(0.2)) return '';
      const email = `contact${c.id}@example.${c.country.code.toLowerCase()}`;
      return line([c.id, `${random.pick(c.country.firstNames)} ${random.pick(c.country.lastNames)}`, random.pick(['assistant', 'purchasing', 'accounts', 'IT']), email, null]);
    },
  },
  {
    name: 'tickets',
    copySql: 'COPY tickets (customer_id, subject, status, priority, opened_at, closed_at) FROM STDIN',
    rowsOf: (c, { model, now }) => {
      const random = new SeededRandom(model.seed, TABLE_STREAMS.tickets, c.index);
      let rows = '';
      for (let n = historyCount(random, 0.8); n > 0; n--) {
        const status = weighted(random, TICKET_STATUSES);
        const opened = now - random.int(1, 700) * DAY_MS - random.int(0, DAY_MS);
        const closed = status === 'solved' || status === 'closed' ? iso(Math.min(now, opened + random.int(1, 20) * DAY_MS)) : null;
        rows += line([c.id, random.pick(TICKET_SUBJECTS), status, random.pick(PRIORITIES), iso(opened), closed]);
      }
      return rows;
    },
  },
  {
    name: 'orders',
    copySql: 'COPY orders (customer_id, order_number, amount, currency, status, ordered_at) FROM STDIN',
    rowsOf: (c, { model, now }) => {
      const random = new SeededRandom(model.seed, TABLE_STREAMS.orders, c.index);
      let rows = '';
      for (let n = historyCount(random, 1); n > 0; n--) {
        const ordered = now - random.int(1, 900) * DAY_MS - random.int(0, DAY_MS);
        rows += line([c.id, `SO-${c.id}-${n}`, (random.int(500, 500_000) / 100).toFixed(2), c.country.currency, random.pick(ORDER_STATUSES), iso(ordered)]);
      }
      return rows;
    },
  },
  {
    name: 'interactions',
    copySql:
      'COPY interactions (customer_id, direction, caller_number, caller_e164, dialled_number, queue, agent_id, arrived_at, offered_at, answered_at, ended_at, outcome, disposition, notes) FROM STDIN',
    rowsOf: (c, { model, now, agentIds }) => {
      const random = new SeededRandom(model.seed, TABLE_STREAMS.interactions, c.index);
      const caller = c.phones[0]!.e164;
      let rows = '';
      for (let n = historyCount(random, 1.4); n > 0; n--) {
        const arrived = now - random.int(1, 365) * DAY_MS - random.int(0, DAY_MS);
        const offered = arrived + random.int(5, 300) * 1000;
        const outcomeRoll = random.next();
        const outcome = outcomeRoll < 0.8 ? 'answered' : outcomeRoll < 0.92 ? 'abandoned' : outcomeRoll < 0.96 ? 'voicemail' : 'callback';
        const answered = outcome === 'answered' ? offered + random.int(2, 20) * 1000 : null;
        const ended = (answered ?? offered) + random.int(20, 900) * 1000;
        const agent = answered !== null && agentIds.length > 0 ? random.pick(agentIds) : null;
        rows += line([
          c.id, 'inbound', caller, caller, '800', random.pick(QUEUES), agent, iso(arrived), iso(offered),
          answered === null ? null : iso(answered), iso(ended), outcome,
          answered === null ? null : random.pick(DISPOSITIONS), answered === null ? '' : random.pick(CALL_NOTES),
        ]);
      }
      return rows;
    },
  },
];

/** Midnight UTC of the given time: seeding twice on one day yields the same history. */
export function seedReferenceTime(date = new Date()): number {
  return Date.parse(`${date.getUTCFullYear()}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}T00:00:00Z`);
}
