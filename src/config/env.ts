import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { isSupportedCountry, type CountryCode } from 'libphonenumber-js/max';
import { HoursFormatError, parseDailyHours, parseWeeklyHours, type WeeklyHours } from '../callbacks/calling-hours.js';

/**
 * Every setting Ringside reads from the environment. `expect` is what the
 * one-line error says when the value is missing or malformed, so it names
 * the accepted form, never the value given (which may be a secret).
 */
const EnvSchema = Type.Object({
  HTTP_HOST: Type.String({ default: '127.0.0.1', minLength: 1, expect: 'a host name or IP address to listen on' }),
  HTTP_PORT: Type.Integer({ default: 3000, minimum: 0, maximum: 65535, expect: 'a TCP port number (0-65535)' }),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    default: 'info',
    expect: 'one of fatal, error, warn, info, debug, trace, silent',
  }),
  DATABASE_URL: Type.String({
    default: 'postgres://postgres@127.0.0.1:5432/ringside',
    pattern: '^postgres(ql)?://',
    expect: 'a postgres:// connection URL',
  }),
  DATABASE_POOL_SIZE: Type.Integer({ default: 10, minimum: 1, maximum: 200, expect: 'an integer 1-200' }),
  REDIS_URL: Type.String({ default: 'redis://127.0.0.1:6379', pattern: '^rediss?://', expect: 'a redis:// or rediss:// URL' }),
  REDIS_KEY_PREFIX: Type.String({
    default: 'ringside:',
    pattern: '^[A-Za-z0-9_.:-]{1,64}$',
    expect: 'letters, digits and _.:- (1-64 characters), e.g. "ringside:"',
  }),
  PAUSE_REASONS: Type.String({
    default: 'break,lunch,meeting,training,coaching,after_call_work',
    pattern: '^[a-z][a-z0-9_]{0,31}(,[a-z][a-z0-9_]{0,31})*$',
    expect: 'a comma-separated list of pause reasons (lower-case letters, digits, _), e.g. "break,lunch,training"',
  }),
  DISPOSITIONS: Type.String({
    default: 'resolved,follow_up,escalated,sale,complaint,wrong_number,no_action',
    pattern: '^[a-z][a-z0-9_]{0,31}(,[a-z][a-z0-9_]{0,31})*$',
    expect: 'a comma-separated list of call dispositions (lower-case letters, digits, _), e.g. "resolved,follow_up,sale"',
  }),
  CENTER_TIMEZONE: Type.String({ default: 'UTC', minLength: 1, maxLength: 64, expect: 'an IANA time zone such as Asia/Shanghai or Europe/London (the center\'s day starts at its midnight)' }),
  DEFAULT_REGION: Type.String({ default: 'US', pattern: '^[A-Z]{2}$', expect: 'an ISO 3166 country code such as US, CN or GB' }),
  API_KEYS: Type.String({ default: '', expect: 'a comma-separated list of API keys, each at least 16 characters' }),
  SESSION_TTL_HOURS: Type.Number({
    default: 12,
    minimum: 0.0005,
    maximum: 720,
    expect: 'hours a login session stays valid without use, e.g. 12 (more than 0, at most 720)',
  }),
  SESSION_COOKIE_SECURE: Type.Boolean({ default: false, expect: 'true or false (true: the session cookie is sent over HTTPS only, even when a proxy terminates TLS)' }),
  TRUST_PROXY: Type.String({
    default: '',
    pattern: '^[A-Za-z0-9.:/, ]{0,1000}$',
    expect: 'empty (no proxy), true, a number of proxy hops, or a comma-separated list of proxy addresses / CIDRs / loopback (e.g. 127.0.0.1,10.0.0.0/8)',
  }),
  ALLOWED_ORIGINS: Type.String({
    default: '',
    pattern: '^(https?://[A-Za-z0-9.-]+(:\\d{1,5})?)?(,https?://[A-Za-z0-9.-]+(:\\d{1,5})?)*$',
    expect: 'empty, or comma-separated origins besides Ringside\'s own that may use a login session from a browser (e.g. https://crm.example.com)',
  }),
  NODE_ID: Type.String({ default: '', pattern: '^[A-Za-z0-9_-]{0,40}$', expect: 'letters, digits, _ and - (at most 40)' }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ default: 10000, minimum: 100, maximum: 600000, expect: 'milliseconds, 100-600000' }),
  ARI_URL: Type.String({ default: 'http://127.0.0.1:8088', pattern: '^https?://', expect: 'the http:// or https:// base URL of Asterisk\'s HTTP server (without /ari)' }),
  ARI_USER: Type.String({ default: 'ringside', minLength: 1, maxLength: 64, expect: 'the ARI user name from ari.conf' }),
  ARI_PASSWORD: Type.String({ default: '', expect: 'the password of the ARI user in ari.conf' }),
  ARI_APP: Type.String({ default: 'ringside', pattern: '^[A-Za-z0-9_-]{1,64}$', expect: 'a Stasis application name: letters, digits, _ and - (one per node)' }),
  ARI_TRANSFER_CONTEXT: Type.String({
    default: 'ringside-transfer',
    pattern: '^[A-Za-z0-9_-]{1,80}$',
    expect: 'a dialplan context name (dials the external numbers IVR flows transfer to)',
  }),
  IVR_FLOWS_DIR: Type.String({ default: 'ivr-flows', minLength: 1, maxLength: 500, expect: 'the folder of IVR flow files' }),
  ROUTING_RULES_DIR: Type.String({ default: 'routing-rules', minLength: 1, maxLength: 500, expect: 'the folder of routing rule files' }),
  ARI_FALLBACK_CONTEXT: Type.String({
    default: 'ringside-down',
    pattern: '^[A-Za-z0-9_-]{1,80}$',
    expect: 'a dialplan context name (where calls go when Ringside cannot handle them)',
  }),
  OUTBOUND_ENDPOINT: Type.String({
    default: 'PJSIP/{number}@carrier',
    pattern: '^[A-Za-z][A-Za-z0-9]*/[^\\s]*\\{number\\}[^\\s]*$',
    expect: 'an ARI endpoint with {number} where the E.164 number goes, e.g. PJSIP/{number}@carrier',
  }),
  OUTBOUND_CALLER_ID: Type.String({ default: '', pattern: '^\\+?[0-9]{0,20}$', expect: 'the number customers see on callbacks and campaign calls (digits, optional +), or empty' }),
  CENTER_HOURS: Type.String({
    default: 'mon-fri 09:00-18:00',
    maxLength: 500,
    expect: 'opening hours for callbacks and campaigns in CENTER_TIMEZONE, e.g. "mon-fri 09:00-18:00, sat 10:00-14:00"',
  }),
  CALLBACK_RECONCILE_SECONDS: Type.Integer({ default: 15, minimum: 1, maximum: 3600, expect: 'seconds between two checks for callbacks a lost job or a dead node left behind (1-3600)' }),
  CUSTOMER_CALLING_HOURS: Type.String({
    default: '09:00-21:00',
    maxLength: 200,
    expect: 'the hours a customer may be called in their own time zone, e.g. "09:00-21:00"',
  }),
});

