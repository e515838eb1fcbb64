-- An offer was not answered (timeout, reject, busy): the call goes back to its exact place (same virtual
-- arrival) in every line it waits in, in one step. The agent it was offered to is paused 'missed'; agents
-- rung together by a ring-all queue go back to available instead (pausing everyone who did not pick up
-- would empty the floor).
--
-- KEYS[1] call hash ({tag}:call:<id>)
-- ARGV[1] base: key prefix + hash tag
-- ARGV[2] call id
-- ARGV[3] now (epoch ms)
-- ARGV[4] '1' when the agents are not to blame (the node that rang them died, the offer was never rung): withdraw
-- Returns JSON {queue, position, event?, events}, or {"error": "not_found" | "not_offered"}.

-- @include "agent"

local base, callId, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local state = hget(KEYS[1], 'state')
if state == nil then return cjson.encode({ error = 'not_found' }) end
if state ~= 'offered' then return cjson.encode({ error = 'not_offered' }) end
local queue = hget(KEYS[1], 'queue')
local action = 'miss'
if hget(KEYS[1], 'ringAll') == '1' or ARGV[4] == '1' then action = 'withdraw' end
local events = {}
for _, agentId in ipairs(offeredAgents(KEYS[1])) do
  local akey = agentKey(base, agentId)
  if hget(akey, 'callId') == callId and hget(akey, 'state') == 'offered' then
    events[#events + 1] = transition(base, agentId, action, now, nil)
  end
end
-- A miss puts the call back by itself (callSideEffect); anything else is done here.
if hget(KEYS[1], 'state') == 'offered' then
  redis.call('HSET', KEYS[1], 'state', 'waiting')
  redis.call('HDEL', KEYS[1], 'agent', 'agents', 'ringAll', 'offer')
  joinLines(base, KEYS[1], callId)
end
local result = { queue = queue, position = positionOf(base, KEYS[1], callId) or 1 }
if #events > 0 then
  result.event = events[1]
  result.events = events
end
return cjson.encode(result)
