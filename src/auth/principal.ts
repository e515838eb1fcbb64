import type { Role } from '../users/repository.js';

/** Who may call a route: the people's roles, and `integration` for systems holding an API key. */
export type PrincipalRole = Role | 'integration';
export const PRINCIPAL_ROLES: readonly PrincipalRole[] = ['agent', 'supervisor', 'admin', 'integration'];

/** A person logged in through a session, as every REST route and the realtime channel see them. */
export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  /** When the session began, epoch ms. */
  createdAt: number;
  /**
   * Names the session without being it (a digest of the cookie's id): safe to log and to compare with
   * the `sessionRefs` of an ended-sessions event, useless as a credential.
   */
  sessionRef: string;
}

export type Principal = { kind: 'user'; role: Role; user: SessionUser } | { kind: 'integration'; role: 'integration' };
