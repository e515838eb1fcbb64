import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { CountryCode } from 'libphonenumber-js/max';
import { Type } from 'typebox';
import { actorOf } from '../../audit/actor.js';
import { Campaigns, MAX_CONTACTS } from '../../callbacks/campaigns.js';
import type { Pool } from '../../db/pool.js';
import { QueueName } from '../../routing/schema.js';
import type { AcdService } from '../../telephony/telephony-service.js';

const ErrorRef = Type.Ref('ErrorBody');
const SECURITY: Array<Record<string, string[]>> = [{ session: [] }, { apiKey: [] }];
const SUPERVISION = ['supervisor', 'admin', 'integration'] as const;
const CampaignId = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) });

const CampaignBody = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' }),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    queue: QueueName,
    list: Type.Object(
      {
        query: Type.Optional(
          Type.Object(
            {
              tier: Type.Optional(Type.Array(Type.Union(['platinum', 'gold', 'silver', 'bronze', 'standard'].map((tier) => Type.Literal(tier))), { minItems: 1, maxItems: 5 })),
              segment: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
              language: Type.Optional(Type.String({ minLength: 2, maxLength: 20 })),
              limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_CONTACTS })),
            },
            { additionalProperties: false },
          ),
        ),
        customerIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: MAX_CONTACTS })),
        csv: Type.Optional(Type.String({ minLength: 1, description: 'a header line, then rows with external_id or phone' })),
      },
      { additionalProperties: false },
    ),
    maxAttempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
    start: Type.Optional(Type.Boolean({ description: 'false: created paused' })),
  },
  { additionalProperties: false },
);

const CampaignView = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  description: Type.String(),
  queue: Type.String(),
  status: Type.Union([Type.Literal('running'), Type.Literal('paused'), Type.Literal('finished')]),
  contacts: Type.Integer(),
  skipped: Type.Record(Type.String(), Type.Integer()),
  createdBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  progress: Type.Record(Type.String(), Type.Integer(), { description: 'contacts by callback status' }),
});

/** Outbound campaigns: create from a saved query, customer ids or a CSV; watch their progress; pause and resume. */
export function registerCampaignRoutes(parent: FastifyInstance, { db, acd, region }: { db: Pool; acd: AcdService; region: CountryCode }): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const campaigns = new Campaigns({ pool: db, region, queue: (name) => acd.rules().queue(name), feed: (id) => acd.callbacks.feedCampaign(id) });

  app.post(
    '/campaigns',
    {
      config: { roles: SUPERVISION },
      schema: {
        tags: ['callbacks'],
        summary: 'Create an outbound campaign: its list is dialled progressively by the queue\'s agents',
        description: 'Customers flagged do-not-call, numbers on the DNC list, rows without a usable number and duplicates are left out and counted in `skipped`. 409 `conflict` for a name in use.',
        security: SECURITY,
        body: CampaignBody,
        response: { 201: CampaignView, 400: ErrorRef, 409: ErrorRef },
      },
    },
    async (request, reply) => reply.code(201).send(await campaigns.create({ ...request.body, createdBy: actorOf(request.principal).username })),
  );

  app.get(
    '/campaigns',
    { config: { roles: SUPERVISION }, schema: { tags: ['callbacks'], summary: 'Campaigns, newest first, with their progress', security: SECURITY, response: { 200: Type.Array(CampaignView) } } },
    async () => campaigns.list(),
  );

  app.get(
    '/campaigns/:id',
    { config: { roles: SUPERVISION }, schema: { tags: ['callbacks'], summary: 'One campaign and its progress', security: SECURITY, params: CampaignId, response: { 200: CampaignView, 404: ErrorRef } } },
    async (request) => campaigns.get(request.params.id),
  );

  for (const [action, running] of [['pause', false], ['resume', true]] as const) {
    app.post(
      `/campaigns/:id/${action}`,
      {
        config: { roles: SUPERVISION },
        schema: { tags: ['callbacks'], summary: running ? 'Resume a paused campaign' : 'Pause a campaign: no new contact is dialled', security: SECURITY, params: CampaignId, response: { 200: CampaignView, 404: ErrorRef, 409: ErrorRef } },
      },
      async (request) => campaigns.setRunning(request.params.id, running),
    );
  }
}
