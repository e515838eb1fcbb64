-- The caller hung up: the call leaves the ACD, wherever it was. If it was being offered, the agent goes
-- back to available (or logs out, if that was pending) in the same step.
--
-- KEYS[1] call hash ({tag}:call:<id>)
-- ARGV[1] base: key prefix + hash tag
-- ARGV[2] call id
-- ARGV[3] now (epoch ms)
-- Returns JSON {state, queue, waitedMs, position?, agentId?, event?}, or {"error": "not_found"}.

-- @include "agent"

local base, callId, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local state = hget(KEYS[1], 'state')
if state == nil then return cjson.encode({ error = 'not_found' }) end
local queue = hget(KEYS[1], 'queue')
local result = { state = state, queue = queue, waitedMs = now - tonumber(hget(KEYS[1], 'enqueuedAt')) }
if state == 'waiting' then
  result.position = redis.call('ZRANK', waitingKey(base, queue), callId) + 1
  redis.call('ZREM', waitingKey(base, queue), callId)
else
  local agentId = hget(KEYS[1], 'agent')
  result.agentId = agentId
  if agentId ~= nil and hget(agentKey(base, agentId), 'callId') == callId then
    result.event = transition(base, agentId, 'caller_abandoned', now, nil)
  end
end
redis.call('DEL', KEYS[1])
return cjson.encode(result)
