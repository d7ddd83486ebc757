-- Pause or resume a recurring task: the scheduler skips a paused task's fires (schedule_fire.lua).
-- KEYS[1] the task hash; ARGV[1] 'pause' or 'resume', ARGV[2] now (epoch ms).
-- Returns 1 changed, 0 already so, -1 no such task, -2 not a recurring task.
local task = redis.call('HMGET', KEYS[1], 'id', 'recurrence', 'pausedAt')
if not task[1] then
  return -1
end
if task[2] ~= 'REPEAT' then
  return -2
end
if ARGV[1] == 'pause' then
  if task[3] then
    return 0
  end
  redis.call('HSET', KEYS[1], 'pausedAt', ARGV[2])
  return 1
end
if not task[3] then
  return 0
end
redis.call('HDEL', KEYS[1], 'pausedAt')
return 1
