/**
 * The `soak` benchmark: one Ringside node under a steady 20 calls a second for `--minutes N` (default 30), with every
 * part at work — the IVR (a greeting, then the queue step), the routing rules over three queues, simulated agents
 * whose phones answer, screen-pops to the agents' consoles and wallboards open on /ws — sampling the node's RSS and
 * event-loop delay every 10 s. At the end the accounting identity is checked: every call the PBX placed has one
 * interaction with one final outcome (`ringside audit`'s rule, src/ops/call-audit.ts).
 *
 * Pass: RSS growth after the warm-up ≤ 10 %, event-loop delay p99 ≤ 50 ms, calls placed = arrived = accounted.
 * The stack is the wallboard bench's (bench/wallboard-stack.ts): the node in this process, the PBX simulator, the
 * consoles (bench/pop-clients.ts) and the wallboards (bench/wallboard-clients.ts) in child processes.
 */
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createPool } from '../src/db/pool.js';
import { auditCalls } from '../src/ops/call-audit.js';
import { liveCallIds } from '../src/ops/live-calls.js';
import { SeededRandom } from '../src/seed/random.js';
import { forkClients } from './client-process.js';
import type { ClientsPush, ClientsReply, ClientsRequest } from './pop-clients.js';
import { round } from './stats.js';
import type { WallboardClientsReply, WallboardClientsRequest } from './wallboard-clients.js';
import { connectWallboards, startWallboardStack, WALLBOARD_QUEUES } from './wallboard-stack.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

/** `--minutes N` after the bench's name (npm run bench -- soak --minutes 5). */
function minutesArgument(): number {
  const at = process.argv.indexOf('--minutes');
  if (at === -1) return 30;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value < 1 || value > 24 * 60) throw new Error(`--minutes must be a number of minutes from 1 to 1440, not ${process.argv[at + 1] ?? '(nothing)'}`);
  return value;
}

const SOAK = {
  rate: env('BENCH_SOAK_RATE', 20),
  agents: [env('BENCH_SOAK_AGENTS_SALES', 48), env('BENCH_SOAK_AGENTS_SUPPORT', 42), env('BENCH_SOAK_AGENTS_BILLING', 30)],
  wallboards: env('BENCH_SOAK_WALLBOARDS', 20),
  supervisors: 4,
  patienceMinS: 2,
  patienceMaxS: 10,
  ringMs: 300,
  sampleSeconds: 10,
};
const SHARES = [0.4, 0.35, 0.25];
const RSS_GROWTH_LIMIT = 0.1;
const LOOP_P99_LIMIT_MS = 50;
/** After the last call is placed: the longest patience, a wrap-up and the records' writes. */
const DRAIN_MS = (SOAK.patienceMaxS + 5) * 1000;

