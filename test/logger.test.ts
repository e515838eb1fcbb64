import t from 'tap';
import { capturedLogger } from './helpers/logs.js';

const SECRETS = ['s3cret-db-pass', 'postgres://ringside:s3cret-db-pass@db:5432/ringside', 'api-key-0123456789abcdef'];

t.test('secrets never reach a log line, wherever they hide', async (t) => {
  const { logger, lines } = capturedLogger(SECRETS);
  logger.info('connecting to postgres://ringside:s3cret-db-pass@db:5432/ringside');
  logger.error({ err: new Error('auth failed for password "s3cret-db-pass"') }, 'database down');
  logger.warn({ request: { headers: { note: 'Bearer api-key-0123456789abcdef' } } }, 'nested');
  logger.info({ password: 'some-other-password', user: { password: 'x-y-z-w' }, apiKey: 'k' }, 'structured');
  logger.flush();
  t.equal(lines.length, 4);
  const all = lines.join('\n');
  for (const secret of [...SECRETS, 'some-other-password', 'x-y-z-w']) t.notOk(all.includes(secret), `no ${secret.slice(0, 8)}…`);
  t.match(all, /\[REDACTED\]/);
  const errorLine = JSON.parse(lines[1]!) as { err: { stack: string; message: string } };
  t.match(errorLine.err.message, /auth failed for password "\[REDACTED\]"/, 'the error keeps its meaning');
  t.notOk(errorLine.err.stack.includes('s3cret'), 'stack scrubbed');
});

t.test('lines without secrets pass unchanged and stay valid JSON', async (t) => {
  const { logger, lines } = capturedLogger(SECRETS);
  logger.info({ callId: '1795446538.0', queue: 'support' }, 'call queued');
  logger.flush();
  const line = JSON.parse(lines[0]!) as Record<string, unknown>;
  t.equal(line.callId, '1795446538.0');
  t.equal(line.msg, 'call queued');
});
