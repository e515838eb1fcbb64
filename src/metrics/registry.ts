import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Ringside's own metrics; each app instance has its own registry so tests and nodes never mix figures. */
export interface RingsideMetrics {
  registry: Registry;
  httpRequestSeconds: Histogram<'method' | 'route' | 'status'>;
  callerLookups: Counter<'result'>;
  callerLookupSeconds: Histogram;
}

export function createMetrics(): RingsideMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequestSeconds: new Histogram({
      name: 'ringside_http_request_duration_seconds',
      help: 'REST request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers: [registry],
    }),
    callerLookups: new Counter({
      name: 'ringside_caller_lookups_total',
      help: 'Caller-ID lookups by result (none, one, several, withheld, invalid)',
      labelNames: ['result'],
      registers: [registry],
    }),
    callerLookupSeconds: new Histogram({
      name: 'ringside_caller_lookup_duration_seconds',
      help: 'Caller-ID lookup with screen-pop data, database time included',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.3],
      registers: [registry],
    }),
  };
}
