-- Steps whose jobs are now on Kafka: READY -> QUEUED, and out of the tenant's outbox.
-- KEYS[1] the pipeline hash, KEYS[2] the tenant's pipeline outbox.
-- ARGV[1] pipeline id, then the steps. Returns how many moved to QUEUED.
local moved = 0
for i = 2, #ARGV do
  local step = ARGV[i]
  if redis.call('HGET', KEYS[1], 's:' .. step) == 'READY' then
    redis.call('HSET', KEYS[1], 's:' .. step, 'QUEUED')
    moved = moved + 1
  end
  redis.call('ZREM', KEYS[2], ARGV[1] .. '/' .. step)
end
return moved
