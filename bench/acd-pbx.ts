/**
 * The PBX simulator of the `acd` benchmark, in a process of its own (as Asterisk would be): the Ringside node under
 * test reaches it over HTTP and WebSocket only, and the bench process does not pay for simulating the phones.
 * Driven over the IPC channel of `fork`: `start` (simulator options) → `ready` (its URL); `place` (calls) → `placed`; `hangup` (these agents hang up their call) → `done`;
 * `stats` → `stats`; `close`. Replies carry the id of their request.
 */
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../src/telephony/simulator/index.js';

export type PbxRequest =
  | { type: 'start'; options: SimulatorOptions }
  | { type: 'place'; calls: Array<{ from: string; to: string }> }
  | { type: 'hangup'; endpoints: string[] }
  | { type: 'stats' }
  | { type: 'close' };

export type PbxReply =
  | { type: 'ready'; url: string }
  | { type: 'placed'; ok: number; failed: number }
  | { type: 'done' }
  | { type: 'stats'; channels: number; bridges: number; rssMb: number }
  | { type: 'error'; message: string };

let simulator: RunningSimulator | undefined;

async function handle(request: PbxRequest): Promise<PbxReply | undefined> {
  switch (request.type) {
    case 'start':
      simulator = await startSimulator(request.options);
      return { type: 'ready', url: simulator.url };
    case 'place': {
      const control = simulator!.control;
      const results = await Promise.allSettled(request.calls.map((call) => control.placeCall(call)));
      const failed = results.filter((result) => result.status === 'rejected').length;
      return { type: 'placed', ok: results.length - failed, failed };
    }
    case 'hangup': {
      const control = simulator!.control;
      // A phone without a call answers 409: nothing to hang up.
      await Promise.allSettled(request.endpoints.map((endpoint) => control.hangupEndpoint(endpoint)));
      return { type: 'done' };
    }
    case 'stats': {
      const { channels, bridges } = simulator!.control.stats();
      return { type: 'stats', channels, bridges, rssMb: Math.round(process.memoryUsage().rss / 2 ** 20) };
    }
    case 'close':
      await simulator?.close();
      process.exit(0);
  }
}

/** Every request carries an id; its reply carries it back. */
process.on('message', (request: PbxRequest & { id: number }) => {
  void handle(request).then(
    (reply) => reply && process.send?.({ ...reply, id: request.id }),
    (error: unknown) => process.send?.({ type: 'error', message: String(error), id: request.id }),
  );
});
// The bench died: nothing else would stop this process.
process.on('disconnect', () => process.exit(0));
