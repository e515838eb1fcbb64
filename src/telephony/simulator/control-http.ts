/** The control operations over HTTP (JSON) under /simulator/…; bad input gets a 400 with the reason. */
import type { SimulatorControl } from './types.js';
import { SimulatorError } from './types.js';

export interface ControlReply {
  status: number;
  body?: unknown;
}

function object(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new SimulatorError('request body must be a JSON object');
  return body as Record<string, unknown>;
}

export async function handleControl(control: SimulatorControl, method: string, path: string, url: URL, body: unknown, rawBody: string): Promise<ControlReply> {
  const parts = path
    .split('/')
    .filter((p) => p !== '')
    .slice(1)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        throw new SimulatorError(`bad URL encoding in ${path}`);
      }
    });
  const [first, second, third, fourth] = parts;

  if (first === 'stats' && parts.length === 1 && method === 'GET') return { status: 200, body: control.stats() };
  if (first === 'dials' && parts.length === 2 && method === 'GET') return { status: 200, body: { endpoint: second, dials: control.dialsTo(second!) } };

  if (first === 'calls') {
    if (parts.length === 1 && method === 'POST') {
      const placed = await control.placeCall(object(body) as never);
      return { status: 201, body: placed };
    }
    if (second !== undefined && parts.length === 2 && method === 'GET') {
      const state = control.callState(second);
      return state ? { status: 200, body: state } : { status: 404, body: { message: `no call ${second}` } };
    }
    if (second !== undefined && third === 'dtmf' && parts.length === 3 && method === 'POST') {
      const request = object(body);
      const interval = request.intervalMs;
      if (interval !== undefined && typeof interval !== 'number') throw new SimulatorError('intervalMs must be a number');
      await control.pressKeys(second, request.digits as string, interval);
      return { status: 204 };
    }
    if (second !== undefined && third === 'hangup' && parts.length === 3 && method === 'POST') {
      await control.hangup(second);
      return { status: 204 };
    }
  }

  if (first === 'endpoints' && second !== undefined && third !== undefined) {
    const endpoint = `${second}/${third}`;
    if (parts.length === 3 && method === 'PUT') {
      control.setEndpoint(endpoint, object(body) as never);
      return { status: 204 };
    }
    if (parts.length === 4 && method === 'POST' && fourth === 'answer') {
      await control.answerEndpoint(endpoint);
      return { status: 204 };
    }
    if (parts.length === 4 && method === 'POST' && fourth === 'hangup') {
      await control.hangupEndpoint(endpoint);
      return { status: 204 };
    }
  }

  if (first === 'scenarios' && parts.length === 1 && method === 'POST') {
    const text = typeof body === 'object' && body !== null && typeof (body as { text?: unknown }).text === 'string' ? (body as { text: string }).text : rawBody;
    await control.runScenario(text);
    return { status: 202, body: { scheduled: true } };
  }

  if (first === 'drop-connections' && parts.length === 1 && method === 'POST') {
    const fromBody = typeof body === 'object' && body !== null ? (body as { app?: unknown }).app : undefined;
    const app = url.searchParams.get('app') ?? (typeof fromBody === 'string' ? fromBody : undefined);
    control.dropConnections(app ?? undefined);
    return { status: 204 };
  }

  return { status: 404, body: { message: `no simulator control operation ${method} ${path}` } };
}
