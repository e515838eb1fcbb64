-- Shared helpers, inlined into each script where it says `-- @include "agent"` (see src/acd/lua-scripts.ts).
-- The transition rules here must agree with src/agents/agent-state.ts: test/acd/agent-state.test.ts runs
-- every (state, action) pair through both.
--
-- Keys built here (agents, calls, queues) all start with `base`, which carries the store's hash tag, so in
-- Redis Cluster they live in the same slot as the KEYS the script was given (BullMQ builds keys the same way).
-- Every check happens before the first write: an error in the middle of a Lua script does not roll back.

local TARGET = { login = 'available', pause = 'paused', resume = 'available', offer = 'offered', answer = 'on_call',
  miss = 'paused', withdraw = 'available', caller_abandoned = 'available', hang_up = 'wrap_up',
  end_wrap_up = 'available', logout = 'logged_out' }
local FROM = {
  login = { logged_out = true }, pause = { available = true }, resume = { paused = true },
  offer = { available = true }, answer = { offered = true }, miss = { offered = true }, withdraw = { offered = true },
  caller_abandoned = { offered = true }, hang_up = { on_call = true }, end_wrap_up = { wrap_up = true },
  logout = { available = true, paused = true, offered = true, on_call = true, wrap_up = true } }
local IN_CALL = { offered = true, on_call = true, wrap_up = true }

local function agentKey(base, id) return base .. 'agent:' .. id end
local function callKey(base, id) return base .. 'call:' .. id end
local function waitingKey(base, queue) return base .. 'queue:' .. queue .. ':waiting' end
local function availableKey(base, queue) return base .. 'queue:' .. queue .. ':available' end
local function configKey(base, queue) return base .. 'queue:' .. queue .. ':config' end
local function nodeKey(base, node) return base .. 'node:' .. node end
local function inboxKey(base, node) return base .. 'inbox:' .. node end

-- HGET answers false for a missing field; this turns it into nil.
local function hget(key, field)
  local value = redis.call('HGET', key, field)
  if value == false then return nil end
  return value
end

local function decode(text)
  if text == nil or text == '' then return {} end
  return cjson.decode(text)
end

-- True when the agent reaches every minimum level the call asks for.
local function skillsMet(agentSkills, need)
  for skill, min in pairs(need) do
    local level = agentSkills[skill]
    if level == nil or level < min then return false end
  end
  return true
end

-- Every queue a call waits in: its own, plus any an escalation or a supervisor added.
local function callQueues(ckey)
  local queues = decode(hget(ckey, 'queues'))
  if #queues == 0 then queues = { hget(ckey, 'queue') } end
  return queues
end

-- The call joins (at its virtual arrival) or leaves the waiting line of every queue it waits in.
local function joinLines(base, ckey, callId)
  local vt = hget(ckey, 'vt')
  for _, queue in ipairs(callQueues(ckey)) do redis.call('ZADD', waitingKey(base, queue), vt, callId) end
end
local function leaveLines(base, ckey, callId)
  for _, queue in ipairs(callQueues(ckey)) do redis.call('ZREM', waitingKey(base, queue), callId) end
end

-- Position in the call's own queue (1-based), or nil when it is not waiting there.
local function positionOf(base, ckey, callId)
  local rank = redis.call('ZRANK', waitingKey(base, hget(ckey, 'queue')), callId)
  if rank == false then return nil end
  return rank + 1
end

-- Agents a call is being offered to: one, or everyone rung at once by a ring-all queue.
local function offeredAgents(ckey)
  local agents = decode(hget(ckey, 'agents'))
  if #agents == 0 and hget(ckey, 'agent') ~= nil then agents = { hget(ckey, 'agent') } end
  return agents
end

-- A call can be assigned while the node that owns its caller's channel is alive (or the call has no owner,
-- or the asking node is the owner): a dead node's callers wait at their place for its standby.
local function ownerAlive(base, owner, node, cache)
  if owner == nil or owner == '' or owner == node then return true end
  if cache[owner] == nil then cache[owner] = redis.call('EXISTS', nodeKey(base, owner)) == 1 end
  return cache[owner]
end

local function setAvailability(base, id, key, available, now)
  for _, queue in ipairs(decode(hget(key, 'queues'))) do
    if available then
      redis.call('ZADD', availableKey(base, queue), now, id)
    else
      redis.call('ZREM', availableKey(base, queue), id)
    end
  end
end

