import type { Logger } from '../logging/logger.js';
import type { Redis } from '../redis/client.js';
import { acdEventChannel } from '../acd/acd-publisher.js';
import type { AcdEvent } from '../acd/acd-events.js';
import { authEventChannel, type SessionsEndedEvent } from '../auth/session-auth.js';
import { agentChannel, type AgentDelivery } from './channels.js';
import type { ServerMessage, SessionUserView } from './messages.js';

/** The part of a WebSocket the hub uses (ws's WebSocket fits; tests and benches can bring their own). */
export interface RealtimeSocket {
  readonly bufferedAmount: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
}

export interface RealtimeClient {
  user: SessionUserView;
  /** Names the login session behind the socket, so a logout elsewhere closes it. */
  sessionRef: string;
  socket: RealtimeSocket;
  /** Messages held until the snapshot has gone out (then sent in order after it). */
  pending?: ServerMessage[] | undefined;
}

/** A console this far behind (a stalled tab, a dead link) is cut: it reconnects and gets a fresh snapshot. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

const isSupervisor = (user: SessionUserView) => user.role === 'supervisor' || user.role === 'admin';

/**
 * The WebSocket side of this node: which users are connected here, and the
 * Redis subscription that brings every node's pops and ACD events. An agent
 * gets only messages addressed to their own agent id; supervisors and admins
 * get the ACD feed; nobody else gets anything.
 */
export class RealtimeHub {
  private readonly agents = new Map<string, Set<RealtimeClient>>();
  private readonly supervisors = new Set<RealtimeClient>();
  private readonly acdListeners: Array<(event: AcdEvent) => void> = [];
  private readonly log: Logger;
  private started = false;

  constructor(
    private readonly subscriber: Redis,
    private readonly keyPrefix: string,
    logger: Logger,
  ) {
    this.log = logger.child({ component: 'realtime' });
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const agents = agentChannel(this.keyPrefix);
    const acd = acdEventChannel(this.keyPrefix);
    const auth = authEventChannel(this.keyPrefix);
    this.subscriber.on('message', (channel: string, raw: string) => {
      try {
        if (channel === agents) this.fromAgentChannel(JSON.parse(raw) as AgentDelivery);
        else if (channel === acd) this.fromAcd(JSON.parse(raw) as AcdEvent);
        else if (channel === auth) this.sessionsEnded(JSON.parse(raw) as SessionsEndedEvent);
      } catch (error) {
        this.log.warn({ err: error, channel }, 'unreadable realtime message ignored');
      }
    });
    await this.subscriber.subscribe(agents, acd, auth);
  }

  async stop(): Promise<void> {
    for (const client of this.clients()) client.socket.close(1001, 'server shutting down');
    this.agents.clear();
    this.supervisors.clear();
    if (this.started) this.subscriber.disconnect();
    this.started = false;
    await Promise.resolve();
  }

  add(client: RealtimeClient): void {
    if (client.user.role === 'agent') {
      let set = this.agents.get(client.user.userId);
      if (!set) this.agents.set(client.user.userId, (set = new Set()));
      set.add(client);
    } else if (isSupervisor(client.user)) this.supervisors.add(client);
  }

  remove(client: RealtimeClient): void {
    const set = this.agents.get(client.user.userId);
    if (set?.delete(client) && set.size === 0) this.agents.delete(client.user.userId);
    this.supervisors.delete(client);
  }

  /** Every node's ACD events as this node hears them (the wallboard feed builds on them). */
  onAcdEvent(listener: (event: AcdEvent) => void): void {
    this.acdListeners.push(listener);
  }

  /** Supervisors and admins connected to this node. */
  supervisorCount(): number {
    return this.supervisors.size;
  }

  /** One message to every supervisor connected here, serialised once. */
  toSupervisors(message: ServerMessage): void {
    if (this.supervisors.size === 0) return;
    const text = JSON.stringify(message);
    for (const client of this.supervisors) {
      if (client.pending || client.socket.bufferedAmount > MAX_BUFFERED_BYTES) this.send(client, message);
      else client.socket.send(text);
    }
  }

  /** Connections held on this node (for leak checks and the bench). */
  size(): number {
    let count = this.supervisors.size;
    for (const set of this.agents.values()) count += set.size;
    return count;
  }

  clients(): RealtimeClient[] {
    return [...this.supervisors, ...[...this.agents.values()].flatMap((set) => [...set])];
  }

  /**
   * Sends the snapshot, then whatever arrived while it was read, in order: replaying a change the snapshot
   * already holds ends in the same state, and nothing that happened after the read is lost.
   */
  sendSnapshot(client: RealtimeClient, snapshot: ServerMessage): void {
    const pending = client.pending ?? [];
    client.pending = undefined;
    this.send(client, snapshot);
    for (const message of pending) this.send(client, message);
  }

  send(client: RealtimeClient, message: ServerMessage): void {
    if (client.pending) {
      client.pending.push(message);
      return;
    }
    if (client.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.log.warn({ userId: client.user.userId }, 'a console fell too far behind; cutting it so it reconnects');
      client.socket.terminate();
      this.remove(client);
      return;
    }
    client.socket.send(JSON.stringify(message));
  }

  /** Sessions ended on any node (logout, logout everywhere, deactivation): their sockets close now. */
  private sessionsEnded(event: SessionsEndedEvent): void {
    const refs = new Set(event.sessionRefs);
    for (const client of this.clients()) {
      if (client.user.userId !== String(event.userId) || !refs.has(client.sessionRef)) continue;
      this.send(client, { type: 'session.ended', reason: event.reason });
      client.socket.close(4001, 'session ended');
      this.remove(client);
    }
  }

  /** Agents with a console connected to this node. */
  connectedAgents(): string[] {
    return [...this.agents.keys()];
  }

  /** To an agent's consoles on this node only (other nodes' consoles hear it from their own node). */
  toAgent(agentId: string, message: ServerMessage): void {
    for (const client of this.agents.get(agentId) ?? []) this.send(client, message);
  }

  private fromAgentChannel(delivery: AgentDelivery): void {
    this.toAgent(delivery.agentId, delivery.message);
  }

  private fromAcd(event: AcdEvent): void {
    for (const listener of this.acdListeners) {
      try {
        listener(event);
      } catch (error) {
        this.log.warn({ err: error, event: event.type }, 'an ACD event listener of the realtime hub failed');
      }
    }
    if (event.type === 'agent.state') {
      const { type: _type, ...change } = event;
      this.toAgent(event.agentId, { type: 'agent.state', ...change });
    }
    this.toSupervisors({ type: 'acd', event });
  }
}
