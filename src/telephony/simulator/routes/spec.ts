/** The shape of one ARI route: everything the router validates and the API description publishes comes from here. */
import type { Pbx } from '../pbx.js';

export type DataType = 'string' | 'int' | 'long' | 'boolean' | 'containers';

export interface ParamSpec {
  name: string;
  paramType: 'path' | 'query' | 'body';
  dataType: DataType;
  description: string;
  required?: boolean;
  /** comma-separated list of values */
  allowMultiple?: boolean;
  allowed?: string[];
  defaultValue?: string | number | boolean;
  min?: number;
  max?: number;
  /** Asterisk's own wording when this parameter is missing or has a bad value */
  missingMessage?: string;
  invalidMessage?: string;
}

export interface ErrorSpec {
  code: number;
  reason: string;
}

export type ParamValue = string | number | boolean | string[] | Record<string, string>;
export type Params = Record<string, ParamValue | undefined>;

export interface Reply {
  status: number;
  body?: unknown;
  /** work that must happen after the response is written (events Asterisk raises just after answering) */
  after?: () => void;
}

export interface RouteSpec {
  resource: string;
  path: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  nickname: string;
  summary: string;
  responseClass: string;
  params: ParamSpec[];
  errors: ErrorSpec[];
  upgrade?: 'websocket';
  handle(pbx: Pbx, params: Params): Reply;
}

/** An error response; `key` is "error" only for the originate allocation failures, like Asterisk. */
export class AriError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly key: 'message' | 'error' = 'message',
  ) {
    super(message);
  }
}

export const str = (p: Params, name: string): string | undefined => {
  const v = p[name];
  return typeof v === 'string' ? v : undefined;
};
export const num = (p: Params, name: string): number | undefined => {
  const v = p[name];
  return typeof v === 'number' ? v : undefined;
};
export const bool = (p: Params, name: string): boolean | undefined => {
  const v = p[name];
  return typeof v === 'boolean' ? v : undefined;
};
export const list = (p: Params, name: string): string[] | undefined => {
  const v = p[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : undefined;
};
export const container = (p: Params, name: string): Record<string, string> => {
  const v = p[name];
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {};
};

/** Shorthands that keep the route tables readable. */
export const pathParam = (name: string, description: string): ParamSpec => ({ name, paramType: 'path', dataType: 'string', required: true, description });
export const query = (name: string, dataType: DataType, description: string, extra: Partial<ParamSpec> = {}): ParamSpec => ({
  name,
  paramType: 'query',
  dataType,
  description,
  ...extra,
});
export const noContent = (after?: () => void): Reply => (after ? { status: 204, after } : { status: 204 });
