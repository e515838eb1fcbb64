-- A call ended: the queue's live average handle time (talk + wrap-up) moves towards it. An exponentially
-- weighted average, so the estimate follows the day (short calls at night, long ones after an outage).
--
-- KEYS[1] the queue's statistics hash ({tag}:queue:<name>:stats)
-- ARGV[1] handle time of the call (seconds)
-- ARGV[2] weight of the new call (0-1)
-- Returns the new average as a string.

local seconds, weight = tonumber(ARGV[1]), tonumber(ARGV[2])
local current = tonumber(redis.call('HGET', KEYS[1], 'aht') or '')
local average = seconds
if current ~= nil then average = current + weight * (seconds - current) end
redis.call('HSET', KEYS[1], 'aht', tostring(average))
redis.call('HINCRBY', KEYS[1], 'handled', 1)
return tostring(average)
