import t from 'tap';
import { answerWhenRinging, startSite } from '../helpers/site.js';
import { ARI_PASSWORD, ARI_USER, waitUntil } from '../helpers/telephony.js';

// A node killed while an agent's (or a supervisor's) phone rang leaves that leg ringing in the PBX. If it is answered
// after the restart, the new node does not know it: it must hang it up, not take the agent for a caller.
for (const args of ['agent,1796400000.7', 'supervisor,1796400000.9']) {
  t.test(`a leg rung before a restart and answered after it (${args.split(',')[0]}) is hung up, not treated as a caller`, async (t) => {
    const site = await startSite(t, { users: [{ username: 'ann', role: 'agent', endpoint: 'PJSIP/3001' }], logLevel: 'info' });
    const query = new URLSearchParams({ endpoint: 'PJSIP/3001', app: 'ringside', appArgs: args, timeout: '30' });
    const response = await fetch(`${site.simulator.url}/ari/channels?${query.toString()}`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${ARI_USER}:${ARI_PASSWORD}`).toString('base64')}` },
    });
    t.equal(response.status, 200, 'the PBX rings the phone');
    const { id } = (await response.json()) as { id: string };
    await answerWhenRinging(site.simulator, 'PJSIP/3001');
    await waitUntil(() => site.simulator.control.callState(id)?.ended === true, 5000, 'the stray leg to be hung up');
    t.ok(site.lines.some((line) => line.includes('an answered leg belongs to no live call')), 'the node says why it hung up');
    t.notOk(site.lines.some((line) => line.includes('"msg":"call arrived"')), 'no call arrived');
    const { rows } = await site.db.pool.query('SELECT call_id FROM interactions');
    t.same(rows, [], 'no interaction for the leg');
  });
}
