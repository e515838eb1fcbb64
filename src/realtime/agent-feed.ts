import type { Redis } from '../redis/client.js';
import { agentChannel, type AgentDelivery } from './channels.js';
import type { ServerMessage } from './messages.js';

/** Sends a message to one agent's consoles on every node (fire and forget: a console that misses it resyncs on its snapshot). */
export function agentFeed(redis: Redis, keyPrefix: string, onError: (error: unknown) => void) {
  const channel = agentChannel(keyPrefix);
  return (agentId: string, message: ServerMessage): void => {
    const delivery: AgentDelivery = { agentId, message };
    redis.publish(channel, JSON.stringify(delivery)).catch(onError);
  };
}
