import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { RingsideError } from '../errors.js';
import type { Principal, PrincipalRole } from './principal.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Open to anyone without credentials: operations endpoints, the API docs, the login itself. */
    public?: boolean;
    /** Who may call the route. A route that declares neither `public` nor `roles` is refused to everyone. */
    roles?: readonly PrincipalRole[];
    /** With `agent` among the roles: an agent passes only when this path parameter is their own user id. */
    agentSelfParam?: string;
  }
  interface FastifyRequest {
    /** Who is calling; set on every route that is not public, before validation and the handler. */
    principal: Principal | null;
  }
}

export interface RouteAccess {
  method: string;
  url: string;
  public: boolean;
  roles: readonly PrincipalRole[] | undefined;
  agentSelfParam: string | undefined;
}

/** Routes added by plugins whose options cannot carry our config (swagger-ui's pages and assets). */
const PUBLIC_PREFIXES = ['/docs'];

const forbidden = (message: string): RingsideError => new RingsideError('forbidden', message, 403);
export const unauthorized = (message: string): RingsideError => new RingsideError('unauthorized', message, 401);

/**
 * Notes each route's declared access as it is registered (the role-matrix test walks this list), opens
 * the docs, and writes the roles into the OpenAPI description. Must be added before any route.
 */
export function recordRouteAccess(app: FastifyInstance): RouteAccess[] {
  const routes: RouteAccess[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    if (PUBLIC_PREFIXES.some((prefix) => route.url === prefix || route.url.startsWith(`${prefix}/`))) {
      route.config = { ...route.config, public: true };
    }
    const config = route.config ?? {};
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      routes.push({ method, url: route.url, public: config.public === true, roles: config.roles, agentSelfParam: config.agentSelfParam });
    }
    if (route.schema && config.roles) {
      const who = `Roles: ${config.roles.join(', ')}${config.agentSelfParam ? ` (an agent only for their own ${config.agentSelfParam})` : ''}.`;
      route.schema = { ...route.schema, description: route.schema.description ? `${route.schema.description}\n\n${who}` : who };
    }
  });
  return routes;
}

/**
 * The onRequest guard of every route: public routes pass; others need a principal (session or API key)
 * whose role the route lists. Fails closed: a route without a declaration is refused, so one forgotten
 * is caught (the role-matrix test lists every route). Unknown paths pass on to the 404 answer.
 */
export function accessGuard(identify: (request: FastifyRequest) => Promise<Principal | null>) {
  return async (request: FastifyRequest): Promise<void> => {
    if (request.is404) return;
    const { public: isPublic, roles, agentSelfParam, url } = request.routeOptions.config;
    if (isPublic === true) return;
    const principal = await identify(request);
    if (!principal) throw unauthorized('log in (POST /api/auth/login) or send an API key (Authorization: Bearer <key>)');
    request.principal = principal;
    if (!roles) throw forbidden(`${request.method} ${url} declares no roles, so nobody may call it`);
    if (!roles.includes(principal.role)) throw forbidden(`the ${principal.role} role may not call ${request.method} ${url}`);
    if (principal.kind === 'user' && principal.role === 'agent' && agentSelfParam !== undefined) {
      const params = request.params as Record<string, string | undefined>;
      if (params[agentSelfParam] !== String(principal.user.id)) throw forbidden(`an agent may call ${request.method} ${url} for themselves only`);
    }
  };
}
