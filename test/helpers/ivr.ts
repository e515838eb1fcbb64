import type { Test } from 'tap';
import { CallRegistry } from '../../src/calls/call-registry.js';
import { CallStore } from '../../src/calls/call-store.js';
import { InteractionRecorder } from '../../src/interactions/interaction-recorder.js';
import { HoldingHandoff } from '../../src/ivr/holding-handoff.js';
import { IvrCallFlow } from '../../src/ivr/ivr-call-flow.js';
import type { Flow } from '../../src/ivr/schema.js';
import type { QueueHandoff } from '../../src/ivr/context.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { capturedLogger } from './logs.js';
import { createTestRedis } from './redis.js';
import { startTelephonyRig, type TelephonyRig } from './telephony.js';
import type { SimulatorOptions } from '../../src/telephony/simulator/index.js';

export interface IvrRig extends TelephonyRig {
  db: TestDatabase;
  calls: CallRegistry;
  ivr: IvrCallFlow;
  recorder: InteractionRecorder;
  lines: string[];
  interaction: (callId: string) => Promise<InteractionRow>;
  /** Waits until the interaction of a call is closed, then returns it. */
  closed: (callId: string) => Promise<InteractionRow>;
}

export interface InteractionRow {
  outcome: string | null;
  outcome_detail: string | null;
  ivr_path: Array<{ step: string; type: string; input?: string; result?: string; ms?: number }>;
  queue: string | null;
  attributes: Record<string, unknown>;
  customer_id: number | null;
  recording: string | null;
  flow: string | null;
  ended_at: Date | null;
}

/** Flows for tests, keyed by name; the first one named default handles every number it does not claim. */
export function flowSource(flows: Flow[]) {
  return () => ({
    flowFor: (dialled: string) => flows.find((flow) => flow.numbers?.includes(dialled)) ?? flows.find((flow) => flow.default) ?? flows[0]!,
    byName: (name: string) => flows.find((flow) => flow.name === name),
  });
}

/** Simulator + ARI adapter + call registry running the IVR, on a database and Redis prefix of the test's own. */
export async function startIvrRig(t: Test, flows: Flow[], options: SimulatorOptions & { now?: () => Date; handoff?: QueueHandoff } = {}): Promise<IvrRig> {
  const { now, handoff, ...simulatorOptions } = options;
  const rig = await startTelephonyRig(t, { timeScale: 0.1, ...simulatorOptions });
  const db = await createTestDatabase(t, { poolSize: 10 });
  const { redis } = await createTestRedis(t);
  const { logger, lines } = capturedLogger([], 'info');
  const recorder = new InteractionRecorder(db.pool, logger);
  const ivr = new IvrCallFlow({
    flows: flowSource(flows),
    db: db.pool,
    region: 'CN',
    recorder,
    handoff: handoff ?? new HoldingHandoff(),
    transferContext: 'ringside-transfer',
    ...(now ? { now } : {}),
  });
  const calls = new CallRegistry({ telephony: rig.telephony, store: new CallStore(redis, 'ringside', 'test'), flow: ivr, fallback: { context: 'ringside-down' }, logger });
  t.teardown(() => recorder.settled());
  const interaction = async (callId: string): Promise<InteractionRow> => {
    await recorder.settled();
    const { rows } = await db.pool.query<InteractionRow>('SELECT * FROM interactions WHERE call_id = $1', [callId]);
    return rows[0]!;
  };
  const closed = async (callId: string): Promise<InteractionRow> => {
    let row: InteractionRow | undefined;
    const deadline = Date.now() + 15_000;
    for (;;) {
      row = await interaction(callId);
      if ((row && row.ended_at !== null) || Date.now() > deadline) return row;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  return { ...rig, db, calls, ivr, recorder, lines, interaction, closed };
}
