import fc from 'fast-check';
import t from 'tap';
import type { ServerMessage } from '../../src/realtime/messages.js';
import { login, openConsole, type Console } from '../helpers/consoles.js';
import { startSite } from '../helpers/site.js';
import { eventually } from '../helpers/acd-site.js';
import { hostileString, hostileValue } from './schema-values.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);

/** Messages of the known types with odd fields, any JSON at all, text that is not JSON, binary frames, oversize ones. */
const clientMessage = fc.oneof(
  fc.record({ type: fc.constantFrom('ping', 'pop.shown', 'subscribe', ''), id: hostileValue, popId: hostileValue }, { requiredKeys: ['type'] }).map((message) => JSON.stringify(message)),
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
  hostileString,
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
  fc.constant(JSON.stringify({ type: 'ping', id: 'x'.repeat(5000) })),
);

/** Sends a ping and waits for its own pong (a random ping sent before may be answered first). */
async function pingPong(socket: Console, id: string): Promise<boolean> {
  socket.socket.send(JSON.stringify({ type: 'ping', id }));
  const ours = (message: ServerMessage) => message.type === 'pong' && message.id === id;
  return eventually(async () => socket.messages.some(ours), 3000, `the pong of ${id}`).then(
    () => true,
    () => false,
  );
}

t.test('the realtime channel under random client messages: a typed error or nothing, the socket and the server stay up', async (t) => {
  const { server, ids } = await startSite(t, {
    users: [
      { username: 'ann', role: 'agent', endpoint: 'PJSIP/3001', skills: { support: 1 } },
      { username: 'sue', role: 'supervisor' },
    ],
  });
  const sockets = { agent: await openConsole(server, { cookie: await login(server, 'ann') }), supervisor: await openConsole(server, { cookie: await login(server, 'sue') }) };
  t.teardown(() => Promise.all(Object.values(sockets).map((socket) => socket.close())));
  await sockets.agent.next('snapshot');
  await sockets.supervisor.next('snapshot');
  const stateBefore = JSON.stringify(await server.telephony.acd.store.getAgent(ids.ann!));
  let errors = 0;
  let sent = 0;
  await fc.assert(
    fc.asyncProperty(fc.constantFrom<'agent' | 'supervisor'>('agent', 'supervisor'), clientMessage, async (who, message) => {
      const socket = sockets[who];
      if (socket.socket.readyState !== socket.socket.OPEN) throw new Error(`the ${who}'s socket closed after a message`);
      const before = socket.messages.length;
      socket.socket.send(message);
      sent += 1;
      // Every tenth message waits for the answer to a ping: whatever came before it has been handled by then.
      if (sent % 10 === 0 && !(await pingPong(socket, `check-${sent}`))) throw new Error('no pong after random messages');
      const replies = socket.messages.slice(before);
      for (const reply of replies) {
        if (reply.type === 'error') {
          errors += 1;
          if (typeof reply.code !== 'string' || reply.message === '') throw new Error(`an imprecise error for ${String(message).slice(0, 200)}`);
        }
      }
    }),
    { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
  );
  t.ok(errors > RUNS / 4, `most random messages answered with a typed error (${errors})`);
  for (const [who, socket] of Object.entries(sockets)) t.ok(await pingPong(socket, `final-${who}`), `the ${who}'s socket still answers`);
  t.equal(JSON.stringify(await server.telephony.acd.store.getAgent(ids.ann!)), stateBefore, 'no message changed the agent\'s state');
  const flood = sockets.agent;
  const closed = new Promise<number>((resolve) => flood.socket.once('close', (code) => resolve(code)));
  flood.socket.send('x'.repeat(100_000));
  t.equal(await closed, 1009, 'a flood of a frame is cut with 1009 (message too big) before it is read');
  const again = await openConsole(server, { cookie: await login(server, 'ann') });
  t.equal((await again.next('snapshot')).type, 'snapshot', 'and the console reconnects as usual');
  await again.close();
  t.equal((await fetch(`${server.url}/health`)).status, 200);
});