type Env = Static<typeof EnvSchema>;

export type LogLevel = Env['LOG_LEVEL'];

export interface Config {
  http: { host: string; port: number };
  logLevel: LogLevel;
  database: { url: string; poolSize: number };
  redis: { url: string; keyPrefix: string };
  defaultRegion: CountryCode;
  /** Reasons an agent may give for a pause. */
  pauseReasons: string[];
  /** What an agent may record as the result of a call, at wrap-up. */
  dispositions: string[];
  /** IANA time zone of the contact center: "today" (calls today, daily figures) starts at its midnight. */
  centerTimezone: string;
  apiKeys: string[];
  auth: {
    /** Sliding lifetime of a login session: each use extends it by this much. */
    sessionTtlSeconds: number;
    /** Secure cookies even when the request reached Ringside over plain HTTP (TLS ended at a proxy). */
    secureCookie: boolean;
    /** Which proxies' X-Forwarded-For / -Proto to believe: the client IP rate limits count by, and https detection. */
    trustProxy: boolean | number | string;
    /** Browser origins besides Ringside's own whose pages may send state-changing requests and open the realtime channel. */
    allowedOrigins: string[];
  };
  nodeId: string;
  shutdownTimeoutMs: number;
  ari: { url: string; user: string; password: string; app: string; fallbackContext: string; transferContext: string };
  ivrFlowsDir: string;
  routingRulesDir: string;
  outbound: { endpoint: string; callerId: string; centerHours: WeeklyHours; customerHours: Array<[number, number]>; reconcileSeconds: number };
}

export class ConfigError extends Error {
  constructor(readonly variable: string, expectation: string) {
    super(`Configuration error: ${variable} must be ${expectation}`);
    this.name = 'ConfigError';
  }
}

function expectationOf(variable: string): string {
  const schema = EnvSchema.properties[variable as keyof Env] as { expect?: string } | undefined;
  return schema?.expect ?? 'valid';
}

