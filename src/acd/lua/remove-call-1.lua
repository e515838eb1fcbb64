-- The caller hung up: the call leaves the ACD, wherever it was. If it was being offered, its agents go
-- back to available (or log out, if that was pending) in the same step.
--
-- KEYS[1] call hash ({tag}:call:<id>)
-- ARGV[1] base: key prefix + hash tag, for keys built inside
-- ARGV[2] call id
-- ARGV[3] now (epoch ms)
-- Returns JSON {state, queue, waitedMs, position?, agentId?, event?, agents?, events?}, or {"error": "not_found"}.

-- @include "agent"

local base, callId, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local state = hget(KEYS[1], 'state')
if state == nil then return cjson.encode({ error = 'not_found' }) end
local queue = hget(KEYS[1], 'queue')
local result = { state = state, queue = queue, waitedMs = now - tonumber(hget(KEYS[1], 'enqueuedAt')) }
if state == 'waiting' then
  result.position = positionOf(base, KEYS[1], callId)
  leaveLines(base, KEYS[1], callId)
else
  local agents = offeredAgents(KEYS[1])
  result.agentId = agents[1]
  result.agents = agents
  local events = {}
  for _, agentId in ipairs(agents) do
    local akey = agentKey(base, agentId)
    if hget(akey, 'callId') == callId and hget(akey, 'state') == 'offered' then
      events[#events + 1] = transition(base, agentId, 'caller_abandoned', now, nil)
    end
  end
  if #events > 0 then
    result.event = events[1]
    result.events = events
  end
end
redis.call('DEL', KEYS[1])
return cjson.encode(result)
