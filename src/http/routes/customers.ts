import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { CountryCode } from 'libphonenumber-js/max';
import type { Pool } from '../../db/pool.js';
import { inTransaction } from '../../db/pool.js';
import { notFound } from '../../errors.js';
import { lookupCaller } from '../../customers/lookup.js';
import { createCustomer, getCustomer, searchCustomers, updateCustomer } from '../../customers/repository.js';
import { CallerLookup, Customer, CustomerCreate, CustomerUpdate } from '../../customers/schemas.js';
import type { RingsideMetrics } from '../../metrics/registry.js';

const ErrorRef = Type.Ref('ErrorBody');
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) });
const SECURITY: Array<Record<string, string[]>> = [{ session: [] }, { apiKey: [] }];
/** Agents create and edit customers during calls (the screen-pop's "new customer" form, corrections). */
const CRM_USERS = ['agent', 'supervisor', 'admin', 'integration'] as const;

export interface CustomerRoutesOptions {
  db: Pool;
  region: CountryCode;
  metrics: RingsideMetrics;
}

export function registerCustomerRoutes(parent: FastifyInstance, { db, region, metrics }: CustomerRoutesOptions): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/customers',
    {
      config: { roles: CRM_USERS },
      schema: {
        tags: ['customers'],
        summary: 'Create a customer with their phone numbers',
        security: SECURITY,
        body: CustomerCreate,
        response: { 201: Customer, 400: ErrorRef, 409: ErrorRef },
      },
    },
    async (request, reply) => {
      const customer = await inTransaction(db, (client) => createCustomer(client, request.body, region));
      return reply.status(201).header('location', `/api/customers/${customer.id}`).send(customer);
    },
  );

  app.get(
    '/customers/:id',
    {
      config: { roles: CRM_USERS },
      schema: {
        tags: ['customers'],
        summary: 'Read one customer',
        security: SECURITY,
        params: IdParams,
        response: { 200: Customer, 404: ErrorRef },
      },
    },
    async (request) => {
      const customer = await getCustomer(db, request.params.id);
      if (!customer) throw notFound(`customer ${request.params.id}`);
      return customer;
    },
  );

  app.patch(
    '/customers/:id',
    {
      config: { roles: CRM_USERS },
      schema: {
        tags: ['customers'],
        summary: 'Change some fields of a customer; `phones`, when given, replaces all numbers',
        security: SECURITY,
        params: IdParams,
        body: CustomerUpdate,
        response: { 200: Customer, 400: ErrorRef, 404: ErrorRef, 409: ErrorRef },
      },
    },
    async (request) => {
      const customer = await inTransaction(db, (client) => updateCustomer(client, request.params.id, request.body, region));
      if (!customer) throw notFound(`customer ${request.params.id}`);
      return customer;
    },
  );

  app.get(
    '/customers',
    {
      config: { roles: CRM_USERS },
      schema: {
        tags: ['customers'],
        summary: 'Search by name or company prefix, phone number (any format) or external id',
        security: SECURITY,
        querystring: Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            phone: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
            externalId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
            limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
            offset: Type.Integer({ minimum: 0, maximum: 10_000, default: 0 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ customers: Type.Array(Customer) }), 400: ErrorRef },
      },
    },
    async (request) => ({ customers: await searchCustomers(db, request.query, region) }),
  );

  app.get(
    '/caller-lookup',
    {
      config: { roles: CRM_USERS },
      schema: {
        tags: ['customers'],
        summary: 'Who is calling: the customers owning a caller ID, with what a screen-pop shows',
        description: 'Withheld, malformed or unknown numbers answer match "none"; never an error.',
        security: SECURITY,
        querystring: Type.Object({ callerId: Type.String({ maxLength: 200 }) }, { additionalProperties: false }),
        response: { 200: CallerLookup, 400: ErrorRef },
      },
    },
    async (request) => {
      const stopTimer = metrics.callerLookupSeconds.startTimer();
      const result = await lookupCaller(db, request.query.callerId, region);
      stopTimer();
      metrics.callerLookups.inc({ result: result.callerIdKind === 'valid' ? result.match : result.callerIdKind });
      return result;
    },
  );
}
