/** Everything the audit log records; `monitor.end` is a session that ended by itself (hang-up, call over). */
export const AUDIT_ACTIONS = ['monitor.start', 'monitor.mode', 'monitor.stop', 'monitor.end', 'agent.state', 'call.change'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
