/**
 * The `wallboard` benchmark: 200 wallboards (supervisor sockets on `/ws`) connected to one node while calls flow
 * through three queues; how long from an ACD event that changes a queue's figures to the wallboards showing a figure
 * that includes it, and what the node spends on it.
 *
 * One whole Ringside node in this process (bench/wallboard-stack.ts), the PBX simulator and the wallboards in child
 * processes (bench/acd-pbx.ts, bench/wallboard-clients.ts). Callers dial one of three numbers, go through the IVR's
 * queue step and the routing rules into that number's queue and wait; simulated agents' phones answer; each caller
 * hangs up after a patience of its own (seeded), waiting (abandoned), ringing an agent (abandoned while offered) or
 * talking (completed); one queue gives up on callers after 10 s (exited).
 *
 * Latency = for each wallboard and each event of a shown queue that changes its figures (call.queued, answered,
 * abandoned, exited, completed), from the event's `at` to that wallboard's receipt of the first `wallboard.queue`
 * message of that queue whose `figures.at` ≥ the event's `at`. The events are heard on the Redis channel
 * `<prefix>events:acd` by the wallboards' process. Both sides read the same clock (epoch ms; the receipt from
 * performance.timeOrigin + performance.now()).
 */
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { SeededRandom } from '../src/seed/random.js';
import { COALESCE_MS } from '../src/wallboard/wallboard-feed.js';
import { forkClients } from './client-process.js';
import { round, summarise, type LatencySummary } from './stats.js';
import type { WallboardClientsReply, WallboardClientsRequest, WallboardReport } from './wallboard-clients.js';
import { connectWallboards, startWallboardStack, WALLBOARD_QUEUES } from './wallboard-stack.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const WB = {
  wallboards: env('BENCH_WALLBOARD_CLIENTS', 200),
  /** Supervisor users the wallboards log in as (each logs in once, its sessions' cookie opens its share of sockets). */
  users: env('BENCH_WALLBOARD_USERS', 5),
  /** Calls placed per second in all, evenly spaced; shared 40 / 35 / 25 % over the three queues. */
  rate: env('BENCH_WALLBOARD_RATE', 10),
  agents: [env('BENCH_WALLBOARD_AGENTS_SALES', 32), env('BENCH_WALLBOARD_AGENTS_SUPPORT', 28), env('BENCH_WALLBOARD_AGENTS_BILLING', 6)],
  /** A caller hangs up this long (uniform, seconds) after calling, whatever happened meanwhile. */
  patienceMinS: env('BENCH_WALLBOARD_PATIENCE_MIN_S', 1),
  patienceMaxS: env('BENCH_WALLBOARD_PATIENCE_MAX_S', 12),
  ringMs: env('BENCH_WALLBOARD_RING_MS', 300),
  warmupSeconds: env('BENCH_WALLBOARD_WARMUP_S', 10),
  measureSeconds: env('BENCH_WALLBOARD_MEASURE_S', 40),
};
const SHARES = [0.4, 0.35, 0.25];
const TARGET_P99_MS = 1000;
/** After the window, calls go on this long so that every event of the window gets its figure. */
const GRACE_MS = 3000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => performance.timeOrigin + performance.now();
const load = () => loadavg().map((value) => value.toFixed(2)).join(' ');
const ms = (summary: LatencySummary) => `p50 ${summary.p50.toFixed(1)} ms, p99 ${summary.p99.toFixed(1)} ms, max ${summary.max.toFixed(1)} ms`;

