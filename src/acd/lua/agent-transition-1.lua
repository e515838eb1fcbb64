-- One agent action (login, pause, resume, answer, miss, withdraw, caller_abandoned, hang_up, end_wrap_up, logout),
-- refused atomically when the agent's current state does not allow it. Offers go through the assign scripts.
--
-- KEYS[1] agent hash ({tag}:agent:<id>)
-- ARGV[1] base: key prefix + hash tag, for keys built inside (queues, the agent's call)
-- ARGV[2] agent id
-- ARGV[3] action
-- ARGV[4] now (epoch ms)
-- ARGV[5] argument: pause reason, wrap-up end (epoch ms) for hang_up, or the call withdrawn (withdraw)
-- ARGV[6] login: skills as JSON {"name": level}; offer: 'consult'
-- ARGV[7] login only: queues served as JSON ["name"]
-- Returns the event as JSON, or {"error": ...}.

-- @include "agent"

local base, id, action, now, arg = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
-- Queue offers choose their call atomically in the assign scripts. A direct offer is only a consult: a colleague
-- called about a call already in conversation, which the ACD no longer holds.
if action == 'offer' and (ARGV[6] ~= 'consult' or arg == '' or redis.call('EXISTS', callKey(base, arg)) == 1) then
  return cjson.encode({ error = 'unknown_action', action = action })
end
-- A ring-all leg ends: only the offer of that call is withdrawn (the agent may be on another by now).
if action == 'withdraw' and hget(KEYS[1], 'state') == 'offered' and hget(KEYS[1], 'callId') ~= arg then return cjson.encode({ error = 'stale_offer', action = action }) end
if action == 'login' then redis.call('SADD', base .. 'agents', id) end
if action == 'login' and (hget(KEYS[1], 'state') or 'logged_out') == 'logged_out' then
  -- Skills and queues are refreshed at each login (before the agent joins the queues' available sets).
  redis.call('HSET', KEYS[1], 'skills', ARGV[6], 'queues', ARGV[7])
end
return cjson.encode(transition(base, id, action, now, arg))