-- What an agent action does to the call it concerns: the ACD forgets answered and abandoned calls, and puts
-- a missed call back at its exact place (same virtual arrival score).
local function callSideEffect(base, action, callId, agentId)
  if callId == nil then return end
  local ckey = callKey(base, callId)
  if action == 'answer' or action == 'caller_abandoned' then
    redis.call('DEL', ckey)
  elseif action == 'miss' and hget(ckey, 'state') == 'offered' and hget(ckey, 'agent') == agentId then
    redis.call('HSET', ckey, 'state', 'waiting')
    redis.call('HDEL', ckey, 'agent', 'agents', 'ringAll', 'offer')
    joinLines(base, ckey, callId)
  end
end

-- Applies one action to one agent. Returns the event, or a table with `error` and nothing written.
local function transition(base, id, action, now, arg)
  local key = agentKey(base, id)
  local from = hget(key, 'state') or 'logged_out'
  local allowed = FROM[action]
  if allowed == nil then return { error = 'unknown_action', action = action } end
  if not allowed[from] then
    return { error = 'illegal_transition', agentId = id, from = from, to = TARGET[action], action = action }
  end
  local oldCall = hget(key, 'callId')
  if action == 'logout' and IN_CALL[from] then
    redis.call('HSET', key, 'logoutPending', '1')
    return { agentId = id, from = from, to = from, reason = 'logout_pending', callId = oldCall, at = now }
  end

  local to = TARGET[action]
  local reason = nil
  if action == 'pause' then reason = arg elseif action == 'miss' then reason = 'missed'
  elseif action == 'withdraw' then reason = 'withdrawn'
  elseif action == 'logout' then reason = 'logout' end
  if (to == 'available' or to == 'paused') and hget(key, 'logoutPending') == '1' then
    to = 'logged_out'
    reason = 'logout'
  end
  local callId = oldCall
  if action == 'offer' then callId = arg end

  if from == 'available' then setAvailability(base, id, key, false, now) end
  redis.call('HSET', key, 'state', to, 'since', now)
  redis.call('HDEL', key, 'reason', 'until')
  if to == 'paused' then redis.call('HSET', key, 'reason', reason) end
  if to == 'offered' or to == 'on_call' or to == 'wrap_up' then
    redis.call('HSET', key, 'callId', callId)
  else
    redis.call('HDEL', key, 'callId')
  end
  if to == 'wrap_up' then redis.call('HSET', key, 'until', arg) end
  if to == 'on_call' then redis.call('HINCRBY', key, 'callsToday', 1) end
  if to == 'logged_out' then redis.call('HDEL', key, 'logoutPending') end
  if to == 'available' then
    redis.call('HSET', key, 'idleSince', now)
    setAvailability(base, id, key, true, now)
  end
  callSideEffect(base, action, oldCall, id)
  return { agentId = id, from = from, to = to, reason = reason, callId = callId, at = now }
end

-- The one atomic step of an assignment: the agents (one, or all of them for ring-all) are offered the call,
-- the call leaves every waiting line. `ringAll`: the queue rings everyone, so a miss pauses nobody.
-- Returns the assignment, or a table with `error`.
local function offer(base, agentIds, callId, now, node, ringAll)
  local events = {}
  for i, agentId in ipairs(agentIds) do
    local event = transition(base, agentId, 'offer', now, callId)
    -- Only the first can fail (callers check availability first); later ones were checked the same way.
    if event.error then return event end
    events[i] = event
  end
  local ckey = callKey(base, callId)
  -- Each offer has its own number: an offer that waited in an inbox is only rung if it is still the current one.
  local offerId = redis.call('INCR', base .. 'offers')
  redis.call('HSET', ckey, 'state', 'offered', 'agent', agentIds[1], 'agents', cjson.encode(agentIds), 'offer', offerId)
  if ringAll then redis.call('HSET', ckey, 'ringAll', '1') end
  leaveLines(base, ckey, callId)
  local owner = hget(ckey, 'owner') or ''
  local result = { callId = callId, agentId = agentIds[1], event = events[1], agents = agentIds, events = events,
    owner = owner, remote = false, ringAll = ringAll == true, offerId = offerId }
  -- Another node's caller: that node rings the agents (it owns the channel); the work waits in its inbox.
  if owner ~= '' and owner ~= node then
    result.remote = true
    redis.call('RPUSH', inboxKey(base, owner), cjson.encode(result))
  end
  return result
end
