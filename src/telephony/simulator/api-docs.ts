/**
 * The Swagger 1.2 API description ari-client reads at connect, generated from the simulator's route table so that
 * it describes exactly what the simulator implements.
 */
import { eventModels, objectModels } from './models.js';
import type { Model } from './models.js';
import type { ParamSpec, RouteSpec } from './routes/spec.js';

const API_VERSION = '10.0.0';

function describeParam(param: ParamSpec): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    name: param.name,
    description: param.description,
    paramType: param.paramType,
    required: param.required ?? false,
    allowMultiple: param.allowMultiple ?? false,
    dataType: param.dataType,
  };
  if (param.defaultValue !== undefined) doc.defaultValue = param.defaultValue;
  if (param.allowed) doc.allowableValues = { valueType: 'LIST', values: param.allowed };
  if (param.min !== undefined || param.max !== undefined) {
    doc.allowableValues = { valueType: 'RANGE', ...(param.min !== undefined ? { min: param.min } : {}), ...(param.max !== undefined ? { max: param.max } : {}) };
  }
  return doc;
}

export function resourceNames(routes: RouteSpec[]): string[] {
  return [...new Set(routes.map((r) => r.resource))];
}

export function resourceListing(routes: RouteSpec[], basePath: string): Record<string, unknown> {
  return {
    apiVersion: API_VERSION,
    swaggerVersion: '1.1',
    basePath,
    apis: resourceNames(routes).map((name) => ({ path: `/api-docs/${name}.{format}`, description: `${name} resources` })),
  };
}

export function apiDeclaration(routes: RouteSpec[], resource: string, basePath: string): Record<string, unknown> | null {
  const own = routes.filter((r) => r.resource === resource);
  if (own.length === 0) return null;
  const byPath = new Map<string, RouteSpec[]>();
  for (const route of own) byPath.set(route.path, [...(byPath.get(route.path) ?? []), route]);
  const models: Record<string, Model> = {};
  for (const m of resource === 'events' ? eventModels() : objectModels()) models[m.id] = m;
  return {
    apiVersion: API_VERSION,
    swaggerVersion: '1.2',
    basePath,
    resourcePath: `/api-docs/${resource}.{format}`,
    apis: [...byPath].map(([path, specs]) => ({
      path,
      description: specs[0]?.summary ?? '',
      operations: specs.map((spec) => ({
        httpMethod: spec.method,
        summary: spec.summary,
        nickname: spec.nickname,
        responseClass: spec.responseClass,
        ...(spec.upgrade ? { upgrade: spec.upgrade, websocketProtocol: 'ari' } : {}),
        parameters: spec.params.map(describeParam),
        errorResponses: spec.errors.map((e) => ({ code: e.code, reason: e.reason })),
      })),
    })),
    models,
  };
}
