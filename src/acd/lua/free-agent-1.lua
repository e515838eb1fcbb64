-- An agent becomes free (their wrap-up ends, or they come back from a pause) and, if that leaves them available,
-- is offered the next call in the same step: one round trip from "free" to "ringing".
--
-- KEYS[1] agent hash ({tag}:agent:<id>)
-- ARGV[1] base: key prefix + hash tag
-- ARGV[2] agent id
-- ARGV[3] action: end_wrap_up or resume
-- ARGV[4] now (epoch ms)
-- ARGV[5] the asking node
-- Returns JSON {event, assignment?}, or {"error": ...} when the transition is refused.

-- @include "agent"
-- @include "next-call"

local base, agentId, action, now, node = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
if action ~= 'end_wrap_up' and action ~= 'resume' then return cjson.encode({ error = 'unknown_action', action = action }) end
local event = transition(base, agentId, action, now, nil)
if event.error then return cjson.encode(event) end
local result = { event = event }
if event.to == 'available' then result.assignment = offerNextCall(base, KEYS[1], agentId, now, node) end
return cjson.encode(result)
