import t from 'tap';
import { eventually } from '../helpers/acd-site.js';
import { startSupervisionSite } from './site.js';

interface AuditRow {
  id: number;
  at: string;
  action: string;
  agentId: string | null;
  callId: string | null;
  outcome: string;
  actor: { id: number | null; username: string; role: string };
  details: Record<string, unknown>;
}

t.test('forced agent states and changed calls are audited first; GET /api/audit filters and validates', async (t) => {
  const { db, simulator, server, ids, api } = await startSupervisionSite(t);
  const acd = server.telephony.acd;
  const audit = async (query = '') => {
    const reply = await api.ada('GET', `/audit${query}`);
    t.equal(reply.status, 200, `GET /audit${query}`);
    return reply.body as AuditRow[];
  };

  // An agent's own changes are not audited; a supervisor's are, with how they went.
  t.match(await api.ann('POST', `/agents/${ids.ann}/state`, { action: 'login' }), { status: 200 });
  t.match(await api.ann('POST', `/agents/${ids.ann}/state`, { action: 'pause', reason: 'break' }), { status: 200 });
  t.same(await audit(), []);
  t.match(await api.sue('POST', `/agents/${ids.ann}/state`, { action: 'resume' }), { status: 200, body: { to: 'available' } });
  t.match(await api.sue('POST', `/agents/${ids.bob}/state`, { action: 'pause', reason: 'break' }), { status: 409, body: { error: 'illegal_transition' } }, 'bob is logged out');
  t.match(await api.ada('POST', `/agents/${ids.ann}/state`, { action: 'pause', reason: 'lunch' }), { status: 200, body: { to: 'paused' } });
  t.match(await api.sue('POST', `/agents/${ids.ann}/state`, { action: 'pause', reason: 'nap' }), { status: 400, body: { error: 'invalid_pause_reason' } });

  const forced = await audit('?action=agent.state');
  t.same(
    forced.map((row) => [row.actor.username, row.actor.role, row.agentId, row.outcome, row.details]),
    [
      ['sue', 'supervisor', ids.ann, 'failed', { request: 'pause', reason: 'nap', error: 'invalid_pause_reason' }],
      ['ada', 'admin', ids.ann, 'succeeded', { request: 'pause', reason: 'lunch', from: 'available', to: 'paused' }],
      ['sue', 'supervisor', ids.bob, 'failed', { request: 'pause', reason: 'break', error: 'illegal_transition' }],
      ['sue', 'supervisor', ids.ann, 'succeeded', { request: 'resume', from: 'paused', to: 'available' }],
    ],
    'newest first: who, on which agent, what was asked and what came of it',
  );
  t.equal(forced[0]!.actor.id, Number(ids.sue));

  // A waiting call's priority and queue (ann paused: nobody takes it).
  const { channelId: callId } = await simulator.control.placeCall({ from: '+8613800138001', to: '800' });
  await eventually(async () => (await acd.store.getCall(callId))?.state === 'waiting', 10_000, 'the call waiting');
  t.match(await api.sue('PATCH', `/calls/${callId}`, { priority: 60 }), { status: 204 });
  t.match(await api.sue('PATCH', `/calls/${callId}`, { queue: 'nowhere' }), { status: 404 });
  t.match(await api.sue('PATCH', `/calls/${callId}`, { queue: 'billing' }), { status: 204 });
  t.match(await acd.store.getCall(callId), { priority: 60, queue: 'billing' });
  t.same(
    (await audit(`?callId=${callId}`)).map((row) => [row.action, row.outcome, row.details]),
    [
      ['call.change', 'succeeded', { queue: 'billing' }],
      ['call.change', 'failed', { queue: 'nowhere', error: 'not_found' }],
      ['call.change', 'succeeded', { priority: 60 }],
    ],
  );

  // Audit first: with the log unwritable the action is refused and nothing changes.
  await db.pool.query('ALTER TABLE audit_log RENAME TO audit_log_away');
  t.match(await api.sue('PATCH', `/calls/${callId}`, { priority: 5 }), { status: 503, body: { error: 'audit_unavailable' } });
  t.match(await api.sue('POST', `/agents/${ids.ann}/state`, { action: 'resume' }), { status: 503, body: { error: 'audit_unavailable' } });
  t.match(await api.ann('POST', `/agents/${ids.ann}/state`, { action: 'logout' }), { status: 200 }, 'an agent\'s own change needs no audit row');
  await db.pool.query('ALTER TABLE audit_log_away RENAME TO audit_log');
  t.match(await acd.store.getCall(callId), { priority: 60 }, 'the refused change did not happen');
  t.equal((await acd.store.getAgent(ids.ann))?.status, 'logged_out');
  t.equal((await audit()).length, 7, 'no row for refused actions');

  // Filters.
  t.same((await audit('?actor=ada')).map((row) => row.actor.username), ['ada']);
  t.equal((await audit('?actor=sue')).length, 6);
  t.equal((await audit(`?agentId=${ids.bob}`)).length, 1);
  t.equal((await audit('?limit=2')).length, 2);
  const all = await audit();
  t.same(all.map((row) => row.id), [...all.map((row) => row.id)].sort((a, b) => b - a), 'newest first');
  const middle = all[3]!.at;
  t.ok((await audit(`?from=${encodeURIComponent(middle)}`)).every((row) => row.at >= middle));
  t.ok((await audit(`?to=${encodeURIComponent(middle)}`)).every((row) => row.at <= middle));
  t.same(await audit(`?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`), [], 'nothing in the future');
  t.same(await audit('?action=monitor.start'), []);

  // Bad input: 400 with a code, for supervisors and admins alike.
  for (const query of ['?limit=0', '?limit=5000', '?limit=x', '?from=yesterday', '?action=delete.all', '?agentId=ann', '?callId=a%20b', '?actor=NOT%20A%20USER', '?colour=red']) {
    t.match(await api.sue('GET', `/audit${query}`), { status: 400, body: { error: 'invalid_input' } }, query);
  }
  t.match(await api.sue('GET', `/audit?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z`), { status: 400, body: { error: 'invalid_range' } });
  t.match(await api.ann('GET', '/audit'), { status: 403, body: { error: 'forbidden' } });
});
