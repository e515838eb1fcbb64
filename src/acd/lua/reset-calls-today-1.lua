-- The center's day changed: every agent's calls-today count starts again at 0. Idempotent: every node runs
-- it at start and then every minute; only the first run of a new day writes.
--
-- KEYS[1] the day marker ({tag}:day)
-- ARGV[1] base: key prefix + hash tag
-- ARGV[2] today in the center's time zone (YYYY-MM-DD)
-- Returns 1 when it reset the counts, 0 when the day had not changed.

-- @include "agent"

local base, today = ARGV[1], ARGV[2]
if redis.call('GET', KEYS[1]) == today then return 0 end
redis.call('SET', KEYS[1], today)
for _, agentId in ipairs(redis.call('SMEMBERS', base .. 'agents')) do
  redis.call('HSET', agentKey(base, agentId), 'callsToday', 0)
end
return 1
