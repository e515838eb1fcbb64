/**
 * The `pop` benchmark: how long from the ACD's offer decision to the screen-pop in the agent's console, with 500
 * agents on WebSockets and calls offered continuously; and what 2,000 connected consoles cost the node in memory.
 *
 * One whole Ringside node in this process (bench/pop-stack.ts), the PBX simulator and the consoles in child
 * processes (bench/acd-pbx.ts, bench/pop-clients.ts). Callers arrive at a steady rate through the IVR and the
 * routing rules into one queue; with more agents than calls need, each is offered as it arrives. The pop is then
 * built (PostgreSQL, seeded CRM), stored in Redis and published, forwarded by the hub to the agent's socket, and
 * received by the console process.
 *
 * Latency = the console's receive time − the moment the dispatcher hands the offer to the pop service (noted by a
 * wrapper on `PopService.offeredSafely` that calls through, right after the dispatcher took `offeredAt =
 * Date.now()`). Both sides read performance.timeOrigin + performance.now(): one machine, one clock, sub-ms. The
 * pop's own `offeredAt` (Date.now(), whole ms) gives the same figure within a millisecond (printed as a check).
 */
import { writeFileSync } from 'node:fs';
import { loadavg, uptime as osUptime } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { OfferContext } from '../src/screenpop/pop-builder.js';
import { CustomerModel } from '../src/seed/customer-model.js';
import { SeededRandom } from '../src/seed/random.js';
import { DEFAULT_SEED } from '../src/seed/seed.js';
import type { ClientSpec, ClientsPush, ClientsReply, ClientsRequest, PopReceipt } from './pop-clients.js';
import pg from 'pg';
import { BENCH_PASSWORD, startPopStack, type BenchUser } from './pop-stack.js';
import { forkClients } from './client-process.js';
import { round, summarise, type LatencySummary } from './stats.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const POP = {
  agents: env('BENCH_POP_AGENTS', 500),
  /** Consoles connected in the memory phase, in all (the agents included). */
  clients: env('BENCH_POP_CLIENTS', 2000),
  supervisors: env('BENCH_POP_SUPERVISORS', 20),
  customers: env('BENCH_POP_CUSTOMERS', 5000),
  /** Calls placed per second, evenly spaced. */
  rate: env('BENCH_POP_RATE', 50),
  /** Share of callers calling from a seeded customer's number; the others from numbers nobody owns. */
  knownShare: env('BENCH_POP_KNOWN', 0.8),
  ringMs: env('BENCH_POP_RING_MS', 300),
  /** Agents talk TALK_MS ± 50 % from the bridge on (wrap-up 0), then the bench hangs their phone up. */
  talkMs: env('BENCH_POP_TALK_MS', 4000),
  warmupSeconds: env('BENCH_POP_WARMUP_S', 10),
  measureSeconds: env('BENCH_POP_MEASURE_S', 30),
  memorySettleSeconds: env('BENCH_POP_MEMORY_SETTLE_S', 5),
  memorySeconds: env('BENCH_POP_MEMORY_S', 15),
};
const TARGET_P99_MS = 20;
/** After a window, pops still in flight get this long before an offer counts as missing. */
const GRACE_MS = 3000;
/** HTTP logins at once: under the throttle's 30 attempts per address (a success is taken back, an attempt is not until then). */
const LOGIN_CONCURRENCY = 8;

/**
 * The node's PostgreSQL pools, found as they are used: a wrapper on pg's Pool.query that notes the pool and calls
 * through, installed for this benchmark only. Only their queue length is read (the bench's own pools are idle while
 * it is sampled). Returns the uninstall.
 */
