import t from 'tap';
import { ConfigError, loadConfig, secretsOf } from '../src/config/env.js';

t.test('defaults give a working local configuration', async (t) => {
  const config = loadConfig({});
  t.equal(config.http.port, 3000);
  t.equal(config.http.host, '127.0.0.1');
  t.equal(config.database.url, 'postgres://postgres@127.0.0.1:5432/ringside');
  t.equal(config.redis.keyPrefix, 'ringside:');
  t.equal(config.defaultRegion, 'US');
  t.same(config.apiKeys, []);
  t.match(config.nodeId, /^[A-Za-z0-9_-]+$/);
  t.same(config.ari, { url: 'http://127.0.0.1:8088', user: 'ringside', password: '', app: 'ringside', fallbackContext: 'ringside-down', transferContext: 'ringside-transfer' });
  t.match(config.ivrFlowsDir, /ivr-flows$/);
});

t.test('values are converted and trimmed; empty means unset', async (t) => {
  const config = loadConfig({ HTTP_PORT: ' 8080 ', DEFAULT_REGION: 'CN', LOG_LEVEL: 'debug', API_KEYS: 'aaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbb', NODE_ID: '', DATABASE_POOL_SIZE: '' });
  t.equal(config.http.port, 8080);
  t.equal(config.defaultRegion, 'CN');
  t.equal(config.logLevel, 'debug');
  t.same(config.apiKeys, ['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb']);
  t.equal(config.database.poolSize, 10);
});

const badValues: Array<[string, string, RegExp]> = [
  ['HTTP_PORT', 'eighty', /HTTP_PORT must be a TCP port number/],
  ['HTTP_PORT', '70000', /HTTP_PORT must be a TCP port number/],
  ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of/],
  ['DATABASE_URL', 'mysql://u:hunter2secret@h/db', /DATABASE_URL must be a postgres:\/\/ connection URL/],
  ['DATABASE_URL', 'postgres://u:p@[bad', /DATABASE_URL must be a postgres:\/\/ connection URL/],
  ['REDIS_URL', 'http://localhost', /REDIS_URL must be a redis:\/\//],
  ['REDIS_KEY_PREFIX', 'has space', /REDIS_KEY_PREFIX must be letters/],
  ['DEFAULT_REGION', 'XX', /DEFAULT_REGION must be an ISO 3166 country code/],
  ['DEFAULT_REGION', 'usa', /DEFAULT_REGION must be an ISO 3166 country code/],
  ['API_KEYS', 'short', /API_KEYS must be a comma-separated list of API keys, each at least 16/],
  ['DATABASE_POOL_SIZE', '0', /DATABASE_POOL_SIZE must be an integer 1-200/],
  ['SHUTDOWN_TIMEOUT_MS', '-5', /SHUTDOWN_TIMEOUT_MS must be milliseconds/],
  ['ARI_URL', 'ws://asterisk:8088', /ARI_URL must be the http:\/\/ or https:\/\/ base URL/],
  ['ARI_APP', 'ring side', /ARI_APP must be a Stasis application name/],
  ['ARI_FALLBACK_CONTEXT', 'bad context!', /ARI_FALLBACK_CONTEXT must be a dialplan context name/],
  ['CENTER_TIMEZONE', 'Mars/Olympus_Mons', /CENTER_TIMEZONE must be an IANA time zone/],
  ['PAUSE_REASONS', 'Lunch Break', /PAUSE_REASONS must be a comma-separated list of pause reasons/],
  ['PAUSE_REASONS', 'break,,lunch', /PAUSE_REASONS must be a comma-separated list of pause reasons/],
  ['SESSION_TTL_HOURS', '0', /SESSION_TTL_HOURS must be hours a login session stays valid/],
  ['SESSION_TTL_HOURS', 'a day', /SESSION_TTL_HOURS must be hours/],
  ['SESSION_TTL_HOURS', '1000', /SESSION_TTL_HOURS must be hours/],
  ['SESSION_COOKIE_SECURE', 'yes', /SESSION_COOKIE_SECURE must be true or false/],
  ['TRUST_PROXY', 'proxy.example', /TRUST_PROXY must be empty \(no proxy\), true, a number of proxy hops/],
  ['TRUST_PROXY', '10.0.0.0/33', /TRUST_PROXY must be/],
  ['TRUST_PROXY', '10.0.0.1;10.0.0.2', /TRUST_PROXY must be/],
];

t.test('sessions and proxies', async (t) => {
  t.same(loadConfig({}).auth, { sessionTtlSeconds: 12 * 3600, secureCookie: false, trustProxy: false, allowedOrigins: [] }, 'defaults: 12 h, Secure only over HTTPS, no proxy trusted, no other origin');
  t.same(loadConfig({ SESSION_TTL_HOURS: '0.5', SESSION_COOKIE_SECURE: 'true', TRUST_PROXY: '127.0.0.1, 10.0.0.0/8, loopback, ::1' }).auth, {
    sessionTtlSeconds: 1800,
    secureCookie: true,
    trustProxy: '127.0.0.1,10.0.0.0/8,loopback,::1',
    allowedOrigins: [],
  });
  t.same(loadConfig({ ALLOWED_ORIGINS: 'https://crm.example.com,http://10.0.0.5:8080' }).auth.allowedOrigins, ['https://crm.example.com', 'http://10.0.0.5:8080']);
  t.throws(() => loadConfig({ ALLOWED_ORIGINS: 'crm.example.com' }), /ALLOWED_ORIGINS/, 'an origin names its scheme');
  t.throws(() => loadConfig({ ALLOWED_ORIGINS: 'https://crm.example.com/path' }), /ALLOWED_ORIGINS/, 'and nothing after its port');
  t.equal(loadConfig({ TRUST_PROXY: 'true' }).auth.trustProxy, true);
  t.equal(loadConfig({ TRUST_PROXY: '2' }).auth.trustProxy, 2, 'a hop count');
});

for (const [variable, value, message] of badValues) {
  t.test(`${variable}=${value} stops with one line naming the variable`, async (t) => {
    try {
      loadConfig({ [variable]: value });
      t.fail('accepted a bad value');
    } catch (error) {
      t.type(error, ConfigError);
      const { message: text, variable: named } = error as ConfigError;
      t.equal(named, variable);
      t.match(text, message);
      t.notOk(text.includes('\n'), 'one line');
      t.notOk(text.includes('hunter2secret'), 'the value itself is never echoed');
    }
  });
}

t.test('secrets are the passwords of the URLs and the API keys', async (t) => {
  const config = loadConfig({
    DATABASE_URL: 'postgres://ringside:db%21pass@db.example:5432/ringside',
    REDIS_URL: 'redis://:redispass@cache.example:6379',
    API_KEYS: 'key-aaaaaaaaaaaaaaaa',
    ARI_PASSWORD: 'ari-pass-1234',
  });
  const secrets = secretsOf(config);
  for (const secret of ['db%21pass', 'db!pass', 'redispass', 'key-aaaaaaaaaaaaaaaa', 'ari-pass-1234', config.database.url]) {
    t.ok(secrets.includes(secret), `includes ${secret.slice(0, 6)}…`);
  }
  t.same(secretsOf(loadConfig({})), [], 'no secrets without passwords or keys');
});
