-- An offer was not answered (timeout, reject, busy): the call goes back to its exact place (same virtual
-- arrival) and the agent is paused 'missed', in one step.
--
-- KEYS[1] call hash ({tag}:call:<id>)
-- ARGV[1] base: key prefix + hash tag
-- ARGV[2] call id
-- ARGV[3] now (epoch ms)
-- Returns JSON {queue, position, event?}, or {"error": "not_found" | "not_offered"}.

-- @include "agent"

local base, callId, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local state = hget(KEYS[1], 'state')
if state == nil then return cjson.encode({ error = 'not_found' }) end
if state ~= 'offered' then return cjson.encode({ error = 'not_offered' }) end
local queue, agentId = hget(KEYS[1], 'queue'), hget(KEYS[1], 'agent')
local result = { queue = queue }
if agentId ~= nil and hget(agentKey(base, agentId), 'callId') == callId
  and hget(agentKey(base, agentId), 'state') == 'offered' then
  result.event = transition(base, agentId, 'miss', now, nil) -- its side effect puts the call back
else
  redis.call('HSET', KEYS[1], 'state', 'waiting')
  redis.call('HDEL', KEYS[1], 'agent')
  redis.call('ZADD', waitingKey(base, queue), hget(KEYS[1], 'vt'), callId)
end
result.position = redis.call('ZRANK', waitingKey(base, queue), callId) + 1
return cjson.encode(result)
