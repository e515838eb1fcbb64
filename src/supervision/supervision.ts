import type { Talk } from '../acd/conversations.js';
import type { Actor } from '../audit/actor.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Queryable } from '../db/queryable.js';
import { notFound, RingsideError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { AcdService } from '../telephony/telephony-service.js';
import type { MonitorMode } from './modes.js';
import { MonitorSession, type EndReason, type MonitorView } from './monitor-session.js';
import { supervisorPhone } from './supervisor-phone.js';

export interface SupervisionOptions {
  acd: AcdService;
  db: Queryable;
  audit: AuditLog;
  logger: Logger;
}

interface Running {
  session: MonitorSession;
  actor: Actor;
  /** Past the ring: an end from then on is audited as `monitor.end`. */
  started: boolean;
}

/**
 * Supervisors listening to, whispering to (coaching) and barging into agents' calls handled by this node.
 * One session per supervisor (on this node); a new mode on the same agent changes the running session.
 * Every request is audited first (see AuditLog); a session that ends by itself is recorded when it does.
 */
export class Supervision {
  private readonly running = new Map<string, Running>();
  private readonly log: Logger;

  constructor(private readonly options: SupervisionOptions) {
    this.log = options.logger.child({ component: 'supervision' });
  }

  /** The agent's talk if this node holds it and it is still theirs; otherwise why not, as the console says it. */
  private async talkOf(agentId: string): Promise<Talk> {
    const { acd } = this.options;
    if (!acd.agents().some((agent) => agent.agentId === agentId)) throw notFound(`agent ${agentId}`);
    const talk = acd.dispatcher.talkOf(agentId);
    if (talk && !talk.transfer && !talk.handoff && !talk.session.ended) return talk;
    const state = await acd.store.getAgent(agentId);
    if (!talk && state?.status === 'on_call') throw new RingsideError('call_on_other_node', 'the agent\'s call is held by another Ringside node; retry there', 409);
    throw new RingsideError('agent_not_on_call', `agent ${agentId} is not on a call`, 409);
  }

  current(supervisorId: string): MonitorView | null {
    return this.running.get(supervisorId)?.session.view() ?? null;
  }

  /** Starts monitoring the agent's call, or switches the running session on that agent to `mode`. */
  async monitor(actor: Actor, agentId: string, mode: MonitorMode, endpoint?: string): Promise<MonitorView> {
    if (actor.id === null) throw new RingsideError('forbidden', 'monitoring needs a person\'s phone', 403);
    const supervisorId = String(actor.id);
    const existing = this.running.get(supervisorId);
    if (existing) {
      const { session } = existing;
      if (session.agentId !== agentId) {
        throw new RingsideError('already_monitoring', `you are monitoring agent ${session.agentId}; stop that first`, 409, { agentId: session.agentId });
      }
      if (session.mode === mode) return session.view();
      const from = session.mode;
      await this.options.audit.audited({ actor, action: 'monitor.mode', agentId, callId: session.callId, details: { from, to: mode } }, () => session.switchTo(mode));
      return session.view();
    }
    const talk = await this.talkOf(agentId);
    const agent = this.options.acd.agents().find((candidate) => candidate.agentId === agentId);
    const phone = await supervisorPhone(this.options.db, actor.id, endpoint, agent?.endpoint);
    const acd = this.options.acd;
    const running: Running = {
      actor,
      started: false,
      session: new MonitorSession({
        supervisorId,
        agentId,
        talk,
        endpoint: phone,
        mode,
        stillOnCall: () => acd.dispatcher.talkOf(agentId) === talk && !talk.transfer && !talk.handoff && !talk.session.ended,
        onEnded: (ended, reason) => this.ended(supervisorId, ended, reason),
        log: talk.session.log.child({ component: 'supervision', supervisorId }),
      }),
    };
    // Held from here: a second request of the same supervisor meanwhile finds this one.
    this.running.set(supervisorId, running);
    const { session } = running;
    try {
      await this.options.audit.audited({ actor, action: 'monitor.start', agentId, callId: session.callId, details: { mode, endpoint: phone } }, () => session.ring());
    } catch (error) {
      await session.end('failed');
      throw error;
    }
    running.started = true;
    return session.view();
  }

  /** Ends the supervisor's session; the call goes on as before. */
  async stop(actor: Actor): Promise<MonitorView> {
    const running = actor.id === null ? undefined : this.running.get(String(actor.id));
    if (!running) throw new RingsideError('not_monitoring', 'you are not monitoring a call on this node', 404);
    const { session } = running;
    const view = session.view();
    await this.options.audit.audited({ actor, action: 'monitor.stop', agentId: session.agentId, callId: session.callId, details: { mode: session.mode } }, () => session.end('stopped'));
    return { ...view, state: 'ended' };
  }

  private ended(supervisorId: string, session: MonitorSession, reason: EndReason): void {
    const running = this.running.get(supervisorId);
    if (running?.session !== session) return;
    this.running.delete(supervisorId);
    if (reason === 'stopped' || !running.started) return;
    void this.options.audit.happened({
      actor: running.actor,
      action: 'monitor.end',
      agentId: session.agentId,
      callId: session.callId,
      details: { reason, mode: session.mode },
    });
  }

  /** The node stops: the supervisors' legs are hung up (they are nobody's call); the calls themselves are not touched. */
  async stopAll(): Promise<void> {
    const sessions = [...this.running.values()].map((running) => running.session);
    if (sessions.length > 0) this.log.info({ sessions: sessions.length }, 'ending monitoring sessions');
    await Promise.all(sessions.map((session) => session.end('shutdown')));
  }
}
