-- An agent is available: choose the call with the smallest virtual arrival across every queue the agent
-- serves, among calls whose minimum skill levels the agent reaches and whose owning node is alive, and offer
-- it in the same step.
--
-- KEYS[1] agent hash ({tag}:agent:<id>)
-- ARGV[1] base: key prefix + hash tag
-- ARGV[2] agent id
-- ARGV[3] now (epoch ms)
-- ARGV[4] the asking node
-- Returns JSON {callId, agentId, agents, event, events, owner, remote}, or nil when the agent is not
-- available or no call fits.

-- @include "agent"

local base, agentId, now, node = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
if hget(KEYS[1], 'state') ~= 'available' then return nil end
local skills = decode(hget(KEYS[1], 'skills'))
local PAGE = 50
local alive = {}

local best, bestVt = nil, nil -- bestVt kept as Redis wrote it: no float formatting on the way back
for _, queue in ipairs(decode(hget(KEYS[1], 'queues'))) do
  local key = waitingKey(base, queue)
  -- Each line is in virtual-arrival order: the first call that fits is this queue's candidate, and the
  -- scan stops as soon as it reaches the best score found in an earlier queue.
  local max = '+inf'
  if bestVt ~= nil then max = '(' .. bestVt end
  local offset, found = 0, false
  while not found do
    local page = redis.call('ZRANGEBYSCORE', key, '-inf', max, 'WITHSCORES', 'LIMIT', offset, PAGE)
    if #page == 0 then break end
    for i = 1, #page, 2 do
      local ckey = callKey(base, page[i])
      if skillsMet(skills, decode(hget(ckey, 'skills'))) and ownerAlive(base, hget(ckey, 'owner'), node, alive) then
        best, bestVt, found = page[i], page[i + 1], true
        break
      end
    end
    offset = offset + PAGE
  end
end
if best == nil then return nil end
-- A call of a ring-all queue keeps that queue's rule: a miss pauses nobody.
local ringAll = (hget(configKey(base, hget(callKey(base, best), 'queue')), 'strategy') or '') == 'ring_all'
return cjson.encode(offer(base, { agentId }, best, now, node, ringAll))
