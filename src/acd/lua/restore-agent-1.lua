-- After Redis lost the ACD's state: an agent this node knows is talking to a caller is put back on that call,
-- as if they had logged in and answered it (skills and queues as a login sets them). Not a transition of the
-- state machine: it rebuilds a state that existed. Refused if the agent has a state again (they logged in).
--
-- KEYS[1] agent hash ({tag}:agent:<id>)
-- ARGV[1] base: key prefix + hash tag (the roster key)
-- ARGV[2] agent id
-- ARGV[3] the call they are on
-- ARGV[4] skills as JSON {"name": level}
-- ARGV[5] queues served as JSON ["name"]
-- ARGV[6] now (epoch ms)
-- Returns the event as JSON, or {"error": "exists", "from": state}.

local key, base, id, callId, now = KEYS[1], ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[6])
local state = redis.call('HGET', key, 'state')
if state and state ~= 'logged_out' then return cjson.encode({ error = 'exists', from = state }) end
redis.call('SADD', base .. 'agents', id)
redis.call('HSET', key, 'state', 'on_call', 'since', now, 'callId', callId, 'skills', ARGV[4], 'queues', ARGV[5], 'idleSince', now)
redis.call('HDEL', key, 'reason', 'until', 'logoutPending')
return cjson.encode({ agentId = id, from = 'logged_out', to = 'on_call', reason = 'restored', callId = callId, at = now })
