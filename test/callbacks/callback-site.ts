import type { Test } from 'tap';
import { login } from '../helpers/consoles.js';
import { apiFor, startSite, type Site } from '../helpers/site.js';
import { waitUntil } from '../helpers/telephony.js';

export const CUSTOMER = '+8613800138000';
/** Where the server dials customers: every number through one simulated trunk. */
export const customerPhone = (e164: string): string => `PJSIP/${e164}@carrier`;

export interface CallbackSiteOptions {
  mode?: 'agent_first' | 'customer_first';
  attempts?: number;
  retryAfterSeconds?: number;
  env?: Record<string, string>;
  /** A second agent of support, bob (PJSIP/3002). */
  withBob?: boolean;
  /** The server's database URL from the test database's (a proxy, for faults). */
  databaseUrl?: (directUrl: string) => string;
}

/**
 * A site whose support queue offers a callback after 1 s of waiting, ann (PJSIP/3001) its only agent, customers
 * reached through the trunk PJSIP/carrier (every phone answers only when the test says), always open.
 */
export async function startCallbackSite(t: Test, options: CallbackSiteOptions = {}) {
  const callback = `{ mode: ${options.mode ?? 'agent_first'}, attempts: ${options.attempts ?? 2}, retryAfterSeconds: ${options.retryAfterSeconds ?? 2}, ringSeconds: 20, offerAfterSeconds: 1 }`;
  const queue = (name: string) =>
    `  - { name: ${name}, ringTimeoutSeconds: 60, wrapUpSeconds: 1, whenNoAgents: { action: wait }, announcements: { onEntry: false, everySeconds: 0 }, callback: ${callback} }\n`;
  const site: Site = await startSite(t, {
    users: [
      { username: 'ann', role: 'agent', endpoint: 'PJSIP/3001', skills: { support: 5 } },
      ...(options.withBob ? [{ username: 'bob', role: 'agent' as const, endpoint: 'PJSIP/3002', skills: { support: 5 } }] : []),
      { username: 'sue', role: 'supervisor' },
    ],
    extraEndpoints: ['PJSIP/carrier'],
    rules: `queues:\n${queue('support')}${queue('billing')}rules:\n  - { name: everyone, queue: support }\n`,
    env: { CENTER_HOURS: 'mon-sun 00:00-24:00', CUSTOMER_CALLING_HOURS: '00:00-24:00', OUTBOUND_CALLER_ID: '+861012345678', API_KEYS: 'callbacks-test-key-0123456789', ...options.env },
    logLevel: 'info',
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
  });
  const { simulator, server, db } = site;
  const annCookie = await login(server, 'ann');
  const sue = apiFor(server, await login(server, 'sue'));
  const annApi = apiFor(server, annCookie);

  const callbackRow = async (id?: number) =>
    (await db.pool.query<{ id: number; status: string; attempts: number; call_id: string | null; outcome_detail: string | null; queue_entered_at: Date; due_at: Date }>(
      `SELECT id::int, status, attempts, call_id, outcome_detail, queue_entered_at, due_at FROM callbacks ${id === undefined ? '' : 'WHERE id = $1'} ORDER BY id`,
      id === undefined ? [] : [id],
    )).rows;
  const status = async (agentId: string) => (await server.telephony.acd.store.getAgent(agentId))?.status;

  /** A caller waits, takes the callback offer, confirms their number and is hung up on. */
  const bookCallback = async (from: string) => {
    const call = await simulator.control.placeCall({ from, to: '800' });
    await waitUntil(() => simulator.control.callState(call.channelId)?.playing === 'sound:ringside/queue-callback-offer', 10_000, 'the callback offer');
    await simulator.control.pressKeys(call.channelId, '1');
    await waitUntil(() => simulator.control.callState(call.channelId)?.heard.includes('sound:ringside/callback-confirm-or-change') ?? false, 10_000, 'the number read back');
    await simulator.control.pressKeys(call.channelId, '1');
    await waitUntil(() => simulator.control.callState(call.channelId)?.ended === true, 10_000, 'the caller hung up on after the confirmation');
    return call;
  };

  /** How many times a phone was rung, from the simulator's view of every channel. */
  const dialsTo = (endpoint: string): number => simulator.control.dialsTo(endpoint);

  return { ...site, annCookie, annApi, sue, callbackRow, status, bookCallback, dialsTo, annId: site.ids.ann! };
}
