-- The wallboard's longest-wait set of a queue: a call waiting in it, scored by when it joined the ACD (a call
-- moved to another queue keeps its arrival, as the ACD does). Calls that left are dropped when the set is read.
--
-- KEYS[1] the queue's since set ({tag}:wb:queue:<name>:since)
-- ARGV[1] call id
-- ARGV[2] the ACD's call hash, with the connection's key prefix ({tag}:call:<id>)
-- ARGV[3] when, if the call hash is already gone (epoch ms)

local enqueuedAt = tonumber(redis.call('HGET', ARGV[2], 'enqueuedAt') or '') or tonumber(ARGV[3])
redis.call('ZADD', KEYS[1], enqueuedAt, ARGV[1])
return enqueuedAt
