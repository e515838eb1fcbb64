import type { Principal, PrincipalRole } from '../auth/principal.js';

/** Who acted, as the audit log names them. */
export interface Actor {
  /** The user's id; null for a system holding an API key (keys carry no identity). */
  id: number | null;
  username: string;
  role: PrincipalRole;
}

export const API_KEY_ACTOR = 'api-key';

export function actorOf(principal: Principal | null): Actor {
  if (principal?.kind === 'user') return { id: principal.user.id, username: principal.user.username, role: principal.role };
  return { id: null, username: API_KEY_ACTOR, role: 'integration' };
}
