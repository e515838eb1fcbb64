import type { ServerMessage } from './messages.js';

/**
 * Redis pub/sub channels of the realtime feed. Channels are not prefixed by
 * ioredis, so the key prefix is added here: two Ringside sites on one Redis
 * stay apart. One channel for every agent's messages: each node forwards only
 * those for agents connected to it.
 */
export const agentChannel = (keyPrefix: string): string => `${keyPrefix}events:agent`;

/** A message for one agent's consoles, wherever they are connected. */
export interface AgentDelivery {
  agentId: string;
  message: ServerMessage;
}