function watchPools(pools: Set<pg.Pool>): () => void {
  // Unbound on purpose: it is called back with each pool as `this`.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const poolQuery = pg.Pool.prototype.query;
  // pg's query() has a dozen overloads; the wrapper passes whatever it gets through unchanged.
  pg.Pool.prototype.query = function (this: pg.Pool, ...args: Parameters<typeof poolQuery>) {
    pools.add(this);
    return poolQuery.apply(this, args);
  } as typeof poolQuery;
  return () => {
    pg.Pool.prototype.query = poolQuery;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => performance.timeOrigin + performance.now();
const mb = (bytes: number) => bytes / 2 ** 20;

type Phase = 'setup' | 'warmup' | 'pop' | 'memory-settle' | 'memory' | 'drain' | 'teardown';

interface OfferRecord {
  agentIds: string[];
  phase: Phase;
  /** performance.timeOrigin + performance.now() when the dispatcher handed the offer over. */
  at: number;
  offeredAt: number;
  /** Built, stored and published (PopService.offered resolved). */
  publishedAt?: number;
  /** The hub of the node handed it to the agent's socket (RealtimeHub.send). */
  hubAt?: number;
  received: Set<string>;
}

interface Window {
  latency: number[];
  fromOfferedAt: number[];
  published: number[];
  hub: number[];
  /** Hub → console: the WebSocket write, the kernel, the consoles' process. */
  wire: number[];
  /** Queries waiting for a PostgreSQL connection in the node, sampled every 10 ms. */
  poolWaiting: number[];
  offers: number;
  crmUnavailable: number;
  withCustomer: number;
}

/** BENCH_POP_PROFILE=file.cpuprofile: a CPU profile of this process (the Ringside node) over the pop window. */
async function startProfile(): Promise<(() => Promise<void>) | undefined> {
  const file = process.env.BENCH_POP_PROFILE;
  if (!file) return undefined;
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}

/** The node's memory after a full garbage collection (through the inspector: no --expose-gc needed). */
async function nodeMemory(): Promise<{ rssMb: number; heapUsedMb: number; externalMb: number }> {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.collectGarbage');
  session.disconnect();
  const memory = process.memoryUsage();
  return { rssMb: mb(memory.rss), heapUsedMb: mb(memory.heapUsed), externalMb: mb(memory.external) };
}

const ms = (summary: LatencySummary) => `p50 ${summary.p50.toFixed(2)} ms, p99 ${summary.p99.toFixed(2)} ms, max ${summary.max.toFixed(1)} ms`;
const load = () => loadavg().map((value) => value.toFixed(2)).join(' ');

export async function popBenchmark(): Promise<Record<string, number>> {
  const started = performance.now();
  if (POP.clients < POP.agents + POP.supervisors) throw new Error('BENCH_POP_CLIENTS must cover the agents and the supervisors');
  console.log(`pop bench: load average ${load()} (up ${Math.round(osUptime() / 60)} min); seeding ${POP.customers} customers, ${POP.clients} users…`);
  const stack = await startPopStack({ customers: POP.customers, agents: POP.agents, idleAgents: POP.clients - POP.agents - POP.supervisors, supervisors: POP.supervisors, ringMs: POP.ringMs });
  const offers = new Map<string, OfferRecord>();
  const counts = { misdelivered: 0, duplicated: 0, unknown: 0, placeFailed: 0, legFailures: 0 };
  let phase: Phase = 'setup';
  /** The window whose offers' pops are being collected: set at its start, kept through the grace after it. */
  let collecting: 'pop' | 'memory' | undefined;
  const newWindow = (): Window => ({ latency: [], fromOfferedAt: [], published: [], hub: [], wire: [], poolWaiting: [], offers: 0, crmUnavailable: 0, withCustomer: 0 });
  let window = newWindow();
  const inWindow = (offerPhase: Phase) => offerPhase === collecting;
  /** Who may receive pops at all: the agents in the ACD (an idle agent or a supervisor receiving one is a misdelivery). */
  const onPops = (receipts: PopReceipt[]) => {
    for (const [socketUser, popId, popAgent, offeredAt, receivedAt, crmOk, match] of receipts) {
      const offer = offers.get(popId);
      if (!offer) {
        counts.unknown += 1;
        continue;
      }
      if (popAgent !== socketUser || !offer.agentIds.includes(socketUser)) {
        counts.misdelivered += 1;
        continue;
      }
      if (offer.received.has(socketUser)) {
        counts.duplicated += 1;
        continue;
      }
      offer.received.add(socketUser);
      if (!inWindow(offer.phase)) continue;
      window.latency.push(receivedAt - offer.at);
      window.fromOfferedAt.push(receivedAt - offeredAt);
      if (offer.hubAt !== undefined) window.wire.push(receivedAt - offer.hubAt);
      if (crmOk === 0) window.crmUnavailable += 1;
      if (match > 0) window.withCustomer += 1;
    }
  };
  const clients = forkClients<ClientsRequest, ClientsReply | ClientsPush>('pop-clients', (message: ClientsReply | ClientsPush) => {
    if (message.type === 'pops') onPops(message.receipts);
  });
  const talking = new Map<string, NodeJS.Timeout>(); // agent leg → its hang-up
  let feeder: NodeJS.Timeout | undefined;
  const pools = new Set<pg.Pool>();
  const unwatchPools = watchPools(pools);
  try {
    const { server } = stack;
    const { pops, telephony } = server.telephony;
    const inAcd = new Set(server.telephony.acd.agents().map((agent) => agent.agentId));
    if (!stack.agents.every((agent) => inAcd.has(agent.userId))) throw new Error('Ringside does not know every bench agent with a phone');

    // Timing wrappers: each notes a moment and calls the real method.
    const offeredSafely = pops.offeredSafely.bind(pops);
    pops.offeredSafely = (offer: OfferContext) => {
      const at = now();
      offers.set(`${offer.callId}:${offer.offerId}`, { agentIds: offer.agentIds, phase, at, offeredAt: offer.offeredAt, received: new Set() });
      if (phase === 'pop' || phase === 'memory') window.offers += 1;
      offeredSafely(offer);
    };
    const offered = pops.offered.bind(pops);
    pops.offered = async (offer: OfferContext) => {
      await offered(offer);
      const record = offers.get(`${offer.callId}:${offer.offerId}`);
      if (!record) return;
      record.publishedAt = now();
      if (inWindow(record.phase)) window.published.push(record.publishedAt - record.at);
    };
    const hubSend = server.realtime.send.bind(server.realtime);
    server.realtime.send = (client, message) => {
      if (message.type === 'pop') {
        const record = offers.get(message.pop.popId);
        if (record && record.hubAt === undefined) {
          record.hubAt = now();
          if (inWindow(record.phase)) window.hub.push(record.hubAt - record.at);
        }
      }
      hubSend(client, message);
    };

    // Agents hang up `talk` ± 50 % after being bridged with their caller (not from the answer: see acd-route.ts).
    const random = new SeededRandom(11);
    const endpointOfLeg = new Map<string, string>();
    const originate = telephony.originate.bind(telephony);
    telephony.originate = async (request) => {
      if (request.channelId) endpointOfLeg.set(request.channelId, request.endpoint);
      return originate(request);
    };
    const addToBridge = telephony.addToBridge.bind(telephony);
    telephony.addToBridge = async (bridgeId, channelIds) => {
      await addToBridge(bridgeId, channelIds);
      if (phase === 'teardown') return;
      for (const legId of channelIds) {
        const endpoint = endpointOfLeg.get(legId);
        if (endpoint === undefined) continue;
        const timer = setTimeout(() => {
          talking.delete(legId);
          void stack.hangUp([endpoint]).catch((error: unknown) => console.error('pop bench: hanging up an agent:', error));
        }, POP.talkMs * (0.5 + random.next()));
        talking.set(legId, timer);
      }
    };
    telephony.onEvent((event) => {
      if (event.type !== 'hung-up' && event.type !== 'leg.failed') return;
      if (!endpointOfLeg.delete(event.channelId)) return;
      clearTimeout(talking.get(event.channelId));
      talking.delete(event.channelId);
      if (event.type === 'leg.failed') counts.legFailures += 1;
    });

    const poolSampler = setInterval(() => {
      if (collecting && phase === collecting) window.poolWaiting.push([...pools].reduce((sum, pool) => sum + pool.waitingCount, 0));
    }, 10);
    poolSampler.unref();
    const memoryNoClients = await nodeMemory();
    const httpLoginStarted = performance.now();
    console.log(`seeded ${stack.seeded.customers} customers (${JSON.stringify(stack.seeded.rows)}); ${POP.agents} agents log in over HTTP…`);
    const loggedIn = await clients.request({ type: 'login', url: server.url, users: stack.agents.map((agent) => ({ username: agent.username, password: BENCH_PASSWORD })), concurrency: LOGIN_CONCURRENCY });
    if (loggedIn.type !== 'logged-in' || loggedIn.failed > 0) throw new Error(`agent logins failed: ${JSON.stringify(loggedIn)}`);
    const agentSpecs: ClientSpec[] = stack.agents.map((agent) => ({ userId: agent.userId, role: 'agent', username: agent.username, acdLogin: true }));
    const connected = await clients.request({ type: 'connect', url: server.url, clients: agentSpecs, concurrency: 20 });
    if (connected.type !== 'connected' || connected.failed > 0) throw new Error(`agent consoles failed: ${JSON.stringify(connected)}`);
    console.log(`${POP.agents} logins in ${(loggedIn.ms / 1000).toFixed(1)} s, ${POP.agents} consoles connected and in the ACD in ${(connected.ms / 1000).toFixed(1)} s (${((performance.now() - httpLoginStarted) / 1000).toFixed(1)} s)`);
    if (server.realtime.size() !== POP.agents) throw new Error(`the hub holds ${server.realtime.size()} sockets, not ${POP.agents}`);

    // Callers: seeded customers' numbers most of the time, numbers nobody owns otherwise.
    const model = new CustomerModel(DEFAULT_SEED, POP.customers, 1);
    let unknownSeq = 0;
    const newCall = () => ({
      from: random.chance(POP.knownShare) ? model.customer(random.int(0, POP.customers - 1)).phones[0]!.e164 : model.unknownNumber(random.pick(model.countries), unknownSeq++),
      to: '800',
    });
    const feedStarted = performance.now();
    let placed = 0;
    feeder = setInterval(() => {
      const due = Math.floor(((performance.now() - feedStarted) / 1000) * POP.rate);
      if (due <= placed) return;
      const calls = Array.from({ length: due - placed }, newCall);
      placed = due;
      void stack.place(calls).then(
        (result) => (counts.placeFailed += result.failed),
        () => (counts.placeFailed += calls.length),
      );
    }, 10);

    /** One measured window: its latencies, then the offers of the window that no console got. */
    const measure = async (name: 'pop' | 'memory', seconds: number, profile: boolean) => {
      window = newWindow();
      const loop = monitorEventLoopDelay({ resolution: 10 });
      const stopProfile = profile ? await startProfile() : undefined;
      await clients.request({ type: 'stats' }); // resets the consoles' loop-delay figures
      loop.enable();
      phase = name;
      collecting = name;
      const windowStarted = performance.now();
      await sleep(seconds * 1000);
      phase = 'drain';
      const elapsed = (performance.now() - windowStarted) / 1000;
      loop.disable();
      await stopProfile?.();
      const consoles = await clients.request({ type: 'stats' });
      await sleep(GRACE_MS);
      let missing = 0;
      for (const offer of offers.values()) if (offer.phase === name) missing += offer.agentIds.filter((agentId) => !offer.received.has(agentId)).length;
      const result = {
        latency: summarise(window.latency),
        fromOfferedAt: summarise(window.fromOfferedAt),
        published: summarise(window.published),
        hub: summarise(window.hub),
        wire: summarise(window.wire),
        poolWaiting: summarise(window.poolWaiting),
        offers: window.offers,
        offersPerSecond: window.offers / elapsed,
        missing,
        crmUnavailable: window.crmUnavailable,
        withCustomer: window.withCustomer,
        clockCheckMs: window.fromOfferedAt.reduce((sum, value) => sum + value, 0) / window.fromOfferedAt.length - window.latency.reduce((sum, value) => sum + value, 0) / window.latency.length,
        loop: { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
        consoles: consoles.type === 'stats' ? consoles.stats : undefined,
      };
      collecting = undefined;
      // Records of this window are no longer needed (later misdeliveries would find no offer: counted as unknown).
      for (const [popId, offer] of offers) if (offer.phase !== 'drain') offers.delete(popId);
      return result;
    };

    console.log(`calls at ${POP.rate}/s (${Math.round(POP.knownShare * 100)} % from seeded customers), ring ${POP.ringMs} ms, talk ${POP.talkMs} ms ± 50 %, wrap-up 0: ${POP.warmupSeconds} s warm-up, ${POP.measureSeconds} s measured…`);
    phase = 'warmup';
    await sleep(POP.warmupSeconds * 1000);
    const popWindow = await measure('pop', POP.measureSeconds, true);
    const { latency } = popWindow;
    console.log(`offers: ${popWindow.offers} in ${POP.measureSeconds} s (${popWindow.offersPerSecond.toFixed(1)}/s) to ${POP.agents} agents on WebSockets`);
    console.log(`offer decision → pop received by the console: ${ms(latency)}   (target p99 ≤ ${TARGET_P99_MS} ms ${latency.p99 <= TARGET_P99_MS ? '✔' : '✘'})`);
    console.log(`  offer → pop built, stored and published: ${ms(popWindow.published)}`);
    console.log(`  offer → handed to the agent's socket by the hub: ${ms(popWindow.hub)}`);
    console.log(`  hub → console (WebSocket write, kernel, consoles' process): ${ms(popWindow.wire)}`);
    console.log(`  queries waiting for a PostgreSQL connection in the node: p50 ${popWindow.poolWaiting.p50}, p99 ${popWindow.poolWaiting.p99}, max ${popWindow.poolWaiting.max} (pool of ${stack.poolSize})`);
    console.log(`  from the pop's own offeredAt (Date.now(), whole ms): ${ms(popWindow.fromOfferedAt)}; mean difference ${popWindow.clockCheckMs.toFixed(2)} ms (expected 0–1: the clocks agree)`);
    console.log(`pops missing ${popWindow.missing}, misdelivered ${counts.misdelivered}, duplicated ${counts.duplicated}, unknown ${counts.unknown} so far; CRM over budget ${popWindow.crmUnavailable}; with customer data ${popWindow.withCustomer} (${((100 * popWindow.withCustomer) / Math.max(1, latency.count)).toFixed(0)} %)`);
    console.log(`node event-loop delay p99 ${popWindow.loop.p99.toFixed(1)} ms, max ${popWindow.loop.max.toFixed(1)} ms; consoles' process loop delay p99 ${popWindow.consoles?.loopDelayP99Ms.toFixed(1)} ms`);
    const memoryAgents = await nodeMemory();
    const extraUsers: BenchUser[] = [...stack.idleAgents, ...stack.supervisors];
    console.log(`connecting ${extraUsers.length} more consoles (${stack.idleAgents.length} agents not in the ACD, ${stack.supervisors.length} supervisors), calls going on…`);
    const cookies = await stack.openSessions(extraUsers);
    const extraSpecs: ClientSpec[] = extraUsers.map((user, i) => ({ userId: user.userId, role: user.role, username: user.username, cookie: cookies[i]!, acdLogin: false }));
    phase = 'memory-settle';
    const extra = await clients.request({ type: 'connect', url: server.url, clients: extraSpecs, concurrency: 10 });
    if (extra.type !== 'connected' || extra.failed > 0) throw new Error(`extra consoles failed: ${JSON.stringify(extra)}`);
    console.log(`${extra.ok} consoles connected in ${(extra.ms / 1000).toFixed(1)} s; ${POP.memorySettleSeconds} s settle, ${POP.memorySeconds} s measured with ${POP.clients} connected…`);
    await sleep(POP.memorySettleSeconds * 1000);
    const clientsConnected = server.realtime.size();
    const memoryWindow = await measure('memory', POP.memorySeconds, false);
    const memoryAll = await nodeMemory();

    clearInterval(feeder);
    feeder = undefined;
    const pbx = await stack.pbxStats();
    const consoles = memoryWindow.consoles;
    const perClientKb = ((memoryAll.rssMb - memoryAgents.rssMb) * 1024) / (clientsConnected - POP.agents);
    const heapPerClientKb = ((memoryAll.heapUsedMb - memoryAgents.heapUsedMb) * 1024) / (clientsConnected - POP.agents);

    console.log(`with ${clientsConnected} consoles connected: ${ms(memoryWindow.latency)} over ${memoryWindow.offers} offers, missing ${memoryWindow.missing}; node loop delay p99 ${memoryWindow.loop.p99.toFixed(1)} ms`);
    console.log(
      `node memory (after a full GC): no consoles RSS ${memoryNoClients.rssMb.toFixed(0)} MB / heap ${memoryNoClients.heapUsedMb.toFixed(0)} MB; ${POP.agents} consoles and calls ${memoryAgents.rssMb.toFixed(0)} / ${memoryAgents.heapUsedMb.toFixed(0)} MB; ${clientsConnected} consoles and calls ${memoryAll.rssMb.toFixed(0)} / ${memoryAll.heapUsedMb.toFixed(0)} MB: ${perClientKb.toFixed(0)} KB RSS, ${heapPerClientKb.toFixed(0)} KB heap per console`,
    );
    console.log(`consoles' process: RSS ${consoles?.rssMb.toFixed(0)} MB, ${consoles?.open} open, ${consoles?.dropped} dropped; simulator process RSS ${pbx.rssMb} MB; calls placed ${placed} (${counts.placeFailed} refused), agent legs failed ${counts.legFailures}`);
    console.log(`load average ${load()}; ${((performance.now() - started) / 1000).toFixed(0)} s`);
    return {
      pop_p50_ms: round(latency.p50),
      pop_p99_ms: round(latency.p99),
      pop_max_ms: round(latency.max, 1),
      pop_samples: latency.count,
      offers: popWindow.offers,
      offers_per_s: round(popWindow.offersPerSecond, 1),
      pops_missing: popWindow.missing + memoryWindow.missing,
      pops_misdelivered: counts.misdelivered,
      pops_duplicated: counts.duplicated,
      pops_unknown: counts.unknown,
      pops_crm_unavailable: popWindow.crmUnavailable,
      pops_with_customer: round(popWindow.withCustomer / Math.max(1, latency.count), 3),
      published_p50_ms: round(popWindow.published.p50),
      published_p99_ms: round(popWindow.published.p99),
      hub_p50_ms: round(popWindow.hub.p50),
      hub_p99_ms: round(popWindow.hub.p99),
      wire_p50_ms: round(popWindow.wire.p50),
      wire_p99_ms: round(popWindow.wire.p99),
      pool_waiting_p99: popWindow.poolWaiting.p99,
      pool_waiting_max: popWindow.poolWaiting.max,
      pop_offered_at_p99_ms: round(popWindow.fromOfferedAt.p99),
      node_loop_delay_p99_ms: round(popWindow.loop.p99, 1),
      pop_all_clients_p50_ms: round(memoryWindow.latency.p50),
      pop_all_clients_p99_ms: round(memoryWindow.latency.p99),
      clients: clientsConnected,
      rss_mb: Math.round(memoryAll.rssMb),
      heap_used_mb: Math.round(memoryAll.heapUsedMb),
      rss_agents_only_mb: Math.round(memoryAgents.rssMb),
      heap_agents_only_mb: Math.round(memoryAgents.heapUsedMb),
      rss_no_clients_mb: Math.round(memoryNoClients.rssMb),
      rss_kb_per_client: Math.round(perClientKb),
      heap_kb_per_client: Math.round(heapPerClientKb),
      clients_process_rss_mb: Math.round(consoles?.rssMb ?? 0),
      agents: POP.agents,
      rate_per_s: POP.rate,
      customers: POP.customers,
      target_met: latency.p99 <= TARGET_P99_MS && popWindow.missing === 0 && counts.misdelivered === 0 ? 1 : 0,
    };
  } finally {
    phase = 'teardown';
    if (feeder) clearInterval(feeder);
    for (const timer of talking.values()) clearTimeout(timer);
    await clients.request({ type: 'close' }).catch(() => undefined);
    if (stack.problems() > 0) console.log(`Ringside warnings/errors: ${[...stack.problemKinds()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([kind, n]) => `${n}× ${kind}`).join('; ')}`);
    unwatchPools();
    await stack.close();
  }
}
