-- Undo a pipeline whose first steps Kafka did not acknowledge: free its name, remove it and its
-- steps' tasks. Its runs are not deleted but end CANCELLED (expiring after ARGV[4] seconds),
-- because an unacknowledged record may have reached the log after all: a worker that receives it
-- then skips the ended run instead of running it.
-- KEYS[1] pipeline names hash, KEYS[2] pipeline hash, KEYS[3] the tenant's pipelines (zset),
-- KEYS[4] running pipelines (set), KEYS[5] the pipeline outbox (zset), KEYS[6] the tasks index.
-- ARGV[1] name, ARGV[2] pipeline id, ARGV[3] now (epoch ms), ARGV[4] seconds the runs stay.
-- Returns 1 when undone, 0 when there is no such pipeline.
local names, p, all, running, outbox, tasks = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local name, pid, now, keep = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local ENDED = __ENDED_STATUSES__ -- RunStatus's terminal statuses, filled in by LuaScript
local steps = redis.call('HGET', p, 'steps')
if not steps then
  return 0
end
local base = string.sub(names, 1, #names - #'pipeline-names')
for step in string.gmatch(steps, '[^,]+') do
  local f = redis.call('HMGET', p, 'r:' .. step, 'k:' .. step)
  local run = base .. 'run:' .. f[1]
  if not ENDED[redis.call('HGET', run, 'status') or 'CANCELLED'] then
    redis.call('HSET', run, 'status', 'CANCELLED', 'message', 'Rolled back: Kafka did not take the pipeline',
      'completedAt', now, 'cancelRequested', '1')
  end
  redis.call('EXPIRE', run, keep)
  redis.call('DEL', base .. 'task:' .. f[2], base .. 'task:' .. f[2] .. ':runs')
  redis.call('ZREM', tasks, f[2])
  redis.call('ZREM', outbox, pid .. '/' .. step)
end
if redis.call('HGET', names, name) == pid then
  redis.call('HDEL', names, name)
end
redis.call('DEL', p)
redis.call('ZREM', all, pid)
redis.call('SREM', running, pid)
return 1
