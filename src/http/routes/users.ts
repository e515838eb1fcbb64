import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { SessionAuth, SessionEndReason } from '../../auth/session-auth.js';
import { inTransaction, type Pool } from '../../db/pool.js';
import { notFound } from '../../errors.js';
import { createUser, getUser, listUsers, updateUser } from '../../users/repository.js';
import { User, UserCreate, UserUpdate } from '../../users/schemas.js';

const ErrorRef = Type.Ref('ErrorBody');
const SECURITY = [{ session: [] }];
const ADMINS = ['admin'] as const;
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) });

export interface UserRoutesOptions {
  db: Pool;
  sessions: SessionAuth;
}

/** An admin's user management. Changes that alter what a session may do end the user's sessions. */
export function registerUserRoutes(parent: FastifyInstance, { db, sessions }: UserRoutesOptions): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/users',
    { config: { roles: ADMINS }, schema: { tags: ['users'], summary: 'Every user', security: SECURITY, response: { 200: Type.Object({ users: Type.Array(User) }) } } },
    async () => ({ users: await listUsers(db) }),
  );

  app.post(
    '/users',
    {
      config: { roles: ADMINS },
      schema: { tags: ['users'], summary: 'Create a user (agent, supervisor or admin) with a password', security: SECURITY, body: UserCreate, response: { 201: User, 400: ErrorRef, 409: ErrorRef } },
    },
    async (request, reply) => {
      const user = await inTransaction(db, (client) => createUser(client, request.body));
      request.log.info({ userId: user.id, role: user.role }, 'user created');
      return reply.status(201).header('location', `/api/users/${user.id}`).send(user);
    },
  );

  app.patch(
    '/users/:id',
    {
      config: { roles: ADMINS },
      schema: {
        tags: ['users'],
        summary: 'Change a user: name, role, phone, password, or deactivate (active: false)',
        description: 'Deactivating, changing the role or the password ends every session of the user.',
        security: SECURITY,
        params: IdParams,
        body: UserUpdate,
        response: { 200: User, 400: ErrorRef, 404: ErrorRef },
      },
    },
    async (request) => {
      const before = await getUser(db, request.params.id);
      if (!before) throw notFound(`user ${request.params.id}`);
      const user = await updateUser(db, request.params.id, request.body);
      if (!user) throw notFound(`user ${request.params.id}`);
      const reason: SessionEndReason | null =
        before.active && !user.active ? 'deactivated' : before.role !== user.role ? 'role_changed' : request.body.password !== undefined ? 'password_changed' : null;
      if (reason) await sessions.endAllOf(user.id, reason);
      request.log.info({ userId: user.id, changed: Object.keys(request.body) }, 'user changed');
      return user;
    },
  );
}
