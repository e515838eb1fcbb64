-- A call is waiting: choose the best available agent whose skills reach the call's minimum levels, by the
-- queue's strategy, and offer the call in the same step. The call's own queue is tried first, then any
-- queue an escalation added. A ring-all queue offers the call to every fitting available agent at once.
--
-- KEYS[1] call hash ({tag}:call:<id>)
-- ARGV[1] base: key prefix + hash tag
-- ARGV[2] call id
-- ARGV[3] now (epoch ms)
-- ARGV[4] the asking node
-- Returns JSON {callId, agentId, agents, event, events, owner, remote}, or nil when the call is not waiting
-- or nobody fits.

-- @include "agent"

local base, callId, now, node = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
if hget(KEYS[1], 'state') ~= 'waiting' then return nil end
local need = decode(hget(KEYS[1], 'skills'))

-- One queue's choice: a list of agent ids (several only for ring-all), or nil.
local function choose(queue)
  local strategy = hget(configKey(base, queue), 'strategy') or 'longest_idle'
  local rrLast = hget(configKey(base, queue), 'rrLast')
  -- Candidates come in idle-since order, so every strategy breaks its ties by longest idle.
  local best, bestScore, rrFirst, rrNext, all = nil, nil, nil, nil, {}
  for _, id in ipairs(redis.call('ZRANGE', availableKey(base, queue), 0, -1)) do
    local key = agentKey(base, id)
    local skills = decode(hget(key, 'skills'))
    if hget(key, 'state') == 'available' and skillsMet(skills, need) then
      if strategy == 'ring_all' then
        all[#all + 1] = id
      elseif strategy == 'fewest_calls' then
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
  if strategy == 'ring_all' then
    if #all == 0 then return nil end
    return all
  end
  if strategy == 'round_robin' then
    best = rrNext or rrFirst
    if best ~= nil then redis.call('HSET', configKey(base, queue), 'rrLast', best) end
  end
  if best == nil then return nil end
  return { best }
end

for _, queue in ipairs(callQueues(KEYS[1])) do
  local agents = choose(queue)
  if agents ~= nil then
    local ringAll = (hget(configKey(base, queue), 'strategy') or '') == 'ring_all'
    return cjson.encode(offer(base, agents, callId, now, node, ringAll))
  end
end
return nil
