import t from 'tap';
import { loadConfig } from '../../src/config/env.js';
import { startServer } from '../../src/server.js';
import { startSimulator } from '../../src/telephony/simulator/index.js';
import { ensureUser } from '../../src/users/repository.js';
import { createTestDatabase } from '../helpers/database.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { capturedLogger } from '../helpers/logs.js';
import { createTestRedis } from '../helpers/redis.js';
import { ARI_PASSWORD, ARI_USER, waitUntil } from '../helpers/telephony.js';

const API_KEY = 'acd-api-test-key-0123456789';

t.test('agents, queues and waiting calls over REST', async (t) => {
  const db = await createTestDatabase(t);
  const { prefix } = await createTestRedis(t);
  const simulator = await startSimulator({ port: 0, users: { [ARI_USER]: ARI_PASSWORD }, dialplanApps: ['ringside'], timeScale: 0.1, endpoints: { 'PJSIP/3001': { behaviour: 'manual' } } });
  t.teardown(() => simulator.close());
  const annId = String(await ensureUser(db.pool, { username: 'ann', displayName: 'Ann', role: 'agent', password: 'x-password', defaultEndpoint: 'PJSIP/3001', skills: { support: 5 } }));
  const dir = t.testdir({
    flows: { 'q.yaml': 'name: q\ndefault: true\nstart: wait\nsteps:\n  wait: { type: queue, queue: support }\n' },
    rules: {
      'r.yaml':
        'queues:\n  - { name: support, ringTimeoutSeconds: 120, whenNoAgents: { action: wait }, announcements: { onEntry: false, everySeconds: 0 } }\n  - { name: billing, whenNoAgents: { action: wait } }\nrules:\n  - { name: everyone, queue: support }\n',
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
    API_KEYS: API_KEY,
    IVR_FLOWS_DIR: `${dir}/flows`,
    ROUTING_RULES_DIR: `${dir}/rules`,
    PAUSE_REASONS: 'break,lunch',
  });
  const { logger, lines } = capturedLogger([ARI_PASSWORD, API_KEY], 'info');
  const server = await startServer(config, logger);
  t.teardown(() => server.close());
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}/api${path}`, {
      method,
      headers: { authorization: `Bearer ${API_KEY}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
  };

  t.match(await api('GET', '/agents'), { status: 200, body: [{ agentId: annId, displayName: 'Ann', status: 'logged_out', queues: ['support'] }] });
  t.match(await api('POST', `/agents/${annId}/state`, { action: 'login' }), { status: 200, body: { from: 'logged_out', to: 'available' } });
  t.match(await api('POST', `/agents/${annId}/state`, { action: 'pause', reason: 'nap' }), { status: 400, body: { error: 'invalid_pause_reason' } });
  t.match(await api('POST', `/agents/${annId}/state`, { action: 'pause', reason: 'missed' }), { status: 400, body: { error: 'invalid_pause_reason' } }, 'the system\'s own reason');
  t.match(await api('POST', `/agents/${annId}/state`, { action: 'pause', reason: 'lunch' }), { status: 200, body: { to: 'paused', reason: 'lunch' } });
  t.match(await api('POST', `/agents/${annId}/state`, { action: 'end_wrap_up' }), { status: 409, body: { error: 'illegal_transition', details: { from: 'paused', action: 'end_wrap_up' } } });
  t.match(await api('POST', `/agents/${annId}/state`, { action: 'dance' }), { status: 400 });
  t.match(await api('POST', '/agents/999999/state', { action: 'login' }), { status: 404 });
  t.match(await api('GET', '/agents'), { body: [{ status: 'paused', reason: 'lunch' }] }, 'rejected requests changed nothing');

  const calls: string[] = [];
  for (const from of ['+8613800138000', '+8613800138001']) {
    calls.push((await simulator.control.placeCall({ from, to: '800' })).channelId);
    // Music starts just before the call joins the line in Redis: wait for the line itself.
    const deadline = Date.now() + 5000;
    while ((await server.telephony.acd.store.waitingCalls('support')).length < calls.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const waiting = await api('GET', '/queues/support/calls');
  t.match(waiting, { status: 200, body: [{ callId: calls[0], position: 1, state: 'waiting', priority: 0 }, { callId: calls[1], position: 2 }] });
  t.match(await api('GET', '/queues'), { body: [{ name: 'support', waiting: 2, available: 0 }, { name: 'billing', waiting: 0 }] });
  t.match(await api('GET', '/queues/nowhere/calls'), { status: 404 });

  t.equal((await api('PATCH', `/calls/${calls[1]}`, { priority: 30 })).status, 204);
  t.match(await api('GET', '/queues/support/calls'), { body: [{ callId: calls[1], position: 1, priority: 30 }, { callId: calls[0], position: 2 }] }, 'raised at once');
  t.match(await api('PATCH', `/calls/${calls[0]}`, { queue: 'nowhere' }), { status: 404 });
  t.match(await api('PATCH', `/calls/${calls[0]}`, {}), { status: 400 });
  t.match(await api('PATCH', `/calls/${calls[0]}`, { priority: -5 }), { status: 400 });
  t.match(await api('PATCH', '/calls/no-such-call', { priority: 5 }), { status: 404 });
  t.equal((await api('PATCH', `/calls/${calls[0]}`, { queue: 'billing' })).status, 204);
  t.match(await api('GET', '/queues'), { body: [{ name: 'support', waiting: 1 }, { name: 'billing', waiting: 1 }] });

  t.match(await api('POST', `/agents/${annId}/state`, { action: 'resume' }), { status: 200, body: { to: 'available' } });
  await waitUntil(() => simulator.control.stats().channels === 3, 5000, 'ann\'s phone ringing for the raised call').catch((error: unknown) => {
    console.error(lines.join('\n'));
    throw error;
  });
  t.match(await api('GET', '/agents'), { body: [{ status: 'offered', callId: calls[1] }] });
  t.match(await api('POST', `/agents/${annId}/state`, { action: 'logout' }), { status: 200, body: { from: 'offered', to: 'offered', reason: 'logout_pending' } });
  for (const callId of calls) await simulator.control.hangup(callId);
  await waitUntil(() => simulator.control.stats().channels === 0, 5000, 'every call ended');
  t.match(await api('GET', '/agents'), { body: [{ status: 'logged_out' }] }, 'the pending logout happened when the call ended');
  t.match(await api('GET', '/agents', undefined).then(() => fetch(`${server.url}/api/agents`)), { status: 401 }, 'no key, no access');
});
