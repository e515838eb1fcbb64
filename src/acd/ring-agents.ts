import { AGENT_LEG_ARG } from '../calls/call-registry.js';
import type { CallSession } from '../calls/call-session.js';
import type { CallEvent, LegFailure } from '../calls/telephony.js';
import type { AgentContact } from './dispatcher.js';

/** Agent legs are named after their call, so a restarted node can tell them from callers. */
export const AGENT_LEG_PREFIX = 'agent-';

type LegEvent = Extract<CallEvent, { type: 'leg.answered' | 'leg.failed' }>;

const legEventOf = (legId: string) => (event: CallEvent): event is LegEvent =>
  (event.type === 'leg.answered' || event.type === 'leg.failed') && event.channelId === legId;

export interface RingingLeg {
  agentId: string;
  legId: string;
}

export type RingResult =
  /** `hungUp` settles when the agent's leg hangs up: watched from the answer on, so no hang-up is missed. */
  | { kind: 'answered'; leg: RingingLeg; hungUp: Promise<unknown> }
  /** Every leg failed or rang out; the first failure's reason. */
  | { kind: 'unanswered'; reason: LegFailure }
  /** The caller hung up while the phones rang (or this node is stopping): the legs still ringing. */
  | { kind: 'caller-left'; ringing: string[] };

export const legGoneOf = (legId: string) => (event: CallEvent): event is Extract<CallEvent, { type: 'hung-up' }> =>
  event.type === 'hung-up' && event.channelId === legId;

let legCounter = 0;

/**
 * Rings one agent's phone, or several at once (ring-all), showing the caller's
 * number. The first to answer wins; the other legs are hung up and reported
 * through `onLegDone` as they end, so their agents are freed at once.
 */
export async function ringAgents(
  session: CallSession,
  agents: AgentContact[],
  ringTimeoutSeconds: number,
  onLegDone: (agentId: string, reason: LegFailure | 'lost-race') => void,
  /** The legs' ids, before they ring (whoever may cancel the ringing needs them). */
  legsNamed?: (legIds: string[]) => void,
): Promise<RingResult> {
  const legs = agents.map((agent) => ({ agent, legId: `${AGENT_LEG_PREFIX}${session.channelId}-${++legCounter}` }));
  legsNamed?.(legs.map((leg) => leg.legId));
  const pending = new Map<string, Promise<{ leg: (typeof legs)[number]; event: LegEvent | null | 'caller-left' }>>();
  let firstFailure: LegFailure | undefined;
  for (const leg of legs) {
    session.adoptLeg(leg.legId);
    // Subscribed before the originate: the answer can race the response.
    const outcome = session.waitFor(legEventOf(leg.legId), (ringTimeoutSeconds + 15) * 1000).then(
      (event) => ({ leg, event }),
      () => ({ leg, event: 'caller-left' as const }),
    );
    pending.set(leg.legId, outcome);
  }
  const callerId = `"${session.call.callerName || session.call.callerNumber}" <${session.call.callerNumber}>`;
  await Promise.all(
    legs.map(async (leg) => {
      try {
        await session.telephony.originate({ endpoint: leg.agent.endpoint, callerId, timeoutSeconds: ringTimeoutSeconds, appArgs: [AGENT_LEG_ARG, session.channelId], channelId: leg.legId });
      } catch (error) {
        session.log.warn({ err: error, agentId: leg.agent.agentId }, 'could not ring the agent');
        pending.set(leg.legId, Promise.resolve({ leg, event: { type: 'leg.failed', channelId: leg.legId, reason: 'unreachable', cause: null } }));
      }
    }),
  );
  while (pending.size > 0) {
    const { leg, event } = await Promise.race(pending.values());
    pending.delete(leg.legId);
    if (event === 'caller-left') return { kind: 'caller-left', ringing: [...pending.keys(), leg.legId] };
    if (event?.type === 'leg.answered') {
      // Watched at once: events nobody waits for are not kept, and the agent may hang up before the bridge exists.
      const hungUp = session.waitFor(legGoneOf(leg.legId));
      hungUp.catch(() => undefined);
      const losers = [...pending.keys()];
      await hangUpLegs(session, losers);
      for (const other of legs.filter((candidate) => losers.includes(candidate.legId))) {
        session.releaseLeg(other.legId);
        onLegDone(other.agent.agentId, 'lost-race');
      }
      return { kind: 'answered', leg: { agentId: leg.agent.agentId, legId: leg.legId }, hungUp };
    }
    // Rang out (no event before the timeout) or failed: this leg is over.
    if (!event) await session.telephony.hangup(leg.legId).catch(() => undefined);
    session.releaseLeg(leg.legId);
    const reason = event?.reason ?? 'no-answer';
    firstFailure ??= reason;
    if (pending.size > 0) onLegDone(leg.agent.agentId, reason);
  }
  return { kind: 'unanswered', reason: firstFailure ?? 'no-answer' };
}

export async function hangUpLegs(session: CallSession, legIds: string[]): Promise<void> {
  await Promise.all(legIds.map((legId) => session.telephony.hangup(legId).catch(() => undefined)));
}
