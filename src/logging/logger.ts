import pino, { type Logger, type DestinationStream } from 'pino';

export type { Logger };

/** Structured fields that may hold credentials or personal data, whatever the secret's value. */
const REDACTED_PATHS = [
  'password',
  '*.password',
  'passwordHash',
  '*.passwordHash',
  'apiKey',
  '*.apiKey',
  'sessionId',
  '*.sessionId',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'config.database.url',
  'config.redis.url',
  'config.apiKeys',
];

export const REDACTION = '[REDACTED]';

/**
 * Replaces every known secret in a finished log line. Structured redaction
 * cannot see a password inside an error message or a stack trace (a driver
 * may echo its connection string), so the line itself is scrubbed too.
 */
export function secretScrubber(secrets: readonly string[]): (line: string) => string {
  const needles = [...new Set(secrets.flatMap((secret) => [secret, JSON.stringify(secret).slice(1, -1)]))]
    .filter((needle) => needle.length >= 4)
    .sort((a, b) => b.length - a.length);
  if (needles.length === 0) return (line) => line;
  return (line) => {
    let scrubbed = line;
    for (const needle of needles) {
      if (scrubbed.includes(needle)) scrubbed = scrubbed.split(needle).join(REDACTION);
    }
    return scrubbed;
  };
}

export interface LoggerOptions {
  level: string;
  secrets?: readonly string[];
  destination?: DestinationStream;
  name?: string;
}

export function createLogger(options: LoggerOptions): Logger {
  const scrub = secretScrubber(options.secrets ?? []);
  return pino(
    {
      name: options.name ?? 'ringside',
      level: options.level,
      redact: { paths: REDACTED_PATHS, censor: REDACTION },
      hooks: { streamWrite: scrub },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
