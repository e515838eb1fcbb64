import type { Config } from '../config/env.js';
import { ensureDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { createPool, type Pool } from '../db/pool.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { DEMO_PASSWORD, demoUsers } from '../seed/demo-users.js';
import { seedCrm } from '../seed/seed.js';
import { closeOnSignals, startServer, type RunningServer } from '../server.js';
import { startSimulator, type EndpointBehaviour, type RunningSimulator } from '../telephony/simulator/index.js';
import { secretsOf } from '../config/env.js';
import { deleteKeysMatching } from '../redis/client.js';
import { ensureUser } from '../users/repository.js';
import { SyntheticCallers } from './synthetic-callers.js';
import { parseWeeklyHours } from '../callbacks/calling-hours.js';

export interface DemoOptions {
  callsPerMinute: number;
  customers: number;
  simulatorPort: number;
}

/** The ARI credentials between the demo's own Ringside and its own simulator; nothing outside uses them. */
const DEMO_ARI_USER = 'ringside';
const DEMO_ARI_PASSWORD = 'ringside-demo-ari';
const IVR_LINE = '800';
const SUPPORT_LINE = '801';

/** Agents answer after 2–4 s and talk for 15–45 s: enough for queues to form at a few calls per minute. */
function agentPhones(): Record<string, EndpointBehaviour> {
  const phones: Record<string, EndpointBehaviour> = {};
  demoUsers().forEach((user, index) => {
    if (user.defaultEndpoint) phones[user.defaultEndpoint] = { behaviour: 'answer', answerAfterMs: 2000 + (index % 3) * 1000, hangupAfterMs: 15_000 + ((index * 7919) % 30_000) };
  });
  return phones;
}

/** The demo's simulator starts empty, so ACD state left by an earlier demo run refers to calls that no longer exist. */
function clearAcdState(config: Config): Promise<void> {
  return deleteKeysMatching(config.redis.url, `${config.redis.keyPrefix}{acd}:*`);
}

/** The printed logins must work whatever filled the database (a seed, an import, an earlier demo): add whoever is missing. */
async function ensureDemoUsers(pool: Pool): Promise<void> {
  const users = demoUsers();
  const { rows } = await pool.query<{ username: string }>('SELECT username FROM users WHERE username = ANY($1)', [users.map((user) => user.username)]);
  const present = new Set(rows.map((row) => row.username));
  for (const user of users.filter((candidate) => !present.has(candidate.username))) await ensureUser(pool, user);
}

async function prepareCrm(config: Config, customers: number, log: Logger): Promise<void> {
  await ensureDatabase(config.database.url);
  await migrate(config.database.url);
  const pool = createPool(config.database.url, 4);
  try {
    const { rows } = await pool.query<{ count: number }>('SELECT count(*)::int AS count FROM customers');
    if (rows[0]!.count === 0) {
      log.info({ customers }, 'empty CRM: seeding demo data');
      const result = await seedCrm(pool, { customers });
      log.info({ seconds: Number(result.seconds.toFixed(1)), rows: result.rows }, 'demo CRM seeded');
    }
    await ensureDemoUsers(pool);
  } finally {
    await pool.end();
  }
}

function printWelcome(server: RunningServer, simulator: RunningSimulator, options: DemoOptions): void {
  const lines = [
    '',
    'Ringside demo is running.',
    `  Ringside:        ${server.url}  (health: /ready, API docs: /docs)`,
    `  Agent console:   ${server.url}/agent  (log in as an agent below; their simulated phones answer by themselves)`,
    `  PBX simulator:   ${simulator.url}  (ARI at /ari; control API at /simulator, see src/telephony/simulator/README.md)`,
    `  Synthetic calls: ${options.callsPerMinute} per minute to the main line ${IVR_LINE} (ivr-flows/main-line.yaml) and the support line ${SUPPORT_LINE}; follow each in the log by callId`,
    '  Callbacks:       some callers take the queue\'s callback offer (sales and billing, after 20 s): watch "callback waiting for its turn" and "callback attempt" in the log, GET /api/callbacks as supervisor',
    '  Demo logins (password for all: ' + DEMO_PASSWORD + '):',
    ...demoUsers().map((user) => `    ${user.username.padEnd(11)} ${user.role.padEnd(10)} ${user.displayName}${user.defaultEndpoint ? `  phone ${user.defaultEndpoint}` : ''}`),
    `  REST API with a login: POST ${server.url}/api/auth/login {"username": "li.na", "password": "${DEMO_PASSWORD}"} sets the session cookie`,
    'Press Ctrl+C to stop.',
    '',
  ];
  process.stderr.write(lines.join('\n') + '\n');
}

/**
 * The whole product on one machine without Asterisk: the PBX simulator,
 * Ringside connected to it over real ARI, a small CRM, simulated agent
 * phones and callers arriving at a steady rate.
 */
export async function runDemo(baseConfig: Config, options: DemoOptions): Promise<void> {
  const simulator = await startSimulator({
    port: options.simulatorPort,
    users: { [DEMO_ARI_USER]: DEMO_ARI_PASSWORD },
    dialplanApps: [baseConfig.ari.app],
    // Customers called back answer after 4 s and talk for 30 s.
    endpoints: { ...agentPhones(), 'PJSIP/carrier': { behaviour: 'answer', answerAfterMs: 4000, hangupAfterMs: 30_000 } },
  });
  const config: Config = {
    ...baseConfig,
    ari: { ...baseConfig.ari, url: simulator.url, user: DEMO_ARI_USER, password: DEMO_ARI_PASSWORD },
    // Callbacks are dialled whenever the demo runs, and through the simulator's trunk.
    outbound: { ...baseConfig.outbound, endpoint: 'PJSIP/{number}@carrier', centerHours: parseWeeklyHours('mon-sun 00:00-24:00'), customerHours: [[0, 24 * 60]] },
  };
  const logger = createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  logger.info({ simulator: simulator.url }, 'PBX simulator started');
  await prepareCrm(config, options.customers, logger);
  await clearAcdState(config);
  const server = await startServer(config, logger);
  for (const agent of server.telephony.acd.agents()) {
    await server.telephony.acd.login(agent.agentId);
    logger.info({ agentId: agent.agentId, endpoint: agent.endpoint, queues: agent.queues }, 'demo agent logged in and available');
  }
  const db = createPool(config.database.url, 2);
  const callers = new SyntheticCallers(simulator.control, db, logger.child({ component: 'demo-callers' }), {
    callsPerMinute: options.callsPerMinute,
    dialledNumber: IVR_LINE,
    supportNumber: SUPPORT_LINE,
  });
  await callers.start();
  printWelcome(server, simulator, options);
  closeOnSignals(
    {
      ...server,
      close: async () => {
        callers.stop();
        await server.close();
        await db.end();
        await simulator.close();
      },
    },
    config.shutdownTimeoutMs,
  );
}
