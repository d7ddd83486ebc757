-- Reserve a task name for a tenant and write the task (and its first run) atomically.
-- KEYS[1] names hash, KEYS[2] task hash, KEYS[3] tasks index (zset), KEYS[4] task's run list,
-- KEYS[5] run hash (or "" when the task has no run yet)
-- ARGV[1] name, ARGV[2] task id, ARGV[3] sort score, ARGV[4] number of task field/value pairs,
-- then the task pairs, then the run pairs.
-- Returns {1, taskId} when created, {0, existingTaskId} when the name is taken.
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if existing then
  return {0, existing}
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local n = tonumber(ARGV[4])
local taskFields = {}
for i = 5, 4 + 2 * n do
  taskFields[#taskFields + 1] = ARGV[i]
end
redis.call('HSET', KEYS[2], unpack(taskFields))
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2])
if KEYS[5] ~= '' then
  local runFields = {}
  for i = 5 + 2 * n, #ARGV do
    runFields[#runFields + 1] = ARGV[i]
  end
  redis.call('HSET', KEYS[5], unpack(runFields))
  redis.call('RPUSH', KEYS[4], redis.call('HGET', KEYS[5], 'id'))
end
return {1, ARGV[2]}
