-- When the longest-waiting caller of a queue joined, dropping on the way entries of calls no longer waiting
-- there (answered, abandoned or moved while an event was lost, e.g. by a node killed mid-call).
--
-- KEYS[1] the queue's since set ({tag}:wb:queue:<name>:since)
-- ARGV[1] prefix of the ACD's call hashes, with the connection's key prefix ({tag}:call:)
-- ARGV[2] queue name, as JSON (how the call hash lists its queues)
-- Returns the enqueued-at (epoch ms) as a string, or false when nobody waits.

for _ = 1, 100 do
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  if #oldest == 0 then return false end
  local call = redis.call('HMGET', ARGV[1] .. oldest[1], 'state', 'queues')
  if call[1] and call[2] and string.find(call[2], ARGV[2], 1, true) then return oldest[2] end
  redis.call('ZREM', KEYS[1], oldest[1])
end
return false
