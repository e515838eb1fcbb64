import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Pool } from '../../db/pool.js';
import { toCsv, type CsvColumn } from '../../reports/csv.js';
import { searchInteractions } from '../../reports/interaction-search.js';
import { agentIntervalReport, queueIntervalReport, type QueueThreshold } from '../../reports/interval-report.js';
import type { Logger } from '../../logging/logger.js';
import { ReportRollup } from '../../reports/report-rollup.js';
import { AGENT_REPORT_COLUMNS, csvRowsOf, INTERACTION_COLUMNS, QUEUE_REPORT_COLUMNS } from '../../reports/report-csv.js';
import { parseRange, parseReportRange } from '../../reports/report-range.js';
import { AgentReport, AgentReportQuery, InteractionPage, InteractionQuery, QueueReport, QueueReportQuery } from '../../reports/schemas.js';

const ErrorRef = Type.Ref('ErrorBody');
const SECURITY: Array<Record<string, string[]>> = [{ session: [] }, { apiKey: [] }];
const SUPERVISION = ['supervisor', 'admin', 'integration'] as const;
const CSV_NOTE = 'JSON, or CSV with a header line when `format=csv` or `Accept: text/csv`.';

export interface ReportRoutesOptions {
  db: Pool;
  logger: Logger;
  timezone: string;
  /** The routing rules' queues as loaded now: their service-level thresholds. */
  queues: () => readonly QueueThreshold[];
}

/** `format` wins over the Accept header, so a link in a browser can ask for the file. */
function wantsCsv(request: FastifyRequest<{ Querystring: { format?: 'json' | 'csv' | undefined } }>): boolean {
  if (request.query.format !== undefined) return request.query.format === 'csv';
  return /\btext\/csv\b/i.test(request.headers.accept ?? '');
}

function sendCsv<Row>(reply: FastifyReply, filename: string, columns: ReadonlyArray<CsvColumn<Row>>, rows: readonly Row[]): FastifyReply {
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .send(toCsv(columns, rows));
}

/** Local dates in file names: what the supervisor asked for, not UTC. */
const fileStamp = (value: string): string => value.replace(/[^0-9A-Za-z-]+/g, '');

export function registerReportRoutes(parent: FastifyInstance, { db, logger, timezone, queues }: ReportRoutesOptions): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const rollup = new ReportRollup(db, logger);
  app.addHook('onReady', (done) => {
    rollup.start(queues);
    done();
  });
  app.addHook('onClose', async () => rollup.stop());

  app.get(
    '/reports/queues',
    {
      config: { roles: SUPERVISION },
      schema: {
        tags: ['reports'],
        summary: 'Per queue and interval (15, 30, 60 minutes): offered, answered, abandoned, SL %, ASA, AHT, longest wait',
        description: `In CENTER_TIMEZONE; ranges up to 31 / 62 / 92 days for 15 / 30 / 60-minute intervals (400 \`range_too_long\`). ${CSV_NOTE}`,
        security: SECURITY,
        querystring: QueueReportQuery,
        response: { 200: QueueReport, 400: ErrorRef },
      },
    },
    async (request, reply) => {
      const { from, to, interval, queue } = request.query;
      const range = parseReportRange({ from, to }, interval, timezone);
      const report = await queueIntervalReport(db, { ...range, intervalMinutes: interval, timezone, thresholds: queues(), ...(queue !== undefined ? { queue } : {}) }, rollup);
      if (!wantsCsv(request)) return report;
      return sendCsv(reply, `queues_${fileStamp(from)}_${fileStamp(to)}_${interval}min.csv`, QUEUE_REPORT_COLUMNS, csvRowsOf(report));
    },
  );

  app.get(
    '/reports/agents',
    {
      config: { roles: SUPERVISION },
      schema: {
        tags: ['reports'],
        summary: 'Per agent and interval: calls offered to them, answered, abandoned while ringing, SL %, ASA, AHT, longest wait',
        description: `Each call counts for the agent it was last offered to or answered by, against its own queue's threshold. ${CSV_NOTE}`,
        security: SECURITY,
        querystring: AgentReportQuery,
        response: { 200: AgentReport, 400: ErrorRef },
      },
    },
    async (request, reply) => {
      const { from, to, interval, agentId } = request.query;
      const range = parseReportRange({ from, to }, interval, timezone);
      const report = await agentIntervalReport(db, { ...range, intervalMinutes: interval, timezone, thresholds: queues(), ...(agentId !== undefined ? { agentId } : {}) }, rollup);
      if (!wantsCsv(request)) return report;
      return sendCsv(reply, `agents_${fileStamp(from)}_${fileStamp(to)}_${interval}min.csv`, AGENT_REPORT_COLUMNS, csvRowsOf(report));
    },
  );

  app.get(
    '/interactions',
    {
      config: { roles: SUPERVISION },
      schema: {
        tags: ['reports'],
        summary: 'Search calls by customer, agent, queue, outcome and arrival time, newest first',
        description: `Pages of \`limit\` (at most 1000); \`nextCursor\` asks for the next, older page (in CSV: the \`x-next-cursor\` header). ${CSV_NOTE}`,
        security: SECURITY,
        querystring: InteractionQuery,
        response: { 200: InteractionPage, 400: ErrorRef },
      },
    },
    async (request, reply) => {
      const { customerId, agentId, queue, outcome, limit, cursor } = request.query;
      const range = parseRange({ from: request.query.from, to: request.query.to }, timezone);
      const page = await searchInteractions(db, { customerId, agentId, queue, outcome, from: range.from, to: range.to, limit, cursor });
      if (!wantsCsv(request)) return page;
      if (page.nextCursor !== null) reply.header('x-next-cursor', page.nextCursor);
      return sendCsv(reply, 'interactions.csv', INTERACTION_COLUMNS, page.interactions);
    },
  );
}
