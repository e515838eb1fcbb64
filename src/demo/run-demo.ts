import type { Config } from '../config/env.js';
import { ensureDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { createPool } from '../db/pool.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { DEMO_PASSWORD, demoUsers } from '../seed/demo-users.js';
import { seedCrm } from '../seed/seed.js';
import { closeOnSignals, startServer, type RunningServer } from '../server.js';
import { startSimulator, type EndpointBehaviour, type RunningSimulator } from '../telephony/simulator/index.js';
import { secretsOf } from '../config/env.js';
import { SyntheticCallers } from './synthetic-callers.js';

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

function agentPhones(): Record<string, EndpointBehaviour> {
  const phones: Record<string, EndpointBehaviour> = {};
  for (const user of demoUsers()) {
    if (user.defaultEndpoint) phones[user.defaultEndpoint] = { behaviour: 'answer', answerAfterMs: 2000 };
  }
  return phones;
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
  } finally {
    await pool.end();
  }
}

function printWelcome(server: RunningServer, simulator: RunningSimulator, options: DemoOptions): void {
  const lines = [
    '',
    'Ringside demo is running.',
    `  Ringside:        ${server.url}  (health: /ready, API docs: /docs)`,
    `  PBX simulator:   ${simulator.url}  (ARI at /ari; control API at /simulator, see src/telephony/simulator/README.md)`,
    `  Synthetic calls: ${options.callsPerMinute} per minute to the main line ${IVR_LINE} (ivr-flows/main-line.yaml) and the support line ${SUPPORT_LINE}; follow each in the log by callId`,
    '  Demo logins (password for all: ' + DEMO_PASSWORD + '):',
    ...demoUsers().map((user) => `    ${user.username.padEnd(11)} ${user.role.padEnd(10)} ${user.displayName}${user.defaultEndpoint ? `  phone ${user.defaultEndpoint}` : ''}`),
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
    endpoints: agentPhones(),
  });
  const config: Config = { ...baseConfig, ari: { ...baseConfig.ari, url: simulator.url, user: DEMO_ARI_USER, password: DEMO_ARI_PASSWORD } };
  const logger = createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  logger.info({ simulator: simulator.url }, 'PBX simulator started');
  await prepareCrm(config, options.customers, logger);
  const server = await startServer(config, logger);
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
