import type { Test } from 'tap';
import { loadConfig } from '../../src/config/env.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { startSimulator, type RunningSimulator } from '../../src/telephony/simulator/index.js';
import { addUser, TEST_PASSWORD } from './auth.js';
import { ensureConsoleBuilt } from './browser.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { TEST_REDIS_URL } from './env.js';
import { capturedLogger } from './logs.js';
import { createTestRedis } from './redis.js';
import { ARI_PASSWORD, ARI_USER } from './telephony.js';

export const CUSTOMER_NUMBER = '+8613800138000';

/** Every call goes to support; billing is where calls are transferred to. */
const FLOW = 'name: q\ndefault: true\nstart: wait\nsteps:\n  wait: { type: queue, queue: support }\n';
const RULES = `queues:
  - { name: support, ringTimeoutSeconds: 120, wrapUpSeconds: 120, whenNoAgents: { action: wait }, announcements: { onEntry: false, everySeconds: 0 } }
  - { name: billing, ringTimeoutSeconds: 120, wrapUpSeconds: 120, whenNoAgents: { action: wait }, announcements: { onEntry: false, everySeconds: 0 } }
rules:
  - { name: everyone, queue: support }
`;

export interface ConsoleSite {
  db: TestDatabase;
  simulator: RunningSimulator;
  server: RunningServer;
  customerId: number;
}

/**
 * A whole Ringside for the console's browser tests: PostgreSQL, Redis, the simulator and the server
 * serving the built console. ann (support, PJSIP/3001) and bob (billing, PJSIP/3002) answer only when
 * the test says; sue is their supervisor; Li Wei, a gold customer with a ticket, an order and an earlier call, calls from CUSTOMER_NUMBER.
 */
export async function startConsoleSite(t: Test): Promise<ConsoleSite> {
  const db = await createTestDatabase(t);
  const { prefix } = await createTestRedis(t);
  const simulator = await startSimulator({
    port: 0,
    users: { [ARI_USER]: ARI_PASSWORD },
    dialplanApps: ['ringside'],
    timeScale: 0.1,
    endpoints: { 'PJSIP/3001': { behaviour: 'manual' }, 'PJSIP/3002': { behaviour: 'manual' } },
  });
  t.teardown(() => simulator.close());
  await addUser(db.pool, 'ann', 'agent', { defaultEndpoint: 'PJSIP/3001', skills: { support: 5 } });
  await addUser(db.pool, 'bob', 'agent', { defaultEndpoint: 'PJSIP/3002', skills: { billing: 5 } });
  await addUser(db.pool, 'sue', 'supervisor');

  const customer = await db.pool.query<{ id: number }>(
    `INSERT INTO customers (name, company, tier, lifetime_value, preferred_language, notes)
     VALUES ('Li Wei', 'Acme Trading', 'gold', 12500, 'zh', 'Prefers calls in the morning') RETURNING id`,
  );
  const customerId = customer.rows[0]!.id;
  await db.pool.query(`INSERT INTO customer_phones (customer_id, e164, label, is_primary) VALUES ($1, $2, 'mobile', true)`, [customerId, CUSTOMER_NUMBER]);
  await db.pool.query(`INSERT INTO tickets (customer_id, subject, status, priority) VALUES ($1, 'Invoice 42 is wrong', 'open', 'high')`, [customerId]);
  await db.pool.query(`INSERT INTO orders (customer_id, order_number, amount, currency, status) VALUES ($1, 'SO-2026-0042', 1280, 'CNY', 'shipped')`, [customerId]);
  await db.pool.query(
    `INSERT INTO interactions (call_id, customer_id, caller_e164, arrived_at, ended_at, outcome, disposition, notes)
     VALUES ('before-1', $1, $2, now() - interval '3 days', now() - interval '3 days', 'completed', 'resolved', 'Explained the invoice')`,
    [customerId, CUSTOMER_NUMBER],
  );

  const dir = t.testdir({ flows: { 'q.yaml': FLOW }, rules: { 'r.yaml': RULES } });
  const config = loadConfig({
    HTTP_PORT: '0',
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    ARI_URL: simulator.url,
    ARI_USER,
    ARI_PASSWORD,
    IVR_FLOWS_DIR: `${dir}/flows`,
    ROUTING_RULES_DIR: `${dir}/rules`,
    DEFAULT_REGION: 'CN',
  });
  const { logger } = capturedLogger([ARI_PASSWORD, TEST_PASSWORD], 'warn');
  await ensureConsoleBuilt();
  const server = await startServer(config, logger);
  t.teardown(() => server.close());
  return { db, simulator, server, customerId };
}

/** The offer is decided before the phone rings: answer as soon as it does. */
export async function answerWhenRinging(simulator: RunningSimulator, endpoint: string): Promise<void> {
  for (let tries = 0; ; tries++) {
    try {
      await simulator.control.answerEndpoint(endpoint);
      return;
    } catch (error) {
      if (tries > 200) throw error;
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
  }
}
