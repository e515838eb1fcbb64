/** Matches ARI requests to routes and turns query / path / body values into typed parameters, per the route table. */
import { AriError } from './routes/spec.js';
import type { Params, ParamSpec, ParamValue, RouteSpec } from './routes/spec.js';

interface CompiledRoute {
  spec: RouteSpec;
  pattern: RegExp;
  names: string[];
}

export type Match = { spec: RouteSpec; pathParams: Record<string, string> } | { status: 404 | 405 };

export class Router {
  private readonly compiled: CompiledRoute[];

  constructor(readonly routes: RouteSpec[]) {
    this.compiled = routes.map((spec) => {
      const names: string[] = [];
      const source = spec.path
        .split('/')
        .map((segment) => {
          const param = /^\{(\w+)\}$/.exec(segment);
          if (!param?.[1]) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(param[1]);
          return '([^/]+)';
        })
        .join('/');
      return { spec, pattern: new RegExp(`^${source}$`), names };
    });
  }

  match(method: string, path: string): Match {
    let pathMatched = false;
    for (const route of this.compiled) {
      const found = route.pattern.exec(path);
      if (!found) continue;
      pathMatched = true;
      if (route.spec.method !== method) continue;
      const pathParams: Record<string, string> = {};
      route.names.forEach((name, index) => {
        pathParams[name] = safeDecode(found[index + 1] ?? '');
      });
      return { spec: route.spec, pathParams };
    }
    return { status: pathMatched ? 405 : 404 };
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function rawValue(spec: ParamSpec, pathParams: Record<string, string>, query: URLSearchParams, body: Record<string, unknown> | null): unknown {
  if (spec.paramType === 'path') return pathParams[spec.name];
  if (spec.paramType === 'body') {
    if (!body) return undefined;
    // ari-client wraps variables as {"variables": {...}}; a bare object of strings is accepted too.
    return body[spec.name] ?? undefined;
  }
  // ARI also takes query parameters from a JSON body object; the query string wins.
  const fromQuery = query.getAll(spec.name);
  if (fromQuery.length > 0) return fromQuery.join(',');
  const fromBody = body?.[spec.name];
  if (fromBody === undefined || fromBody === null) return undefined;
  if (Array.isArray(fromBody)) return fromBody.map(String).join(',');
  if (typeof fromBody === 'string' || typeof fromBody === 'number' || typeof fromBody === 'boolean') return String(fromBody);
  return undefined;
}

function convert(spec: ParamSpec, raw: unknown): ParamValue {
  const invalid = (why: string): AriError => new AriError(400, spec.invalidMessage ?? `${spec.name}: ${why}`);
  if (spec.dataType === 'containers') {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid('must be a JSON object');
    const result: Record<string, string> = {};
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
      if (typeof value === 'object' && value !== null) throw invalid(`value of ${key} must be a string`);
      result[key] = String(value);
    }
    return result;
  }
  const text = String(raw);
  if (spec.dataType === 'int' || spec.dataType === 'long') {
    if (!/^-?\d+$/.test(text.trim())) throw invalid('must be an integer');
    const value = Number(text.trim());
    if (spec.min !== undefined && value < spec.min) throw invalid(`must be at least ${spec.min}`);
    if (spec.max !== undefined && value > spec.max) throw invalid(`must be at most ${spec.max}`);
    return value;
  }
  if (spec.dataType === 'boolean') {
    if (text === 'true') return true;
    if (text === 'false') return false;
    throw invalid('must be true or false');
  }
  if (spec.allowMultiple) {
    const values = text.split(',').map((v) => v.trim()).filter((v) => v !== '');
    if (spec.allowed) for (const v of values) if (!spec.allowed.includes(v)) throw invalid(`${v} is not one of ${spec.allowed.join(', ')}`);
    return values;
  }
  if (spec.allowed && !spec.allowed.includes(text)) throw invalid(`must be one of ${spec.allowed.join(', ')}`);
  return text;
}

/** Validates every declared parameter; undeclared query parameters are ignored, as Asterisk does. */
export function readParams(spec: RouteSpec, pathParams: Record<string, string>, query: URLSearchParams, body: unknown): Params {
  const bodyObject = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
  const params: Params = {};
  for (const param of spec.params) {
    const raw = rawValue(param, pathParams, query, bodyObject);
    if (raw === undefined || raw === '') {
      if (param.required) throw new AriError(400, param.missingMessage ?? `Missing parameter ${param.name}`);
      continue;
    }
    params[param.name] = convert(param, raw);
  }
  return params;
}
