/**
 * Load on the PBX simulator: 5,000 concurrent inbound calls, each answered by a trivial WebSocket application that
 * plays a prompt, then hung up by the caller. Reports how many calls were handled, the peak of concurrent channels,
 * the process RSS and the elapsed time.
 */
import { Agent } from 'node:http';
import { request } from 'node:http';
import WebSocket from 'ws';
import { startSimulator } from '../src/telephony/simulator/index.js';

const CALLS = 5000;
/** simulated seconds each call lasts; with TIME_SCALE the calls overlap for about 15 s of real time */
const CALL_SECONDS = 60;
const TIME_SCALE = 0.25;

function post(agent: Agent, url: URL, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { agent, host: url.hostname, port: url.port, method: 'POST', path: `/ari${path}`, auth: 'ringside:ringside' },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

export async function simulatorLoadBenchmark(): Promise<Record<string, number>> {
  const sim = await startSimulator({ port: 0, timeScale: TIME_SCALE });
  const url = new URL(sim.url);
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const ws = new WebSocket(`${sim.url.replace('http', 'ws')}/ari/events?app=ringside&api_key=ringside:ringside`);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let answered = 0;
  let played = 0;
  let ended = 0;
  let failures = 0;
  ws.on('message', (data: Buffer) => {
    const event = JSON.parse(data.toString('utf8')) as { type: string; channel?: { id: string } };
    if (event.type === 'StasisEnd') ended++;
    if (event.type !== 'StasisStart' || !event.channel) return;
    const id = event.channel.id;
    void (async () => {
      if ((await post(agent, url, `/channels/${id}/answer`)) === 204) answered++;
      if ((await post(agent, url, `/channels/${id}/play?media=sound:tt-monkeys`)) === 201) played++;
    })().catch(() => failures++);
  });

  const started = Date.now();
  let peak = 0;
  let peakRss = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, sim.control.stats().channels);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  for (let i = 0; i < CALLS; i++) {
    await sim.control.placeCall({ from: `+1415${String(i).padStart(7, '0')}`, to: '800', script: [{ at: CALL_SECONDS, hangup: true }] });
  }
  const placedMs = Date.now() - started;
  const deadline = Date.now() + (CALL_SECONDS * TIME_SCALE + 60) * 1000;
  while (ended < CALLS && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  clearInterval(sampler);
  const elapsedMs = Date.now() - started;
  ws.close();
  agent.destroy();
  await sim.close();
  const figures = {
    calls: CALLS,
    answered,
    played,
    ended,
    failures,
    peak_concurrent: peak,
    rss_mb: Math.round(peakRss / 1024 / 1024),
    placed_ms: placedMs,
    elapsed_ms: elapsedMs,
  };
  console.log(
    `simulator load: ${CALLS} calls placed in ${placedMs} ms, peak ${peak} concurrent, ${answered} answered, ${played} prompts, ` +
      `${ended} ended, RSS ${figures.rss_mb} MB, ${elapsedMs} ms`,
  );
  return figures;
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  console.log(JSON.stringify(await simulatorLoadBenchmark()));
}
