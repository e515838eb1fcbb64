-- A call is waiting: choose the best available agent of its queue whose skills reach the call's minimum
-- levels, by the queue's strategy, and offer the call to that agent in the same step.
--
-- KEYS[1] call hash ({tag}:call:<id>)
-- ARGV[1] base: key prefix + hash tag
-- ARGV[2] call id
-- ARGV[3] now (epoch ms)
-- Returns JSON {callId, agentId, event}, or nil when the call is not waiting or nobody fits.

-- @include "agent"

local base, callId, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
if hget(KEYS[1], 'state') ~= 'waiting' then return nil end
local queue = hget(KEYS[1], 'queue')
local need = decode(hget(KEYS[1], 'skills'))
local strategy = hget(configKey(base, queue), 'strategy') or 'longest_idle'
local rrLast = hget(configKey(base, queue), 'rrLast')

-- Candidates come in idle-since order, so every strategy breaks its ties by longest idle.
local best, bestScore, rrFirst, rrNext = nil, nil, nil, nil
for _, id in ipairs(redis.call('ZRANGE', availableKey(base, queue), 0, -1)) do
  local key = agentKey(base, id)
  local skills = decode(hget(key, 'skills'))
  if hget(key, 'state') == 'available' and skillsMet(skills, need) then
    if strategy == 'fewest_calls' then
      local calls = tonumber(hget(key, 'callsToday') or '0')
      if bestScore == nil or calls < bestScore then best, bestScore = id, calls end
    elseif strategy == 'skill_level' then
      local total = 0
      for skill in pairs(need) do total = total + skills[skill] end
      if bestScore == nil or total > bestScore then best, bestScore = id, total end
    elseif strategy == 'round_robin' then
      -- The next agent id after the last one served, wrapping round: the queue remembers where it was.
      if rrFirst == nil or id < rrFirst then rrFirst = id end
      if rrLast ~= nil and id > rrLast and (rrNext == nil or id < rrNext) then rrNext = id end
    else
      best = id
      break
    end
  end
end
if strategy == 'round_robin' then
  best = rrNext or rrFirst
  if best ~= nil then redis.call('HSET', configKey(base, queue), 'rrLast', best) end
end
if best == nil then return nil end
local event = offer(base, best, callId, now)
if event.error then return cjson.encode(event) end
return cjson.encode({ callId = callId, agentId = best, event = event })
