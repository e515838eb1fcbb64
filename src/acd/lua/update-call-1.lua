-- A waiting call changes live (a supervisor, or an escalation step): its queues, required skills and
-- priority. Its virtual arrival is recomputed from its original arrival, so moving queues keeps its place
-- in time; a call being offered keeps ringing and returns to the new lines if the offer fails.
--
-- KEYS[1] call hash ({tag}:call:<id>)
-- ARGV[1] base: key prefix + hash tag
-- ARGV[2] call id
-- ARGV[3] queues as JSON ["own queue", "added", ...] ('' = unchanged); the first is the call's own queue
-- ARGV[4] skills as JSON {"name": level} ('' = unchanged)
-- ARGV[5] priority in seconds ('' = unchanged)
-- Returns JSON {state, queue, queues, priority, position?}, or {"error": "not_found"}.

-- @include "agent"

local base, callId = ARGV[1], ARGV[2]
local state = hget(KEYS[1], 'state')
if state == nil then return cjson.encode({ error = 'not_found' }) end
if state == 'waiting' then leaveLines(base, KEYS[1], callId) end
if ARGV[3] ~= '' then
  local queues = cjson.decode(ARGV[3])
  redis.call('HSET', KEYS[1], 'queue', queues[1], 'queues', ARGV[3])
end
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'skills', ARGV[4]) end
if ARGV[5] ~= '' then
  local priority = tonumber(ARGV[5])
  redis.call('HSET', KEYS[1], 'priority', priority, 'vt', tonumber(hget(KEYS[1], 'enqueuedAt')) - priority * 1000)
end
if state == 'waiting' then joinLines(base, KEYS[1], callId) end
return cjson.encode({ state = state, queue = hget(KEYS[1], 'queue'), queues = callQueues(KEYS[1]),
  priority = tonumber(hget(KEYS[1], 'priority')), position = positionOf(base, KEYS[1], callId) })
