import type { Queryable } from '../db/queryable.js';
import { RingsideError } from '../errors.js';

/**
 * The phone a supervisor listens on: the one given in the request, else their user's default endpoint.
 * The endpoint's form is checked by the route's schema (the same as users' endpoints).
 */
export async function supervisorPhone(db: Queryable, userId: number, requested: string | undefined, agentEndpoint: string | undefined): Promise<string> {
  let endpoint = requested;
  if (endpoint === undefined) {
    const { rows } = await db.query<{ default_endpoint: string | null }>('SELECT default_endpoint FROM users WHERE id = $1', [userId]);
    endpoint = rows[0]?.default_endpoint ?? undefined;
  }
  if (endpoint === undefined) throw new RingsideError('no_endpoint', 'you have no phone: give `endpoint` or set your user\'s defaultEndpoint', 400);
  // Ringing the agent's own phone would take it off the call it is on.
  if (agentEndpoint !== undefined && endpoint.toLowerCase() === agentEndpoint.toLowerCase()) {
    throw new RingsideError('invalid_endpoint', 'that is the agent\'s own phone', 400);
  }
  return endpoint;
}
