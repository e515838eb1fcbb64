import type { SnoopRequest } from '../calls/telephony.js';

export const MONITOR_MODES = ['listen', 'whisper', 'barge'] as const;
export type MonitorMode = (typeof MONITOR_MODES)[number];

/**
 * The snoop on the agent's leg for each snooping mode. Directions are the agent leg's: `spy: 'both'` hears what
 * the agent says and what the agent hears (the caller); `whisper: 'out'` mixes the supervisor into what the
 * agent's phone is sent, so the agent hears them and the caller does not. Barge needs no snoop: the supervisor
 * joins the call's own bridge.
 */
export const SNOOP_DIRECTIONS: Record<Exclude<MonitorMode, 'barge'>, Pick<SnoopRequest, 'spy' | 'whisper'>> = {
  listen: { spy: 'both', whisper: 'none' },
  whisper: { spy: 'both', whisper: 'out' },
};

/**
 * Channel and bridge ids are named after the call, so that a restarted node can tell these legs from callers
 * (they are nobody's call) and so that a bridge or channel listing reads.
 */
export const SUPERVISOR_LEG_PREFIX = 'supervisor-';
export const SNOOP_PREFIX = 'snoop-';
export const MONITOR_BRIDGE_PREFIX = 'monitor-';