/** A greeting before the queue step: every call goes through the IVR's interpreter, not only its hand-off. */
const FLOW = {
  name: 'soak',
  default: true,
  start: 'greeting',
  steps: { greeting: { type: 'play', prompts: ['sound:beep'], next: 'wait' }, wait: { type: 'queue', queue: WALLBOARD_QUEUES[0].name } },
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const mb = (bytes: number) => bytes / 2 ** 20;

export async function soakBenchmark(): Promise<Record<string, number>> {
  const minutes = minutesArgument();
  const warmupSamples = Math.max(3, Math.round((minutes * 60) / SOAK.sampleSeconds / 10));
  console.log(`soak: ${minutes} min at ${SOAK.rate} calls/s, ${SOAK.agents.reduce((a, b) => a + b, 0)} agents with consoles, ${SOAK.wallboards} wallboards; load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  const stack = await startWallboardStack({ agentsPerQueue: SOAK.agents, supervisors: SOAK.supervisors, ringMs: SOAK.ringMs, flow: FLOW });
  let pops = 0;
  const consoles = forkClients<ClientsRequest, ClientsReply | ClientsPush>('pop-clients', (message) => {
    if (message.type === 'pops') pops += message.receipts.length;
  });
  const wallboards = forkClients<WallboardClientsRequest, WallboardClientsReply>('wallboard-clients');
  let feeder: NodeJS.Timeout | undefined;
  try {
    const { server } = stack;
    const cookies = await stack.openSessions(stack.agents);
    const connected = await consoles.request({ type: 'connect', url: server.url, clients: stack.agents.map((agent, i) => ({ userId: agent.userId, role: 'agent', username: agent.username, cookie: cookies[i]!, acdLogin: true })), concurrency: 20 });
    if (connected.type !== 'connected' || connected.failed > 0) throw new Error(`consoles failed: ${JSON.stringify(connected)}`);
    const boards = await connectWallboards(wallboards, stack, SOAK.wallboards / SOAK.supervisors, 10);
    console.log(`${connected.ok} consoles (agents logged into the ACD) and ${boards.ok} wallboards connected`);

    const random = new SeededRandom(29);
    let placed = 0;
    let refused = 0;
    const since = new Date(Date.now() - 1000);
    const newCall = (sequence: number) => {
      const pick = random.next();
      const q = pick < SHARES[0]! ? 0 : pick < SHARES[0]! + SHARES[1]! ? 1 : 2;
      const patience = SOAK.patienceMinS + random.next() * (SOAK.patienceMaxS - SOAK.patienceMinS);
      return { from: `+1202555${String(sequence % 10000).padStart(4, '0')}`, to: WALLBOARD_QUEUES[q].dialled, script: [{ at: Math.round(patience * 10) / 10, hangup: true as const }] };
    };
    const feedStarted = performance.now();
    const endAt = feedStarted + minutes * 60_000;
    feeder = setInterval(() => {
      const due = Math.floor(((Math.min(performance.now(), endAt) - feedStarted) / 1000) * SOAK.rate);
      if (due <= placed) return;
      const calls = Array.from({ length: due - placed }, (_, i) => newCall(placed + i));
      placed = due;
      void stack.place(calls).then(
        (result) => (refused += result.failed),
        () => (refused += calls.length),
      );
    }, 10);

    const loop = monitorEventLoopDelay({ resolution: 10 });
    const samples: Array<{ at: number; rssMb: number; loopP99Ms: number }> = [];
    let windowLoop = monitorEventLoopDelay({ resolution: 10 });
    windowLoop.enable();
    while (performance.now() < endAt) {
      await sleep(Math.min(SOAK.sampleSeconds * 1000, endAt - performance.now()));
      const sample = { at: Math.round((performance.now() - feedStarted) / 1000), rssMb: mb(process.memoryUsage().rss), loopP99Ms: windowLoop.percentile(99) / 1e6 };
      samples.push(sample);
      // The warm-up's samples are kept for the record but not in the pass figures.
      if (samples.length === warmupSamples) loop.enable();
      windowLoop.disable();
      windowLoop = monitorEventLoopDelay({ resolution: 10 });
      windowLoop.enable();
      console.log(`  ${String(sample.at).padStart(5)} s: ${placed} calls placed, ${pops} pops, RSS ${sample.rssMb.toFixed(0)} MB, loop p99 ${sample.loopP99Ms.toFixed(1)} ms`);
    }
    windowLoop.disable();
    loop.disable();
    clearInterval(feeder);
    feeder = undefined;
    console.log(`the last call placed; ${DRAIN_MS / 1000} s for the calls to end and their records to land…`);
    await sleep(DRAIN_MS);
    await server.telephony.recorder.settled();

    const db = createPool(stack.databaseUrl, 2);
    const audit = await auditCalls(db, {
      since,
      until: new Date(Date.now() + 1000),
      liveCallIds: await liveCallIds(stack.ari),
      outbox: await server.telephony.outbox.counts(),
    }).finally(() => db.end());
    const measured = samples.slice(warmupSamples - 1);
    const rssStart = median(measured.slice(0, 3).map((sample) => sample.rssMb));
    const rssEnd = median(measured.slice(-3).map((sample) => sample.rssMb));
    const growth = (rssEnd - rssStart) / rssStart;
    const loopP99 = loop.percentile(99) / 1e6;
    const identity = audit.holds && audit.inbound.arrived === placed - refused && audit.inbound.accounted === audit.inbound.arrived;
    console.log(`calls placed ${placed} (${refused} refused by the PBX), arrived ${audit.inbound.arrived}, accounted ${audit.inbound.accounted}, still up ${audit.inbound.inProgress}, unaccounted ${audit.unaccountedCount}, anomalies ${audit.anomalies.length}: ${identity ? 'the identity holds ✔' : 'the identity does NOT hold ✘'}`);
    console.log(`  outcomes ${JSON.stringify(audit.inbound.outcomes)}`);
    console.log(`RSS after the warm-up ${rssStart.toFixed(0)} MB, at the end ${rssEnd.toFixed(0)} MB: ${(growth * 100).toFixed(1)} % (limit ${RSS_GROWTH_LIMIT * 100} %) ${growth <= RSS_GROWTH_LIMIT ? '✔' : '✘'}`);
    console.log(`event-loop delay p99 after the warm-up ${loopP99.toFixed(1)} ms (limit ${LOOP_P99_LIMIT_MS} ms) ${loopP99 <= LOOP_P99_LIMIT_MS ? '✔' : '✘'}; ${pops} pops received; ${stack.problems()} warnings or errors logged`);
    return {
      minutes,
      rate_per_s: SOAK.rate,
      calls_placed: placed,
      calls_refused: refused,
      calls_arrived: audit.inbound.arrived,
      calls_accounted: audit.inbound.accounted,
      calls_unaccounted: audit.unaccountedCount,
      anomalies: audit.anomalies.length,
      pops,
      rss_start_mb: Math.round(rssStart),
      rss_end_mb: Math.round(rssEnd),
      rss_growth_percent: round(growth * 100, 1),
      loop_lag_p99_ms: round(loopP99, 1),
      loop_lag_max_ms: round(loop.max / 1e6, 1),
      warnings: stack.problems(),
      pass: identity && growth <= RSS_GROWTH_LIMIT && loopP99 <= LOOP_P99_LIMIT_MS ? 1 : 0,
    };
  } finally {
    if (feeder) clearInterval(feeder);
    await Promise.allSettled([consoles.request({ type: 'close' }), wallboards.request({ type: 'close' })]);
    if (stack.problems() > 0) console.log(`Ringside warnings/errors: ${[...stack.problemKinds()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([kind, n]) => `${n}× ${kind}`).join('; ')}`);
    await stack.close();
  }
}