function validUrl(variable: string, value: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new ConfigError(variable, expectationOf(variable));
  }
}

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const NAMED_PROXY_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function validProxyEntry(entry: string): boolean {
  if (NAMED_PROXY_RANGES.has(entry)) return true;
  const [address = '', bits, ...rest] = entry.split('/');
  const family = net.isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return bits === undefined || (/^[0-9]{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

/** Fastify's trustProxy: off, all, a hop count, or addresses (Fastify would throw a stack on a bad address). */
function trustProxyOf(value: string): boolean | number | string {
  if (value === '') return false;
  if (value === 'true') return true;
  if (/^[0-9]+$/.test(value)) return Number(value);
  const entries = value.split(',').map((entry) => entry.trim());
  if (!entries.every(validProxyEntry)) throw new ConfigError('TRUST_PROXY', expectationOf('TRUST_PROXY'));
  return entries.join(',');
}

/** Checks what only the server needs (other commands run without Asterisk). */
export function requireAriCredentials(config: Config): void {
  if (config.ari.password === '') throw new ConfigError('ARI_PASSWORD', `set: ${expectationOf('ARI_PASSWORD')}`);
}

/** Reads and validates the environment; throws ConfigError naming the first bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = {};
  for (const name of Object.keys(EnvSchema.properties)) {
    const value = source[name];
    // An empty variable means "not set", so defaults apply as users expect from .env files.
    if (value !== undefined && value.trim() !== '') raw[name] = value.trim();
  }
  const converted = Value.Convert(EnvSchema, Value.Default(EnvSchema, raw));
  const firstError = Value.Errors(EnvSchema, converted)[0];
  if (firstError) {
    const variable = firstError.instancePath.replace(/^\//, '') || 'environment';
    throw new ConfigError(variable, expectationOf(variable));
  }
  const env = converted as Env;

  validUrl('DATABASE_URL', env.DATABASE_URL);
  validUrl('REDIS_URL', env.REDIS_URL);
  validUrl('ARI_URL', env.ARI_URL);
  if (!validTimeZone(env.CENTER_TIMEZONE)) throw new ConfigError('CENTER_TIMEZONE', expectationOf('CENTER_TIMEZONE'));
  if (!isSupportedCountry(env.DEFAULT_REGION)) throw new ConfigError('DEFAULT_REGION', expectationOf('DEFAULT_REGION'));
  const centerHours = hoursOr('CENTER_HOURS', () => parseWeeklyHours(env.CENTER_HOURS));
  const customerHours = hoursOr('CUSTOMER_CALLING_HOURS', () => parseDailyHours(env.CUSTOMER_CALLING_HOURS));
  const apiKeys = env.API_KEYS.split(',').map((key) => key.trim()).filter((key) => key !== '');
  if (apiKeys.some((key) => key.length < 16)) throw new ConfigError('API_KEYS', expectationOf('API_KEYS'));

  return {
    http: { host: env.HTTP_HOST, port: env.HTTP_PORT },
    logLevel: env.LOG_LEVEL,
    database: { url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE },
    redis: { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX },
    defaultRegion: env.DEFAULT_REGION,
    centerTimezone: env.CENTER_TIMEZONE,
    pauseReasons: env.PAUSE_REASONS.split(','),
    dispositions: env.DISPOSITIONS.split(','),
    apiKeys,
    auth: {
      sessionTtlSeconds: Math.max(1, Math.round(env.SESSION_TTL_HOURS * 3600)),
      secureCookie: env.SESSION_COOKIE_SECURE,
      trustProxy: trustProxyOf(env.TRUST_PROXY),
      allowedOrigins: env.ALLOWED_ORIGINS.split(',').filter((origin) => origin !== ''),
    },
    nodeId: env.NODE_ID || os.hostname().replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 40),
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    ari: { url: env.ARI_URL.replace(/\/+$/, ''), user: env.ARI_USER, password: env.ARI_PASSWORD, app: env.ARI_APP, fallbackContext: env.ARI_FALLBACK_CONTEXT, transferContext: env.ARI_TRANSFER_CONTEXT },
    ivrFlowsDir: path.resolve(process.cwd(), env.IVR_FLOWS_DIR),
    routingRulesDir: path.resolve(process.cwd(), env.ROUTING_RULES_DIR),
    outbound: { endpoint: env.OUTBOUND_ENDPOINT, callerId: env.OUTBOUND_CALLER_ID, centerHours, customerHours, reconcileSeconds: env.CALLBACK_RECONCILE_SECONDS },
  };
}

function hoursOr<T>(variable: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof HoursFormatError) throw new ConfigError(variable, `${expectationOf(variable)}: ${error.message}`);
    throw error;
  }
}

/** The values that must never reach a log line, whatever object carries them. */
export function secretsOf(config: Config): string[] {
  const secrets = new Set<string>(config.apiKeys);
  if (config.ari.password) secrets.add(config.ari.password);
  for (const url of [config.database.url, config.redis.url]) {
    const parsed = new URL(url);
    if (parsed.password) {
      secrets.add(url);
      secrets.add(parsed.password);
      secrets.add(decodeURIComponent(parsed.password));
    }
  }
  return [...secrets].filter((secret) => secret.length >= 4);
}
