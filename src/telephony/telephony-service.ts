import { AcdKeys } from '../acd/keys.js';
import { QUEUE_DEFAULTS } from '../routing/queue-defaults.js';
import { FiguresRecorder } from '../wallboard/figures-recorder.js';
import { WallboardKeys } from '../wallboard/wallboard-keys.js';
import { CallRegistry, type CallFlow } from '../calls/call-registry.js';
import { CallStore } from '../calls/call-store.js';
import type { Config } from '../config/env.js';
import type { Pool } from '../db/pool.js';
import { InteractionRecorder } from '../interactions/interaction-recorder.js';
import { InteractionOutbox } from '../interactions/interaction-outbox.js';
import { AcdHandoff } from '../acd/acd-handoff.js';
import { AcdStore } from '../acd/acd-store.js';
import { loadAgents, type DirectoryAgent } from '../acd/agent-directory.js';
import { AcdDispatcher, type OutboundCalls } from '../acd/dispatcher.js';
import { NodeDuties } from '../acd/node-duties.js';
import { AgentControl } from '../acd/agent-control.js';
import type { AgentStateEvent } from '../agents/agent-state.js';
import type { AgentProfile } from '../acd/types.js';
import { notFound } from '../errors.js';
import { AcdEventBus } from '../acd/acd-events.js';
import { recordAcdMetrics } from '../acd/acd-metrics.js';
import { publishAcdEvents } from '../acd/acd-publisher.js';
import type { RingsideMetrics } from '../metrics/registry.js';
import { FlowLibrary } from '../ivr/flow-library.js';
import { RulesLibrary } from '../routing/rules-library.js';
import type { RulesCatalog } from '../routing/rules-catalog.js';
import { IvrCallFlow } from '../ivr/ivr-call-flow.js';
import type { Logger } from '../logging/logger.js';
import type { ReadinessCheck } from '../ops/readiness.js';
import type { Redis } from '../redis/client.js';
import { AriTelephony } from './ari/adapter.js';
import { PopBuilder } from '../screenpop/pop-builder.js';
import { directQueueOf } from '../acd/direct-queue.js';
import { agentFeed } from '../realtime/agent-feed.js';
import { callViewOf } from '../console/call-view.js';
import { PopService } from '../screenpop/pop-service.js';
import { CallbackDialer } from '../callbacks/callback-dialer.js';
import { CallbackService } from '../callbacks/callback-service.js';

/** The ACD of this node: its store, dispatcher and the agents it knows. */
export interface AcdService {
  store: AcdStore;
  dispatcher: AcdDispatcher;
  agents: () => DirectoryAgent[];
  /** Logs an agent in as available and offers them a waiting call at once. */
  login(agentId: string): Promise<AgentStateEvent>;
  /** Agent state requests from the API. */
  control: AgentControl;
  rules: () => RulesCatalog;
  /** Callbacks: requests, their place in line, the dialling. */
  callbacks: CallbackService;
}