export async function wallboardBenchmark(): Promise<Record<string, number>> {
  const started = performance.now();
  if (WB.wallboards % WB.users !== 0) throw new Error('BENCH_WALLBOARD_CLIENTS must be a multiple of BENCH_WALLBOARD_USERS');
  console.log(`wallboard bench: load average ${load()}; ${WB.agents.join(' + ')} agents, ${WB.users} supervisors…`);
  const stack = await startWallboardStack({ agentsPerQueue: WB.agents, supervisors: WB.users, ringMs: WB.ringMs });
  const clients = forkClients<WallboardClientsRequest, WallboardClientsReply>('wallboard-clients');
  let feeder: NodeJS.Timeout | undefined;
  try {
    const { server } = stack;

    // The node's side, from a wrapper that calls through: figures.at → handed to the sockets, and the send loop.
    const handedOut: number[] = [];
    const sendLoop: number[] = [];
    let measuring = false;
    const toSupervisors = server.realtime.toSupervisors.bind(server.realtime);
    server.realtime.toSupervisors = (message) => {
      if (message.type !== 'wallboard.queue' || !measuring) return toSupervisors(message);
      const before = now();
      toSupervisors(message);
      handedOut.push(before - message.figures.at);
      sendLoop.push(now() - before);
    };

    // Agents: a session each (as a login opens it), then into the ACD over REST, as the console does.
    const cookies = await stack.openSessions(stack.agents);
    await Promise.all(
      stack.agents.map(async (agent, i) => {
        const response = await fetch(`${server.url}/api/agents/${agent.userId}/state`, { method: 'POST', headers: { cookie: cookies[i]!, 'content-type': 'application/json' }, body: JSON.stringify({ action: 'login' }) });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`ACD login of ${agent.username}: ${response.status}`);
      }),
    );

    const connected = await connectWallboards(clients, stack, WB.wallboards / WB.users, 20);
    const supervisorsHere = server.realtime.supervisorCount();
    if (supervisorsHere !== WB.wallboards) throw new Error(`the hub holds ${supervisorsHere} supervisor sockets, not ${WB.wallboards}`);
    console.log(`${WB.users} supervisors logged in, ${connected.ok} wallboards connected in ${(connected.ms / 1000).toFixed(1)} s (snapshot: ${connected.snapshotQueues} queues); ${stack.agents.length} agents in the ACD`);

    const random = new SeededRandom(17);
    let sequence = 0;
    const newCall = (): Parameters<typeof stack.place>[0][number] => {
      const pick = random.next();
      const q = pick < SHARES[0]! ? 0 : pick < SHARES[0]! + SHARES[1]! ? 1 : 2;
      const patience = WB.patienceMinS + random.next() * (WB.patienceMaxS - WB.patienceMinS);
      sequence += 1;
      return { from: `+1202555${String(sequence % 10000).padStart(4, '0')}`, to: WALLBOARD_QUEUES[q].dialled, script: [{ at: Math.round(patience * 10) / 10, hangup: true }] };
    };
    const counts = { placed: 0, placeFailed: 0 };
    const feedStarted = performance.now();
    feeder = setInterval(() => {
      const due = Math.floor(((performance.now() - feedStarted) / 1000) * WB.rate);
      if (due <= counts.placed) return;
      const calls = Array.from({ length: due - counts.placed }, newCall);
      counts.placed = due;
      void stack.place(calls).then(
        (result) => (counts.placeFailed += result.failed),
        () => (counts.placeFailed += calls.length),
      );
    }, 10);

    console.log(`calls at ${WB.rate}/s (${SHARES.map((share, q) => `${WALLBOARD_QUEUES[q]!.name} ${share * 100} %`).join(', ')}), ring ${WB.ringMs} ms, callers hang up after ${WB.patienceMinS}–${WB.patienceMaxS} s, wrap-up 1 s: ${WB.warmupSeconds} s warm-up, ${WB.measureSeconds} s measured…`);
    await sleep(WB.warmupSeconds * 1000);
    const loop = monitorEventLoopDelay({ resolution: 10 });
    const windowStart = Date.now();
    const windowEnd = windowStart + WB.measureSeconds * 1000;
    await clients.request({ type: 'window', startAt: windowStart, endAt: windowEnd });
    const cpuStart = process.cpuUsage();
    const wallStart = performance.now();
    loop.enable();
    measuring = true;
    await sleep(windowEnd - Date.now());
    measuring = false;
    const cpu = process.cpuUsage(cpuStart);
    const elapsedS = (performance.now() - wallStart) / 1000;
    loop.disable();
    const memory = process.memoryUsage();
    await sleep(GRACE_MS);
    clearInterval(feeder);
    feeder = undefined;
    const reply = await clients.request({ type: 'report' });
    if (reply.type !== 'report') throw new Error('the wallboards sent no report');
    const report: WallboardReport = reply.report;
    const pbx = await stack.pbxStats();

    const serverCpuPercent = ((cpu.user + cpu.system) / 1e6 / elapsedS) * 100;
    const handed = summarise(handedOut);
    const loopFigures = { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 };
    const eventCount = Object.values(report.events).reduce((sum, n) => sum + n, 0);
    const { latency } = report;
    console.log(`events changing queue figures in ${WB.measureSeconds} s: ${eventCount} (${Object.entries(report.events).map(([type, n]) => `${type} ${n}`).join(', ')}); by queue ${JSON.stringify(report.eventsByQueue)}; ${latency.count} (wallboard, event) pairs, ${report.unmatched} without a figure, ${report.overOneSecond} (${((100 * report.overOneSecond) / Math.max(1, latency.count)).toFixed(2)} %) above 1 s`);
    console.log(`event → figure including it received by the wallboard: ${ms(latency)}   (target p99 ≤ ${TARGET_P99_MS} ms ${latency.p99 <= TARGET_P99_MS ? '✔' : '✘'}; coalescing ${COALESCE_MS} ms)`);
    console.log(`  event → figures.at (waiting for the next read): ${ms(report.untilRead)}`);
    console.log(`  figures.at → handed to the sockets by the node (read, roster): ${ms(handed)}; the send loop over ${WB.wallboards} sockets ${ms(summarise(sendLoop))}`);
    console.log(`  figures.at → received by the wallboard: ${ms(report.readToClient)}`);
    console.log(`  between two updates of one queue at one wallboard: ${ms(report.gap)}`);
    console.log(`per wallboard per second: ${report.queueMessagesPerSecond.toFixed(2)} wallboard.queue, ${report.agentMessagesPerSecond.toFixed(2)} wallboard.agent, ${report.acdMessagesPerSecond.toFixed(1)} acd, ${report.allMessagesPerSecond.toFixed(1)} in all (${(report.bytesPerSecond / 1024).toFixed(1)} KiB/s)`);
    console.log(`figures checked against the events (one wallboard): ${report.checked}, behind ${report.behind}, ahead ${report.ahead}`);
    console.log(`node (this process: Ringside and the call feeder): CPU ${serverCpuPercent.toFixed(1)} % of a core, RSS ${(memory.rss / 2 ** 20).toFixed(0)} MB, heap ${(memory.heapUsed / 2 ** 20).toFixed(0)} MB, event-loop delay p99 ${loopFigures.p99.toFixed(1)} ms, max ${loopFigures.max.toFixed(1)} ms`);
    console.log(`wallboards' process: CPU ${report.cpuPercent.toFixed(1)} %, RSS ${report.rssMb.toFixed(0)} MB, loop delay p99 ${report.loopDelayP99Ms.toFixed(1)} ms, ${report.sockets} open, ${report.dropped} dropped; simulator RSS ${pbx.rssMb} MB, ${pbx.channels} channels now`);
    console.log(`calls placed ${counts.placed} (${counts.placeFailed} refused); load average ${load()}; ${((performance.now() - started) / 1000).toFixed(0)} s`);
    return {
      wallboards: connected.ok,
      update_p50_ms: round(latency.p50, 1),
      update_p99_ms: round(latency.p99, 1),
      update_max_ms: round(latency.max, 1),
      pairs: latency.count,
      pairs_over_1s: report.overOneSecond,
      unmatched: report.unmatched,
      events: eventCount,
      events_per_s: round(eventCount / WB.measureSeconds, 1),
      until_read_p50_ms: round(report.untilRead.p50, 1),
      until_read_p99_ms: round(report.untilRead.p99, 1),
      handed_out_p50_ms: round(handed.p50, 1),
      handed_out_p99_ms: round(handed.p99, 1),
      read_to_client_p50_ms: round(report.readToClient.p50, 1),
      read_to_client_p99_ms: round(report.readToClient.p99, 1),
      gap_p50_ms: round(report.gap.p50, 1),
      gap_p99_ms: round(report.gap.p99, 1),
      queue_msgs_per_client_s: round(report.queueMessagesPerSecond, 2),
      agent_msgs_per_client_s: round(report.agentMessagesPerSecond, 2),
      msgs_per_client_s: round(report.allMessagesPerSecond, 1),
      kib_per_client_s: round(report.bytesPerSecond / 1024, 1),
      figures_checked: report.checked,
      figures_behind: report.behind,
      figures_ahead: report.ahead,
      server_cpu_percent: round(serverCpuPercent, 1),
      server_rss_mb: Math.round(memory.rss / 2 ** 20),
      server_loop_delay_p99_ms: round(loopFigures.p99, 1),
      clients_cpu_percent: round(report.cpuPercent, 1),
      calls_placed: counts.placed,
      rate_per_s: WB.rate,
      target_met: latency.p99 <= TARGET_P99_MS && report.unmatched === 0 && report.dropped === 0 ? 1 : 0,
    };
  } finally {
    if (feeder) clearInterval(feeder);
    await clients.request({ type: 'close' }).catch(() => undefined);
    if (stack.problems() > 0) console.log(`Ringside warnings/errors: ${[...stack.problemKinds()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([kind, n]) => `${n}× ${kind}`).join('; ')}`);
    await stack.close();
  }
}
