import { Type, type Static } from 'typebox';
import { AGENT_STATUSES } from '../agents/agent-state.js';

/**
 * The wallboard's figures as they travel to the page (the realtime channel's `snapshot.wallboard`,
 * `wallboard.queue` and `wallboard.agent` messages). The page imports these types.
 */

/** When a tile turns amber or red: from the queue's `alerts` in the routing rules. */
export const QueueAlerts = Type.Object({
  serviceLevelTargetPercent: Type.Number(),
  waitingAbove: Type.Integer(),
  longestWaitAboveSeconds: Type.Integer(),
  abandonRateAbovePercent: Type.Number(),
});
export type QueueAlerts = Static<typeof QueueAlerts>;

const Nullable = <T extends ReturnType<typeof Type.Number>>(schema: T) => Type.Union([schema, Type.Null()]);

export const QueueFigures = Type.Object({
  queue: Type.String(),
  /** Epoch ms when these figures were read. */
  at: Type.Number(),
  /** The center's day the counters belong to (YYYY-MM-DD in CENTER_TIMEZONE). */
  day: Type.String(),
  waiting: Type.Integer(),
  longestWaitSeconds: Type.Number(),
  agents: Type.Object({
    loggedIn: Type.Integer(),
    available: Type.Integer(),
    offered: Type.Integer(),
    onCall: Type.Integer(),
    wrapUp: Type.Integer(),
    paused: Type.Integer(),
  }),
  /** Since midnight: calls that entered the queue (a transfer into it counts again). */
  offered: Type.Integer(),
  answered: Type.Integer(),
  answeredWithinThreshold: Type.Integer(),
  abandoned: Type.Integer(),
  /** Left the queue for voicemail, a callback or a hang-up prompt by rule. */
  exited: Type.Integer(),
  serviceLevelSeconds: Type.Integer(),
  /** answered within the threshold ÷ (answered + abandoned); null before the first such call. */
  serviceLevelPercent: Nullable(Type.Number()),
  /** Average wait of the answered calls. */
  asaSeconds: Nullable(Type.Number()),
  /** Average talk + wrap-up of the calls that ended. */
  ahtSeconds: Nullable(Type.Number()),
  abandonRatePercent: Nullable(Type.Number()),
  /** Erlang C: agents needed now for the service-level target at the last 15 minutes' arrivals and handle time. */
  staffing: Type.Object({
    arrivalsPerHour: Type.Number(),
    handleSeconds: Type.Number(),
    agentsNeeded: Type.Integer(),
    /** Agents who could take the call now: logged in and not paused. */
    agentsStaffed: Type.Integer(),
  }),
  alerts: QueueAlerts,
});
export type QueueFigures = Static<typeof QueueFigures>;

export const AgentFigures = Type.Object({
  agentId: Type.String(),
  displayName: Type.String(),
  status: Type.Enum(AGENT_STATUSES),
  since: Type.Number(),
  reason: Type.Optional(Type.String()),
  callId: Type.Optional(Type.String()),
  queues: Type.Array(Type.String()),
  callsToday: Type.Integer(),
});
export type AgentFigures = Static<typeof AgentFigures>;

/** One sample of the last hour's chart. */
export const HistoryPoint = Type.Object({ at: Type.Number(), waiting: Type.Integer(), serviceLevelPercent: Nullable(Type.Number()) });
export type HistoryPoint = Static<typeof HistoryPoint>;

export const WallboardSnapshot = Type.Object({
  queues: Type.Array(QueueFigures),
  agents: Type.Array(AgentFigures),
  /** Per queue, oldest first, one point every HISTORY_STEP_MS over the last hour. */
  history: Type.Record(Type.String(), Type.Array(HistoryPoint)),
  historyStepMs: Type.Integer(),
});
export type WallboardSnapshot = Static<typeof WallboardSnapshot>;
