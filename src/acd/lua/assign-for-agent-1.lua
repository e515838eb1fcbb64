-- An agent is available: offer them the next call (lua/includes/next-call.lua) in the same step.
--
-- KEYS[1] agent hash ({tag}:agent:<id>)
-- ARGV[1] base: key prefix + hash tag
-- ARGV[2] agent id
-- ARGV[3] now (epoch ms)
-- ARGV[4] the asking node
-- Returns JSON {callId, agentId, agents, event, events, owner, remote, ringAll, offerId}, or nil when the agent is
-- not available or no call fits.

-- @include "agent"
-- @include "next-call"

local base, agentId, now, node = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
if hget(KEYS[1], 'state') ~= 'available' then return nil end
local assignment = offerNextCall(base, KEYS[1], agentId, now, node)
if assignment == nil then return nil end
return cjson.encode(assignment)
