-- The next call for a free agent, shared by assign-for-agent and free-agent (inlined after "agent").
-- The call with the smallest virtual arrival across every queue the agent serves, among calls whose minimum
-- skill levels the agent reaches and whose owning node is alive; offered in the same step.
-- Returns the assignment table, or nil when no call fits.

local NEXT_CALL_PAGE = 50

local function offerNextCall(base, agentKeyName, agentId, now, node)
  local skills = decode(hget(agentKeyName, 'skills'))
  local alive = {}
  local best, bestVt = nil, nil -- bestVt kept as Redis wrote it: no float formatting on the way back
  for _, queue in ipairs(decode(hget(agentKeyName, 'queues'))) do
    local key = waitingKey(base, queue)
    -- Each line is in virtual-arrival order: the first call that fits is this queue's candidate, and the
    -- scan stops as soon as it reaches the best score found in an earlier queue.
    local max = '+inf'
    if bestVt ~= nil then max = '(' .. bestVt end
    local offset, found = 0, false
    while not found do
      local page = redis.call('ZRANGEBYSCORE', key, '-inf', max, 'WITHSCORES', 'LIMIT', offset, NEXT_CALL_PAGE)
      if #page == 0 then break end
      for i = 1, #page, 2 do
        local ckey = callKey(base, page[i])
        if skillsMet(skills, decode(hget(ckey, 'skills'))) and ownerAlive(base, hget(ckey, 'owner'), node, alive) then
          best, bestVt, found = page[i], page[i + 1], true
          break
        end
      end
      offset = offset + NEXT_CALL_PAGE
    end
  end
  if best == nil then return nil end
  -- A call of a ring-all queue keeps that queue's rule: a miss pauses nobody.
  local ringAll = (hget(configKey(base, hget(callKey(base, best), 'queue')), 'strategy') or '') == 'ring_all'
  return offer(base, { agentId }, best, now, node, ringAll)
end
