import type { Config } from '../config/env.js';
import { createPool } from '../db/pool.js';
import { outboxCounts } from '../interactions/interaction-outbox.js';
import { auditCalls, FINAL_OUTCOMES, type CallAudit, type DirectionTally } from '../ops/call-audit.js';
import { createRedis } from '../redis/client.js';
import { parseRange } from '../reports/report-range.js';
import { liveCallIds } from '../ops/live-calls.js';
import { CliInputError } from './telephony-commands.js';

export interface AuditCommandOptions {
  since: string;
  until?: string;
  json: boolean;
  liveCheck: boolean;
}

const RELATIVE = /^(\d{1,5})(m|h|d)$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "30m", "24h", "7d" before now, or a date / time as the reports take them (a date is the center's midnight). */
export function parseAuditTime(option: string, value: string, zone: string, now: Date): Date {
  const relative = RELATIVE.exec(value);
  if (relative) return new Date(now.getTime() - Number(relative[1]) * UNIT_MS[relative[2] as keyof typeof UNIT_MS]);
  if (value === 'today') value = new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(now);
  try {
    const { from } = parseRange({ from: value }, zone);
    return from!;
  } catch {
    throw new CliInputError(`${option} must be a duration before now (30m, 24h, 7d), "today", a date (2026-06-01) or a time (2026-06-01T09:30, 2026-06-01T09:30:00Z), not "${value}"`);
  }
}

async function callsUp(config: Config): Promise<Set<string>> {
  try {
    return await liveCallIds(config.ari);
  } catch (error) {
    throw new CliInputError(
      `cannot list the calls up in Asterisk at ${config.ari.url} (${error instanceof Error ? error.message : String(error)}); ` +
        'run where ARI is reachable, or pass --no-live-check to count every open record as unaccounted',
    );
  }
}

async function outboxOf(config: Config): Promise<{ pending: number; refused: number } | null> {
  const redis = createRedis(config.redis.url, config.redis.keyPrefix);
  try {
    await redis.connect();
    return await outboxCounts(redis);
  } catch {
    return null;
  } finally {
    redis.disconnect();
  }
}

const LABELS: Record<(typeof FINAL_OUTCOMES)[number], string> = {
  answered: 'answered',
  completed_in_ivr: 'completed in the IVR',
  abandoned_in_ivr: 'abandoned in the IVR',
  abandoned_in_queue: 'abandoned in queue',
  abandoned_while_offered: 'abandoned while offered',
  voicemail: 'voicemail',
  callback: 'callback booked',
  transferred_out: 'transferred out',
  failed: 'failed (with a cause)',
};

function tallyLines(title: string, tally: DirectionTally): string[] {
  const lines = [`${title}: ${tally.arrived} arrived, ${tally.accounted} with a final outcome, ${tally.inProgress} still up`];
  for (const outcome of FINAL_OUTCOMES) if (tally.outcomes[outcome] > 0) lines.push(`  ${LABELS[outcome].padEnd(26)} ${tally.outcomes[outcome]}`);
  return lines;
}

export function formatAudit(audit: CallAudit): string {
  const lines = [`calls from ${audit.since} to ${audit.until}`, ...tallyLines('inbound', audit.inbound), ...tallyLines('outbound (callbacks, campaigns)', audit.outbound)];
  lines.push(`unaccounted: ${audit.unaccountedCount}${audit.liveChecked ? '' : ' (not checked against Asterisk: open records count as unaccounted)'}`);
  for (const call of audit.unaccounted) lines.push(`  ${call.callId} ${call.direction} arrived ${call.arrivedAt}, last seen ${call.lastStage}`);
  lines.push(`anomalies: ${audit.anomalies.length}`);
  for (const anomaly of audit.anomalies) lines.push(`  ${anomaly.callId}: ${anomaly.problem}`);
  lines.push(
    audit.outboxPending === null
      ? 'outbox: Redis not reachable; writes kept there are not counted'
      : `outbox: ${audit.outboxPending} writes waiting for PostgreSQL, ${audit.outboxRefused ?? 0} refused and kept aside`,
  );
  lines.push(audit.holds ? 'the identity holds: every call has exactly one final outcome or is still up' : 'the identity does NOT hold');
  return lines.join('\n');
}

/** Exit status when the audit ran and found the identity broken (1 is a failure to run it). */
export const IDENTITY_BROKEN_EXIT = 2;

/** `ringside audit`: exit 0 when the identity holds, 2 when it does not. */
export async function auditCommand(config: Config, options: AuditCommandOptions): Promise<void> {
  const now = new Date();
  const since = parseAuditTime('--since', options.since, config.centerTimezone, now);
  const until = options.until === undefined ? now : parseAuditTime('--until', options.until, config.centerTimezone, now);
  if (since >= until) throw new CliInputError(`--since (${since.toISOString()}) must be before --until (${until.toISOString()})`);
  const live = options.liveCheck ? await callsUp(config) : null;
  const pool = createPool(config.database.url, 2);
  try {
    const audit = await auditCalls(pool, { since, until, liveCallIds: live, outbox: await outboxOf(config) });
    console.log(options.json ? JSON.stringify(audit) : formatAudit(audit));
    if (!audit.holds) process.exitCode = IDENTITY_BROKEN_EXIT;
  } finally {
    await pool.end();
  }
}
