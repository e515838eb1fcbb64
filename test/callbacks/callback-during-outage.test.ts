import t from 'tap';
import { answerWhenRinging } from '../helpers/site.js';
import { eventually } from '../helpers/acd-site.js';
import { TEST_POSTGRES_URL } from '../helpers/env.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { waitUntil } from '../helpers/telephony.js';
import { startCallbackSite } from './callback-site.js';

const FIRST = '+8613900000001';
const CALLER = '+8613900000002';

t.test('a caller accepts the callback offer while PostgreSQL is down: told it cannot be booked, they keep their place and are answered', async (t) => {
  const postgres = new URL(TEST_POSTGRES_URL);
  const proxy = await startTcpProxy(t, { host: postgres.hostname, port: Number(postgres.port || 5432) });
  const site = await startCallbackSite(t, { databaseUrl: (url) => proxy.url(url) });
  const { simulator, db, annApi, annId, callbackRow, server } = site;
  t.match(await annApi('POST', `/agents/${annId}/state`, { action: 'login' }), { status: 200 });
  const first = await simulator.control.placeCall({ from: FIRST, to: '800' });
  await answerWhenRinging(simulator, 'PJSIP/3001');
  await waitUntil(() => Boolean(simulator.control.callState(first.channelId)?.bridgeId), 10_000, 'ann talking to the first caller');

  await proxy.stop();
  const call = await simulator.control.placeCall({ from: CALLER, to: '800' });
  await waitUntil(() => simulator.control.callState(call.channelId)?.playing === 'sound:ringside/queue-callback-offer', 10_000, 'the callback offer');
  await simulator.control.pressKeys(call.channelId, '1');
  await waitUntil(() => simulator.control.callState(call.channelId)?.heard.includes('sound:ringside/callback-confirm-or-change') ?? false, 10_000, 'the number read back');
  await simulator.control.pressKeys(call.channelId, '1');
  await waitUntil(() => simulator.control.callState(call.channelId)?.heard.includes('sound:ringside/callback-failed') ?? false, 10_000, 'told the callback cannot be booked');
  t.equal(simulator.control.callState(call.channelId)?.ended, false, 'the caller is still on the line');
  await eventually(async () => (await server.telephony.acd.store.waitingCalls('support')).includes(call.channelId), 5000, 'still in line');
  await waitUntil(() => simulator.control.callState(call.channelId)?.musicOnHold === true, 10_000, 'music on hold again');

  await proxy.start();
  await simulator.control.hangupEndpoint('PJSIP/3001');
  await waitUntil(() => site.dialsTo('PJSIP/3001') === 2, 15_000, 'ann rung for the caller');
  await answerWhenRinging(simulator, 'PJSIP/3001');
  await eventually(async () => (await site.status(annId)) === 'on_call', 10_000, 'ann talking to the caller');
  await simulator.control.hangup(call.channelId);
  await eventually(async () => (await db.pool.query<{ outcome: string | null }>('SELECT outcome FROM interactions WHERE call_id = $1', [call.channelId])).rows[0]?.outcome === 'answered', 15_000, 'the call closed as answered');
  t.same(await callbackRow(), [], 'no callback was booked');
});
