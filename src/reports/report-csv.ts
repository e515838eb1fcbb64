import type { CsvColumn } from './csv.js';
import type { InteractionRow } from './interaction-search.js';
import type { AgentIntervalRow, IntervalFigures, IntervalReport, QueueIntervalRow } from './interval-report.js';

type Level = { level: 'interval' | 'total' };

const interval = <Row extends { intervalStart: string | null; intervalStartLocal: string | null }>(): Array<CsvColumn<Row & Level>> => [
  { header: 'level', value: (row) => row.level },
  { header: 'interval_start', value: (row) => row.intervalStart },
  { header: 'interval_start_local', value: (row) => row.intervalStartLocal },
];

const figures: Array<CsvColumn<IntervalFigures>> = [
  { header: 'offered', value: (row) => row.offered },
  { header: 'answered', value: (row) => row.answered },
  { header: 'abandoned', value: (row) => row.abandoned },
  { header: 'answered_within_threshold', value: (row) => row.answeredWithinThreshold },
  { header: 'service_level_percent', value: (row) => row.serviceLevelPercent },
  { header: 'abandon_rate_percent', value: (row) => row.abandonRatePercent },
  { header: 'asa_seconds', value: (row) => row.asaSeconds },
  { header: 'aht_seconds', value: (row) => row.ahtSeconds },
  { header: 'longest_wait_seconds', value: (row) => row.longestWaitSeconds },
];

/** Interval rows, then each queue's or agent's totals (level "total", no interval start), as in the JSON. */
export const csvRowsOf = <Row>(report: IntervalReport<Row>): Array<Row & Level> => [
  ...report.rows.map((row) => ({ ...row, level: 'interval' as const })),
  ...report.totals.map((row) => ({ ...row, level: 'total' as const })),
];

export const QUEUE_REPORT_COLUMNS: Array<CsvColumn<QueueIntervalRow & Level>> = [
  ...interval<QueueIntervalRow>(),
  { header: 'queue', value: (row) => row.queue },
  { header: 'service_level_seconds', value: (row) => row.serviceLevelSeconds },
  ...figures,
];

export const AGENT_REPORT_COLUMNS: Array<CsvColumn<AgentIntervalRow & Level>> = [
  ...interval<AgentIntervalRow>(),
  { header: 'agent_id', value: (row) => row.agentId },
  { header: 'agent_name', value: (row) => row.displayName },
  ...figures,
];

export const INTERACTION_COLUMNS: Array<CsvColumn<InteractionRow>> = [
  { header: 'id', value: (row) => row.id },
  { header: 'call_id', value: (row) => row.callId },
  { header: 'arrived_at', value: (row) => row.arrivedAt },
  { header: 'queued_at', value: (row) => row.queuedAt },
  { header: 'answered_at', value: (row) => row.answeredAt },
  { header: 'ended_at', value: (row) => row.endedAt },
  { header: 'customer_id', value: (row) => row.customerId },
  { header: 'customer_name', value: (row) => row.customerName },
  { header: 'caller_e164', value: (row) => row.callerE164 },
  { header: 'queue', value: (row) => row.queue },
  { header: 'agent_id', value: (row) => row.agentId },
  { header: 'agent_name', value: (row) => row.agentName },
  { header: 'handled_by', value: (row) => row.handledBy.join(' ') },
  { header: 'outcome', value: (row) => row.outcome },
  { header: 'outcome_detail', value: (row) => row.outcomeDetail },
  { header: 'disposition', value: (row) => row.disposition },
  { header: 'wait_seconds', value: (row) => row.waitSeconds },
  { header: 'talk_seconds', value: (row) => row.talkSeconds },
  { header: 'notes', value: (row) => row.notes },
];
