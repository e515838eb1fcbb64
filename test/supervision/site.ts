import type { Test } from 'tap';
import type { RunningServer } from '../../src/server.js';
import type { RunningSimulator } from '../../src/telephony/simulator/index.js';
import { eventually } from '../helpers/acd-site.js';
import { login } from '../helpers/consoles.js';
import type { TestDatabase } from '../helpers/database.js';
import { answerWhenRinging, apiFor, startSite } from '../helpers/site.js';
import { ARI_PASSWORD, ARI_USER, waitUntil } from '../helpers/telephony.js';

export const CALLER = '+8613800138000';

export type Api = ReturnType<typeof apiFor>;

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
 * phone is PJSIP/4001, admin ada without a phone (PJSIP/4002 is a spare phone to monitor from). Every phone
 * answers only when the test says.
 */
export async function startSupervisionSite(t: Test): Promise<SupervisionSite> {
  const site = await startSite(t, {
    wrapUpSeconds: 300,
    users: [
      { username: 'ann', role: 'agent', endpoint: 'PJSIP/3001', skills: { support: 5 } },
      { username: 'bob', role: 'agent', endpoint: 'PJSIP/3002', skills: { support: 5 } },
      { username: 'sue', role: 'supervisor', endpoint: 'PJSIP/4001' },
      { username: 'ada', role: 'admin' },
    ],
    extraEndpoints: ['PJSIP/4002'],
  });
  const { db, simulator, server } = site;
  const ids = { ann: site.ids.ann!, bob: site.ids.bob!, sue: site.ids.sue!, ada: site.ids.ada! };
  const api = {
    ann: apiFor(server, await login(server, 'ann')),
    bob: apiFor(server, await login(server, 'bob')),
    sue: apiFor(server, await login(server, 'sue')),
    ada: apiFor(server, await login(server, 'ada')),
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
    await answerWhenRinging(simulator, 'PJSIP/3001');
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
export const answer = answerWhenRinging;
