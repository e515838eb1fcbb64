import type { Queryable } from '../../src/db/queryable.js';

/** One scripted call: times in seconds after `at` (an ISO instant); absent means it never happened. */
export interface ScriptedCall {
  at: string;
  queue?: string;
  agentId?: number;
  customerId?: number;
  queuedAfter?: number;
  answeredAfter?: number;
  endedAfter?: number;
  outcome: string;
  detail?: string;
  notes?: string;
}

let serial = 0;

export async function insertCalls(db: Queryable, calls: readonly ScriptedCall[]): Promise<void> {
  for (const call of calls) {
    const at = Date.parse(call.at);
    const time = (after: number | undefined): Date | null => (after === undefined ? null : new Date(at + after * 1000));
    await db.query(
      `INSERT INTO interactions (call_id, customer_id, caller_e164, queue, agent_id, arrived_at, queued_at, offered_at, answered_at, ended_at, outcome, outcome_detail, notes)
       VALUES ($1, $2, '+8613800138000', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        `scripted-${++serial}`,
        call.customerId ?? null,
        call.queue ?? null,
        call.agentId ?? null,
        new Date(at),
        time(call.queuedAfter),
        call.agentId !== undefined && call.queuedAfter !== undefined ? time(call.queuedAfter + 1) : null,
        time(call.answeredAfter),
        time(call.endedAfter),
        call.outcome,
        call.detail ?? null,
        call.notes ?? '',
      ],
    );
  }
}

/**
 * The reports' known answers. Center time zone Asia/Shanghai (UTC+8): 09:00Z is 17:00 on the center's clock.
 * Every call queues 10 s after arriving (the IVR), so a wait of w seconds is answeredAfter 10 + w.
 */
export function scriptedDay(ann: number, ben: number, customers: [number, number]): ScriptedCall[] {
  const answered = (minute: number, wait: number, talk: number, agentId: number, queue = 'support'): ScriptedCall => ({
    at: `2026-06-01T09:${String(minute).padStart(2, '0')}:00Z`,
    queue,
    agentId,
    customerId: customers[minute % 2],
    queuedAfter: 10,
    answeredAfter: 10 + wait,
    endedAfter: 10 + wait + talk,
    outcome: 'answered',
    detail: `agent:${agentId}`,
  });
  return [
    // support, 09:00–09:15Z: 8 answered (6 within 20 s; 20 s itself counts as within), 2 abandoned.
    answered(0, 5, 100, ann),
    answered(1, 10, 200, ann),
    answered(2, 15, 300, ann),
    answered(3, 20, 400, ann),
    answered(4, 8, 100, ben),
    answered(5, 12, 200, ben),
    answered(6, 25, 300, ben),
    answered(7, 40, 400, ben),
    { at: '2026-06-01T09:08:00Z', queue: 'support', agentId: ann, customerId: customers[0], queuedAfter: 10, endedAfter: 40, outcome: 'abandoned', detail: `offered:${ann}` },
    { at: '2026-06-01T09:09:00Z', queue: 'support', customerId: customers[1], queuedAfter: 10, endedAfter: 60, outcome: 'abandoned', detail: 'queue:support', notes: '=HYPERLINK("http://evil.example","click")' },
    // support, 09:15–09:30Z: one answered beyond the threshold, one to voicemail (offered, but in neither part of SL).
    { ...answered(20, 30, 60, ben), at: '2026-06-01T09:20:00Z' },
    { at: '2026-06-01T09:21:00Z', queue: 'support', queuedAfter: 10, endedAfter: 130, outcome: 'voicemail', detail: 'vm-1' },
    // support, 10:00–10:15Z: a callback only: SL has no denominator.
    { at: '2026-06-01T10:00:00Z', queue: 'support', queuedAfter: 10, endedAfter: 70, outcome: 'callback', detail: 'callback:1' },
    // billing, 09:00–09:15Z: answered after 25 s (beyond the default 20 s, within billing's 30 s).
    answered(10, 25, 120, ben, 'billing'),
    // Hung up in the IVR: never entered a queue, so in no report.
    { at: '2026-06-01T09:11:00Z', endedAfter: 5, outcome: 'abandoned', detail: 'ivr:menu' },
    // 01:00 on the center's next day: outside 2026-06-01.
    { ...answered(0, 5, 100, ann), at: '2026-06-01T17:00:00Z' },
  ];
}
