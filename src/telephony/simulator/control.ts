/** The test-facing control surface: what the phones around the PBX do. */
import { parseScenario } from './scenario.js';
import type { ScenarioStep } from './scenario.js';
import type { Pbx } from './pbx.js';
import {
  answerOriginated,
  channelsOfEndpoint,
  endpointBehaviour,
  originateRequests,
  phoneHangup,
  phoneHold,
  placeCall,
  pressKeys,
  validateBehaviour,
  validateEndpointName,
} from './phones.js';
import type { EndpointBehaviour, PlaceCallRequest, SimulatorControl } from './types.js';
import { SimulatorError } from './types.js';

const SCENARIO_OWNER = 'scenario';

/** Runs fn as a promise so bad input rejects instead of throwing at the caller. */
const later = (fn: () => void): Promise<void> => Promise.resolve().then(fn);

export function createControl(pbx: Pbx, dropSockets: (app?: string) => void): SimulatorControl {
  const control: SimulatorControl = {
    placeCall: (request: PlaceCallRequest) => Promise.resolve().then(() => placeCall(pbx, request)),

    pressKeys: (channelId, digits, intervalMs) => pressKeys(pbx, channelId, digits, intervalMs),

    hangup: (channelId) => later(() => phoneHangup(pbx, pbx.requireChannel(channelId))),

    callState: (channelId) => pbx.callState(channelId),

    setEndpoint(endpoint: string, behaviour: EndpointBehaviour) {
      pbx.endpoints.set(validateEndpointName(endpoint), validateBehaviour(behaviour));
    },

    answerEndpoint: (endpoint) => later(() => {
      const ringing = channelsOfEndpoint(pbx, validateEndpointName(endpoint)).find((c) => c.ringing);
      if (!ringing) throw new SimulatorError(`${endpoint} is not ringing`, 409);
      answerOriginated(pbx, ringing, originateRequests.get(ringing) ?? { app: null, appArgs: '' }, endpointBehaviour(pbx, endpoint));
    }),

    hangupEndpoint: (endpoint) => later(() => {
      const active = channelsOfEndpoint(pbx, validateEndpointName(endpoint));
      const current = active.find((c) => c.state === 'Up') ?? active[0];
      if (!current) throw new SimulatorError(`${endpoint} has no call`, 409);
      phoneHangup(pbx, current);
    }),

    dropConnections: (app) => dropSockets(app),

    runScenario: (text) => later(() => {
      const lines = parseScenario(text);
      const calls = new Map<string, string>();
      for (const { at, step } of lines) {
        pbx.scheduler.after(SCENARIO_OWNER, at * 1000, () => {
          void runStep(step, calls).catch(() => undefined);
        });
      }
    }),

    dialsTo: (endpoint) => pbx.dials.get(endpoint) ?? 0,
    stats: () => ({ channels: pbx.channels.size, bridges: pbx.bridges.size, connectedApps: pbx.apps.connectedNames() }),
  };

  async function runStep(step: ScenarioStep, calls: Map<string, string>): Promise<void> {
    const channelOf = (name: string): string | undefined => calls.get(name);
    switch (step.kind) {
      case 'call': {
        const placed = await control.placeCall({ from: step.from, to: step.to, ...(step.fromName !== undefined ? { fromName: step.fromName } : {}) });
        if (step.as) calls.set(step.as, placed.channelId);
        return;
      }
      case 'press': {
        const id = channelOf(step.call);
        if (id && pbx.channels.has(id)) await control.pressKeys(id, step.digits);
        return;
      }
      case 'hangup': {
        const id = channelOf(step.call);
        const channel = id ? pbx.channels.get(id) : undefined;
        if (channel) phoneHangup(pbx, channel);
        return;
      }
      case 'hold':
      case 'unhold': {
        const id = channelOf(step.call);
        const channel = id ? pbx.channels.get(id) : undefined;
        if (channel) phoneHold(pbx, channel, step.kind === 'hold');
        return;
      }
      case 'endpoint':
        control.setEndpoint(step.endpoint, step.behaviour);
        return;
      case 'answer-endpoint':
        return control.answerEndpoint(step.endpoint);
      case 'hangup-endpoint':
        return control.hangupEndpoint(step.endpoint);
      case 'drop':
        control.dropConnections(step.app);
        return;
    }
  }

  return control;
}
