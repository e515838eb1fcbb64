import type { Logger } from '../logging/logger.js';
import type { Redis } from '../redis/client.js';
import type { AgentStatus } from '../agents/agent-state.js';
import type { OfferContext, PopBuilder } from './pop-builder.js';
import type { ScreenPop } from './pop-message.js';
import { agentChannel, type AgentDelivery } from '../realtime/channels.js';

/** A pop outlives its call only by this much if nothing clears it (a node dying mid-call). */
const POP_TTL_SECONDS = 4 * 3600;

/** States in which the agent has no call: the last pop is over. */
const CALL_FREE_STATES: ReadonlySet<AgentStatus> = new Set(['available', 'paused', 'logged_out']);

/**
 * Pushes the screen-pop to the agent the moment their phone rings: built on
 * the node that rings, published on Redis for whichever node holds the
 * agent's WebSocket, and kept in Redis while the call lasts, so a console that
 * reconnects gets it back in its snapshot.
 */
export class PopService {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly builder: PopBuilder,
    private readonly logger: Logger,
  ) {}

  /** The Redis key of an agent's current pop (ioredis adds the key prefix). */
  static key(agentId: string): string {
    return `pop:${agentId}`;
  }

  async offered(offer: OfferContext): Promise<void> {
    const pop = await this.builder.build(offer);
    await Promise.all(
      offer.agentIds.map(async (agentId) => {
        const message: ScreenPop = { ...pop, agentId, popId: `${offer.callId}:${offer.offerId}` };
        const delivery: AgentDelivery = { agentId, message: { type: 'pop', pop: message } };
        await this.redis
          .multi()
          .set(PopService.key(agentId), JSON.stringify(message), 'EX', POP_TTL_SECONDS)
          .publish(agentChannel(this.keyPrefix), JSON.stringify(delivery))
          .exec();
      }),
    );
  }

  /** Safe to call from the offer path: failures are logged, never thrown. */
  offeredSafely(offer: OfferContext): void {
    this.offered(offer).catch((error: unknown) => this.logger.warn({ err: error, callId: offer.callId }, 'could not push the screen-pop'));
  }

  async current(agentId: string): Promise<ScreenPop | null> {
    const raw = await this.redis.get(PopService.key(agentId));
    return raw ? (JSON.parse(raw) as ScreenPop) : null;
  }

  /** The agent's state changed; with no call left (missed, available again, logged out) the pop is cleared. */
  agentState(agentId: string, to: AgentStatus): void {
    if (!CALL_FREE_STATES.has(to)) return;
    this.redis.del(PopService.key(agentId)).catch((error: unknown) => this.logger.warn({ err: error, agentId }, 'could not clear a screen-pop'));
  }
}
