import t from 'tap';
import type { ServerMessage } from '../../src/realtime/messages.js';
import type { RunningServer } from '../../src/server.js';
import { login, openConsole, type Console } from '../helpers/consoles.js';
import { apiFor, startSite } from '../helpers/site.js';
import { waitUntil } from '../helpers/telephony.js';
import { eventually } from '../helpers/acd-site.js';

const CALLER = '+8613800138000';

/** One agent's REST side of the console: GET without a body, POST with one. */
const consoleApi = (server: RunningServer, cookie: string) => {
  const api = apiFor(server, cookie);
  return (path: string, body?: unknown) => api<Record<string, unknown>>(body === undefined ? 'GET' : 'POST', path, body);
};

const callUpdates = (console: Console) => console.messages.filter((m): m is Extract<ServerMessage, { type: 'call.update' }> => m.type === 'call.update').map((m) => m.call);

t.test('call controls: hold, notes, consult then cancel or complete, blind transfer to a queue and to an agent, hang-up, wrap-up', async (t) => {
  const { db, simulator, server, ids } = await startSite(t, {
    wrapUpSeconds: 300,
    env: { DISPOSITIONS: 'resolved,follow_up' },
    logLevel: 'info',
    users: [
      { username: 'ann', role: 'agent', endpoint: 'PJSIP/3001', skills: { support: 5 } },
      { username: 'bob', role: 'agent', endpoint: 'PJSIP/3002', skills: { support: 3 } },
      { username: 'cai', role: 'agent', endpoint: 'PJSIP/3003', skills: { billing: 5 } },
    ],
  });
  const [annId, bobId, caiId] = [ids.ann!, ids.bob!, ids.cai!];
  const customer = await db.pool.query<{ id: number }>(`INSERT INTO customers (name) VALUES ('Li Wei') RETURNING id`);
  const customerId = customer.rows[0]!.id;
  await db.pool.query(`INSERT INTO customer_phones (customer_id, e164, label, is_primary) VALUES ($1, $2, 'mobile', true)`, [customerId, CALLER]);


  const cookies = { ann: await login(server, 'ann'), bob: await login(server, 'bob'), cai: await login(server, 'cai') };
  const ann = consoleApi(server, cookies.ann);
  const bob = consoleApi(server, cookies.bob);
  const cai = consoleApi(server, cookies.cai);
  const annWs = await openConsole(server, { cookie: cookies.ann });
  const bobWs = await openConsole(server, { cookie: cookies.bob });
  const caiWs = await openConsole(server, { cookie: cookies.cai });
  t.teardown(() => Promise.all([annWs.close(), bobWs.close(), caiWs.close()]));
  const status = async (agentId: string) => (await server.telephony.acd.store.getAgent(agentId))?.status;
  const interaction = async (callId: string) =>
    (await db.pool.query<{ agent_id: number | null; notes: string; disposition: string | null; outcome: string | null; attributes: Record<string, unknown> }>(
      'SELECT agent_id, notes, disposition, outcome, attributes FROM interactions WHERE call_id = $1',
      [callId],
    )).rows[0];

  const configReply = await ann('/console/config');
  t.match(configReply, { status: 200, body: { agentId: annId, dispositions: ['resolved', 'follow_up'], queues: ['support', 'billing'] } }, 'the console learns dispositions and transfer targets');
  t.same((configReply.body!.agents as { agentId: string }[]).map((agent) => agent.agentId).sort(), [bobId, caiId].sort(), 'colleagues, not oneself');
  t.match(await ann('/console/call/hold', {}), { status: 409, body: { error: 'conflict' } }, 'no call, nothing to hold');

  for (const [id, cookie] of [[annId, cookies.ann], [bobId, cookies.bob]] as const) {
    const reply = await fetch(`${server.url}/api/agents/${id}/state`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ action: 'login' }) });
    t.equal(reply.status, 200);
  }
  // Bob pauses so that the call rings ann: he is the colleague she consults later.
  t.equal((await fetch(`${server.url}/api/agents/${bobId}/state`, { method: 'POST', headers: { cookie: cookies.bob, 'content-type': 'application/json' }, body: JSON.stringify({ action: 'pause', reason: 'break' }) })).status, 200);

  const { channelId: callId } = await simulator.control.placeCall({ from: CALLER, to: '800' });
  await annWs.next('pop', 10_000);
  await simulator.control.answerEndpoint('PJSIP/3001');
  await waitUntil(() => Boolean(simulator.control.callState(callId)?.bridgeId), 5000, 'ann and the caller bridged');
  await eventually(async () => (await status(annId)) === 'on_call', 5000, 'ann on call');

  // Hold and resume.
  const held = await ann('/console/call/hold', {});
  t.match(held, { status: 200, body: { callId, state: 'held' } });
  t.match(simulator.control.callState(callId), { bridgeId: null, musicOnHold: true }, 'the held caller hears music, out of the bridge');
  t.match(await bob('/console/call/hold', {}), { status: 409 }, 'bob has no call to hold');
  t.match(await ann('/console/call/resume', {}), { status: 200, body: { state: 'talking' } });
  t.match(simulator.control.callState(callId), { musicOnHold: false }, 'back in the conversation');
  t.ok(simulator.control.callState(callId)?.bridgeId);
  await waitUntil(() => callUpdates(annWs).some((view) => view.state === 'held'), 2000, 'the held view pushed');

  // Notes, attributes, and what is refused.
  t.match(await ann('/console/call/notes', { text: '   ' }), { status: 400 }, 'a blank note is refused');
  t.match(await ann('/console/call/notes', { text: 'Asked about invoice 42' }), { status: 204 });
  t.match(await ann('/console/call/attributes', { attributes: { transfer: 'x' } }), { status: 400, body: { error: 'reserved_attribute' } });
  t.match(await ann('/console/call/attributes', { attributes: { orderId: 'A-17', urgent: true } }), { status: 204 });
  t.match(await ann('/console/call/pick', { customerId: 999_999 }), { status: 404 });
  t.match(await ann('/console/call/pick', { customerId }), { status: 204 });
  t.match(await interaction(callId), { notes: 'Asked about invoice 42', attributes: { orderId: 'A-17', urgent: true, pickedBy: annId } });

  // Consult bob: he is paused, so refused; then available, rung with the pop and the note; cancelled.
  t.match(await ann('/console/call/consult', { to: { agentId: bobId } }), { status: 409, body: { message: /not available/ } }, 'a paused colleague is not rung');
  t.equal((await fetch(`${server.url}/api/agents/${bobId}/state`, { method: 'POST', headers: { cookie: cookies.bob, 'content-type': 'application/json' }, body: JSON.stringify({ action: 'resume' }) })).status, 200);
  t.match(await ann('/console/call/consult', { to: { agentId: '424242' } }), { status: 404 });
  t.match(await ann('/console/call/consult', { to: { agentId: bobId }, note: 'Billing question, can you take it?' }), { status: 200, body: { state: 'consulting', consult: { agentId: bobId, state: 'ringing' } } });
  const bobPop = await bobWs.next('pop', 5000);
  t.match(bobPop, { pop: { callId, agentId: bobId, transfer: { fromAgent: annId, fromAgentName: 'ann (test)', kind: 'consult', note: 'Billing question, can you take it?' } } }, 'the colleague sees the caller and the note while his phone rings');
  t.equal(await status(bobId), 'offered');
  t.match(simulator.control.callState(callId), { musicOnHold: true }, 'the caller holds during the consult');
  t.match(await ann('/console/call/consult/complete', {}), { status: 409, body: { message: /not answered/ } }, 'nothing to hand over before bob answers');
  t.match(await ann('/console/call/transfer', { to: { queue: 'billing' } }), { status: 409 }, 'no blind transfer in the middle of a consult');
  await simulator.control.answerEndpoint('PJSIP/3002');
  await waitUntil(() => callUpdates(annWs).some((view) => view.consult?.state === 'talking'), 5000, 'ann hears bob answered');
  t.equal(await status(bobId), 'on_call');
  t.match(await ann('/console/call/consult/cancel', {}), { status: 200, body: { state: 'talking', consult: null } });
  await eventually(async () => (await status(bobId)) === 'available', 5000, 'bob free again after the cancelled consult');
  t.match(simulator.control.callState(callId), { musicOnHold: false }, 'the caller is back with ann');

  // Consult again and complete: the caller now talks to bob, ann wraps up.
  t.match(await ann('/console/call/consult', { to: { agentId: bobId }, note: 'Over to you' }), { status: 200 });
  await eventually(async () => (await status(bobId)) === 'offered', 5000, 'bob rung again');
  await simulator.control.answerEndpoint('PJSIP/3002');
  await waitUntil(() => callUpdates(annWs).filter((view) => view.consult?.state === 'talking').length === 2, 5000, 'bob answered again');
  t.match(await ann('/console/call/consult/complete', {}), { status: 204 });
  await eventually(async () => (await status(annId)) === 'wrap_up', 5000, 'ann in wrap-up');
  await waitUntil(() => callUpdates(bobWs).some((view) => view.callId === callId && view.state === 'talking'), 5000, 'bob\'s console has the call');
  t.equal(await status(bobId), 'on_call');
  t.match(simulator.control.callState(callId), { ended: false, musicOnHold: false }, 'the caller stays, talking to bob');
  await eventually(async () => (await interaction(callId))?.agent_id === Number(bobId), 3000, 'the interaction is bob\'s now');
  t.match((await interaction(callId))!.attributes, { transfer: { fromAgent: annId, to: `agent:${bobId}`, kind: 'attended' }, handledBy: [annId] });
  t.match(await ann('/console/wrap-up', { callId, disposition: 'escalated', notes: '' }), { status: 400, body: { error: 'invalid_disposition' } }, 'only a configured disposition');
  t.match(await ann('/console/wrap-up', { callId, disposition: 'follow_up', notes: 'Handed to bob for billing' }), { status: 204 }, 'ann still writes her wrap-up on the call she handed over');
  await eventually(async () => (await status(annId)) === 'available', 3000, 'saving the wrap-up ends it');

  // Bob blind-transfers to the billing queue; cai (billing) logs in and gets it with bob's note.
  t.match(await bob('/console/call/transfer', { to: { queue: 'nowhere' } }), { status: 404 });
  t.match(await bob('/console/call/transfer', { to: { agentId: bobId } }), { status: 409 }, 'not to oneself');
  t.match(await bob('/console/call/transfer', { to: { agentId: caiId } }), { status: 409, body: { message: /not logged in/ } }, 'not to an agent who is not logged in');
  t.match(await bob('/console/call/transfer', { to: { queue: 'billing' }, note: 'Invoice 42, customer is upset' }), { status: 204 });
  await eventually(async () => (await status(bobId)) === 'wrap_up', 5000, 'bob in wrap-up');
  t.match(simulator.control.callState(callId), { ended: false, musicOnHold: true }, 'the caller waits in billing with music');
  t.equal((await fetch(`${server.url}/api/agents/${caiId}/state`, { method: 'POST', headers: { cookie: cookies.cai, 'content-type': 'application/json' }, body: JSON.stringify({ action: 'login' }) })).status, 200);
  const caiPop = await caiWs.next('pop', 5000);
  t.match(caiPop, { pop: { callId, queue: 'billing', transfer: { fromAgent: bobId, fromAgentName: 'bob (test)', kind: 'blind', note: 'Invoice 42, customer is upset' } } });
  await simulator.control.answerEndpoint('PJSIP/3003');
  await eventually(async () => (await status(caiId)) === 'on_call', 5000, 'cai talking');

  // Cai sends the caller straight to ann (her direct queue); ann answers; ann hangs up from the console.
  t.match(await cai('/console/call/transfer', { to: { agentId: annId }, note: 'Back to you, ann' }), { status: 204 });
  const annSecondPop = await annWs.next('pop', 5000, annWs.messages.findIndex((m) => m.type === 'pop') + 1);
  t.match(annSecondPop, { pop: { callId, agentId: annId, transfer: { fromAgent: caiId, note: 'Back to you, ann' } } });
  await simulator.control.answerEndpoint('PJSIP/3001');
  await eventually(async () => (await status(annId)) === 'on_call', 5000, 'ann talking again');
  t.match(await bob('/console/call/hangup', {}), { status: 409 }, 'bob cannot hang up a call he no longer has');
  t.match(await ann('/console/call/hangup', {}), { status: 204 });
  await waitUntil(() => simulator.control.callState(callId)?.ended === true, 5000, 'the call ends for the caller too');
  await eventually(async () => (await interaction(callId))?.outcome === 'answered', 5000, 'the interaction closed');
  t.match(await cai('/console/wrap-up', { callId, disposition: 'resolved', notes: 'Sent back to ann' }), { status: 204 });
  t.match(await ann('/console/wrap-up', { callId, disposition: 'resolved', notes: 'Invoice corrected' }), { status: 204 });
  await eventually(async () => (await status(annId)) === 'available' && (await status(caiId)) === 'available', 3000, 'both available');
  const row = (await interaction(callId))!;
  t.equal(row.disposition, 'resolved', 'the last agent\'s disposition stands');
  t.equal(row.notes, 'Asked about invoice 42\nHanded to bob for billing\nSent back to ann\nInvoice corrected', 'every agent\'s notes, in order');
  t.same((row.attributes.handledBy as string[]).sort(), [annId, bobId, caiId].sort());

  const recent = await bob('/console/recent-calls');
  t.match(recent, { status: 200 });
  t.ok((recent.body as unknown as { callId: string }[]).some((call) => call.callId === callId), 'the call is in bob\'s recent calls though another agent ended it');
  t.match(await bob('/console/wrap-up', { callId: 'not-a-call', disposition: 'resolved', notes: '' }), { status: 404 });
  await eventually(async () => simulator.control.stats().bridges === 0 && simulator.control.stats().channels === 0, 5000, 'no channel or bridge left behind');
});
