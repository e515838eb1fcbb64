-- Removes the outbox's first write once it has been applied, only if the caller still holds the drainer
-- lock and the head is the write it applied: a drainer that lost its lock never removes another's entry.
-- KEYS[1] the outbox list; ARGV[1] the drainer lock key; ARGV[2] this drainer's token; ARGV[3] the applied entry.
-- The lock key shares the list's hash tag (see interaction-outbox.ts), so Redis Cluster keeps both on one slot.
if redis.call('GET', ARGV[1]) ~= ARGV[2] then return -1 end
if redis.call('LINDEX', KEYS[1], 0) ~= ARGV[3] then return 0 end
redis.call('LPOP', KEYS[1])
return 1
