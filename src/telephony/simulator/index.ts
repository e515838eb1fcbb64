/**
 * PBX simulator: speaks Asterisk 22's ARI (REST under /ari, events on /ari/events) so Ringside can be built and tested
 * without Asterisk. Control of the simulated phones: the `control` object, or HTTP under /simulator (see README.md).
 */
import { startSimulatorInternal } from './server.js';
import type { RunningSimulator, SimulatorOptions } from './types.js';

export type {
  CallerAction,
  CallState,
  EndpointBehaviour,
  PlaceCallRequest,
  PlacedCall,
  RunningSimulator,
  SimulatorControl,
  SimulatorOptions,
  SnoopDirection,
  SnoopState,
} from './types.js';
export { SimulatorError } from './types.js';
export { ManualClock, realClock } from './clock.js';
export type { SimulatorClock } from './clock.js';

export async function startSimulator(options?: SimulatorOptions): Promise<RunningSimulator> {
  const running = await startSimulatorInternal(options);
  return { url: running.url, control: running.control, close: () => running.close() };
}
