-- A call joins a queue's waiting line at its virtual arrival: enqueued-at minus the priority head start.
--
-- KEYS[1] call hash ({tag}:call:<id>)
-- KEYS[2] the queue's waiting sorted set ({tag}:queue:<name>:waiting)
-- ARGV[1] call id
-- ARGV[2] queue name
-- ARGV[3] required skills as JSON {"name": minimum level}
-- ARGV[4] priority: head start in seconds
-- ARGV[5] enqueued at (epoch ms)
-- ARGV[6] owner: the node whose application holds the caller's channel ('' = none)
-- ARGV[7] the routing rule that sent it (its escalation ladder, after a restart)
-- Returns JSON {position} (1-based), or {"error": "call_exists"}.

if redis.call('EXISTS', KEYS[1]) == 1 then return cjson.encode({ error = 'call_exists' }) end
local priority, enqueuedAt = tonumber(ARGV[4]), tonumber(ARGV[5])
local vt = enqueuedAt - priority * 1000
redis.call('HSET', KEYS[1], 'queue', ARGV[2], 'queues', cjson.encode({ ARGV[2] }), 'skills', ARGV[3],
  'priority', priority, 'enqueuedAt', enqueuedAt, 'vt', vt, 'state', 'waiting', 'owner', ARGV[6], 'rule', ARGV[7])
redis.call('ZADD', KEYS[2], vt, ARGV[1])
return cjson.encode({ position = redis.call('ZRANK', KEYS[2], ARGV[1]) + 1 })
