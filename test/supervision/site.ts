import type { Test } from 'tap';
import { loadConfig } from '../../src/config/env.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { startSimulator, type RunningSimulator } from '../../src/telephony/simulator/index.js';
import { eventually } from '../helpers/acd-site.js';
import { addUser } from '../helpers/auth.js';
import { login } from '../helpers/consoles.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { capturedLogger } from '../helpers/logs.js';
import { createTestRedis } from '../helpers/redis.js';
import { ARI_PASSWORD, ARI_USER, waitUntil } from '../helpers/telephony.js';

export const CALLER = '+8613800138000';

export interface Reply {
  status: number;
  body: unknown;
}

export type Api = (method: string, path: string, body?: unknown) => Promise<Reply>;

export interface SupervisionSite {
  db: TestDatabase;
  simulator: RunningSimulator;
  server: RunningServer;
  ids: { ann: string; bob: string; sue: string; ada: string };
  api: { ann: Api; bob: Api; sue: Api; ada: Api };
  /** A bridge as the PBX reports it over ARI. */
  bridge: (bridgeId: string) => Promise<{ status: number; channels: string[] }>;
  /** Places a call, lets ann's phone answer it: the caller's channel, ann's leg and their bridge. */
  callAnn: () => Promise<{ callId: string; legId: string; bridgeId: string }>;
}

/**
 * A whole Ringside on the PBX simulator: agents ann (PJSIP/3001) and bob (PJSIP/3002), supervisor sue whose
 * phone is PJSIP/4001, admin ada without a phone. Every phone answers only when the test says.
 */
export async function startSupervisionSite(t: Test): Promise<SupervisionSite> {
  const db = await createTestDatabase(t);
  const { prefix } = await createTestRedis(t);
  const simulator = await startSimulator({
    port: 0,
    users: { [ARI_USER]: ARI_PASSWORD },
    dialplanApps: ['ringside'],
    timeScale: 0.1,
    endpoints: {
      'PJSIP/3001': { behaviour: 'manual' },
      'PJSIP/3002': { behaviour: 'manual' },
      'PJSIP/4001': { behaviour: 'manual' },
      'PJSIP/4002': { behaviour: 'manual' },
    },
  });
  t.teardown(() => simulator.close());
  const ids = {
    ann: String(await addUser(db.pool, 'ann', 'agent', { defaultEndpoint: 'PJSIP/3001', skills: { support: 5 } })),
    bob: String(await addUser(db.pool, 'bob', 'agent', { defaultEndpoint: 'PJSIP/3002', skills: { support: 5 } })),
    sue: String(await addUser(db.pool, 'sue', 'supervisor', { defaultEndpoint: 'PJSIP/4001' })),
    ada: String(await addUser(db.pool, 'ada', 'admin')),
  };
  const dir = t.testdir({
    flows: { 'q.yaml': 'name: q\ndefault: true\nstart: wait\nsteps:\n  wait: { type: queue, queue: support }\n' },
    rules: {
      'r.yaml':
        'queues:\n  - { name: support, ringTimeoutSeconds: 120, wrapUpSeconds: 300, whenNoAgents: { action: wait }, announcements: { onEntry: false, everySeconds: 0 } }\n' +
        '  - { name: billing, ringTimeoutSeconds: 120, wrapUpSeconds: 300, whenNoAgents: { action: wait }, announcements: { onEntry: false, everySeconds: 0 } }\n' +
        'rules:\n  - { name: everyone, queue: support }\n',
    },
  });
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
  const { logger, lines } = capturedLogger([ARI_PASSWORD], 'warn');
  // SHOW_LOGS=1 prints the server's warnings and errors after the test.
  t.teardown(() => {
    if (process.env.SHOW_LOGS) console.error(lines.join('\n'));
  });
  const server = await startServer(config, logger);
  t.teardown(() => server.close());

  const apiFor = (cookie: string): Api => async (method, path, body) => {
    const response = await fetch(`${server.url}/api${path}`, {
      method,
      headers: body === undefined ? { cookie } : { cookie, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
  };
  const api = {
    ann: apiFor(await login(server, 'ann')),
    bob: apiFor(await login(server, 'bob')),
    sue: apiFor(await login(server, 'sue')),
    ada: apiFor(await login(server, 'ada')),
  };
  const ari = `Basic ${Buffer.from(`${ARI_USER}:${ARI_PASSWORD}`).toString('base64')}`;
  const bridge = async (bridgeId: string) => {
    const response = await fetch(`${simulator.url}/ari/bridges/${bridgeId}`, { headers: { authorization: ari } });
    const body = (await response.json()) as { channels?: string[] };
    return { status: response.status, channels: [...(body.channels ?? [])].sort() };
  };
  const acd = server.telephony.acd;
  const callAnn = async () => {
    const { channelId: callId } = await simulator.control.placeCall({ from: CALLER, to: '800' });
    await eventually(async () => (await acd.store.getAgent(ids.ann))?.status === 'offered', 10_000, 'the call offered to ann');
    for (let tries = 0; ; tries++) {
      try {
        await simulator.control.answerEndpoint('PJSIP/3001');
        break;
      } catch (error) {
        if (tries > 200) throw error;
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
    }
    await waitUntil(() => acd.dispatcher.talkOf(ids.ann) !== undefined, 5000, 'ann talking to the caller');
    const talk = acd.dispatcher.talkOf(ids.ann)!;
    return { callId, legId: talk.legId, bridgeId: talk.bridgeId };
  };
  return { db, simulator, server, ids, api, bridge, callAnn };
}

/** Polls the supervisor's session until it is in `state` (or gone: null). */
export async function monitorBecomes(api: Api, state: 'connected' | null, ms = 5000): Promise<void> {
  await eventually(
    async () => {
      const reply = await api('GET', '/monitor');
      return state === null ? reply.status === 404 : reply.status === 200 && (reply.body as { state: string }).state === state;
    },
    ms,
    `the monitoring session ${state ?? 'ended'}`,
  );
}

/** Answers the ringing phone as soon as it rings. */
export async function answer(simulator: RunningSimulator, endpoint: string): Promise<void> {
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