export interface TelephonyService {
  acd: AcdService;
  telephony: AriTelephony;
  calls: CallRegistry;
  flows: FlowLibrary;
  recorder: InteractionRecorder;
  /** Interaction writes kept while PostgreSQL was away. */
  outbox: InteractionOutbox;
  /** Screen-pops: pushed when an agent's phone rings, kept while the call lasts. */
  pops: PopService;
  readiness: ReadinessCheck;
  /** After Redis lost the ACD's state and this node put back its calls (see NodeDuties). */
  onStateLost(listener: () => Promise<void>): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface TelephonyServiceDependencies {
  config: Config;
  metrics: RingsideMetrics;
  db: Pool;
  redis: Redis;
  logger: Logger;
  /** Replaces the IVR (tests). */
  flow?: CallFlow;
}

/**
 * Wires this node's call handling: the ARI adapter, the call registry and the
 * IVR over the flows in ivr-flows/ (validated at start, reloaded on change).
 * Throws FlowValidationError when the flows are invalid: the server must not start on them.
 */
export async function createTelephonyService({ config, metrics, db, redis, logger, flow }: TelephonyServiceDependencies): Promise<TelephonyService> {
  const flows = await FlowLibrary.open(config.ivrFlowsDir, logger);
  const rules = await RulesLibrary.open(config.routingRulesDir, logger);
  // While PostgreSQL is away, the calls' records wait in Redis and land when it is back.
  const outbox = new InteractionOutbox(redis, db, logger);
  const recorder = new InteractionRecorder(db, logger, outbox);
  // The ACD's scripts get a connection of their own, apart from request traffic.
  const acdRedis = redis.duplicate();
  // The node's name in the ACD is its Stasis application: a standby that takes the application over takes its callers too.
  const store = new AcdStore(acdRedis, { node: config.ari.app });
  let agents = await loadAgents(db, rules.current().queues().map((queue) => queue.name));
  const events = new AcdEventBus((error) => logger.error({ err: error }, 'an ACD event listener failed'));
  recordAcdMetrics(events, metrics.registry);
  // Before the publisher, on its connection: the counters are written before any node hears of the event.
  new FiguresRecorder({
    redis,
    keys: new WallboardKeys(new AcdKeys(undefined, redis.options.keyPrefix ?? '')),
    timezone: config.centerTimezone,
    thresholdSeconds: (queue) => rules.current().queue(queue)?.serviceLevelSeconds ?? QUEUE_DEFAULTS.serviceLevelSeconds,
    onError: (error) => logger.warn({ err: error }, 'could not record a wallboard figure'),
  }).subscribe(events);
  publishAcdEvents(events, redis, config.redis.keyPrefix, (error) => logger.warn({ err: error }, 'could not publish an ACD event'));
  const toAgent = agentFeed(redis, config.redis.keyPrefix, (error) => logger.warn({ err: error }, 'could not send an agent their call\'s change'));
  const pops = new PopService(redis, config.redis.keyPrefix, new PopBuilder({ db, region: config.defaultRegion, timezone: config.centerTimezone, recorded: (callId) => recorder.settledFor(callId) }), logger);
  events.subscribe((event) => {
    if (event.type === 'agent.state') pops.agentState(event.agentId, event.to);
  });
  // Every agent also serves their own direct queue: transfers to them wait there.
  const profileOf = (agentId: string): AgentProfile | undefined => {
    const agent = agents.find((candidate) => candidate.agentId === agentId);
    return agent ? { ...agent, queues: [...agent.queues, directQueueOf(agentId)] } : undefined;
  };
  const wrapUpOf = (queue: string) => rules.current().queue(queue)?.wrapUpSeconds ?? 30;
  const dispatcher: AcdDispatcher = new AcdDispatcher({
    store,
    recorder,
    agents: (agentId) => agents.find((agent) => agent.agentId === agentId),
    catalog: () => rules.current(),
    db,
    region: config.defaultRegion,
    wrapUpSeconds: (agentId) => Math.max(0, ...(agents.find((agent) => agent.agentId === agentId)?.queues ?? []).map(wrapUpOf)),
    logger,
    events,
    offered: (offer) => pops.offeredSafely(offer),
    outbound: (): OutboundCalls => callbacks,
    callbackBooked: (id: number): void => callbacks.booked(id),
    talkChanged: (talk, state) => toAgent(talk.agentId, { type: 'call.update', call: callViewOf(talk, state) }),
    profileOf,
  });
  // Strategies live in Redis with the queues, so every node's assignment script sees the same one.
  const syncStrategies = (catalog: RulesCatalog) =>
    void Promise.all(catalog.queues().map((queue) => store.setQueueStrategy(queue.name, queue.strategy))).catch((error: unknown) =>
      logger.error({ err: error }, 'could not store the queues\' strategies'),
    );
  rules.onChange(syncStrategies);
  const stateLostListeners: Array<() => Promise<void>> = [];
  const duties = new NodeDuties({
    store,
    inboxConnection: redis.duplicate(),
    execute: (assignment) => dispatcher.executeRemote(assignment),
    timezone: config.centerTimezone,
    logger,
    stateLost: async () => {
      syncStrategies(rules.current());
      await dispatcher.rebuildLostState();
      await callbacks.scheduleReconciler();
      for (const listener of stateLostListeners) await listener();
    },
  });
  const login = async (agentId: string): Promise<AgentStateEvent> => {
    // Reloaded only for an agent created since the last load.
    if (!agents.some((candidate) => candidate.agentId === agentId)) agents = await loadAgents(db, rules.current().queues().map((queue) => queue.name));
    const profile = profileOf(agentId);
    if (!profile) throw notFound(`active agent ${agentId} with a phone`);
    const event = await store.agentLogin(profile);
    dispatcher.agentChanged(event);
    await dispatcher.agentFree(agentId);
    return event;
  };
  const acd: AcdService = {
    store,
    dispatcher,
    agents: () => agents,
    login,
    control: new AgentControl({ store, dispatcher, login, pauseReasons: config.pauseReasons }),
    rules: () => rules.current(),
    get callbacks() {
      return callbacks;
    },
  };
  const ivr =
    flow ??
    new IvrCallFlow({
      flows: () => flows.current(),
      db,
      region: config.defaultRegion,
      recorder,
      handoff: new AcdHandoff(dispatcher, () => rules.current(), db, config.defaultRegion),
      transferContext: config.ari.transferContext,
      recovery: dispatcher,
    });
  const telephony = new AriTelephony({ url: config.ari.url, user: config.ari.user, password: config.ari.password, app: config.ari.app, logger });
  const calls: CallRegistry = new CallRegistry({
    telephony,
    store: new CallStore(redis, config.ari.app, config.nodeId),
    flow: ivr,
    fallback: { context: config.ari.fallbackContext },
    logger,
  });
  const dialer: CallbackDialer = new CallbackDialer({
    agents: (agentId) => agents.find((agent) => agent.agentId === agentId),
    recorder,
    placeOutbound: ({ channelId, number }, ended) =>
      calls.placeOutbound({ channelId, callerNumber: number, callerName: '', dialledNumber: number, arrivedAt: new Date() }, ended),
    release: (session) => calls.release(session),
    takeOutbound: (session, assignment, plan, settle, answeredLeg) => dispatcher.takeOutbound(session, assignment, plan, settle, answeredLeg),
    releasePlaceholder: (callId) => dispatcher.releasePlaceholder(callId),
    placeholderMissed: (assignment, reason) => dispatcher.placeholderMissed(assignment, reason),
    offered: (offer) => pops.offeredSafely(offer),
    endpoint: (e164) => config.outbound.endpoint.replace('{number}', e164),
    callerId: config.outbound.callerId,
  });
  const callbacks: CallbackService = new CallbackService({
    db,
    acd: store,
    queue: (name) => rules.current().queue(name),
    dialer,
    assignNow: (callId) => dispatcher.assignNow(callId),
    releasePlaceholder: (callId) => dispatcher.releasePlaceholder(callId),
    liveChannels: async () => new Set((await telephony.listChannels()).map((channel) => channel.channelId)),
    endLostConversation: (agentId) => dispatcher.endLostConversation(agentId),
    agentFree: async (agentId, event) => {
      dispatcher.agentChanged(event);
      await dispatcher.agentFree(agentId);
    },
    calling: { center: config.outbound.centerHours, centerZone: config.centerTimezone, customer: config.outbound.customerHours },
    redisUrl: config.redis.url,
    keyPrefix: config.redis.keyPrefix,
    reconcileEveryMs: config.outbound.reconcileSeconds * 1000,
    logger,
  });
  return {
    acd,
    telephony,
    calls,
    flows,
    recorder,
    outbox,
    pops,
    onStateLost: (listener) => void stateLostListeners.push(listener),
    readiness: {
      name: 'ari',
      probe: () => (telephony.isConnected() ? Promise.resolve() : Promise.reject(new Error('not connected to Asterisk ARI'))),
    },
    start: async () => {
      flows.watch();
      rules.watch();
      syncStrategies(rules.current());
      dispatcher.start();
      outbox.start();
      await telephony.start();
      duties.start();
      await callbacks.start();
    },
    stop: async () => {
      flows.close();
      rules.close();
      await callbacks.stop();
      dispatcher.stop();
      await duties.stop();
      calls.shutdown();
      await telephony.stop();
      await recorder.settled();
      await outbox.stop();
      acdRedis.disconnect();
    },
  };
}
