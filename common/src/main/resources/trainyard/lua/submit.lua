-- Reserve a task name for a tenant and write the task (and its first run) atomically.
-- KEYS[1] names hash, KEYS[2] task hash, KEYS[3] tasks index (zset), KEYS[4] task's run list,
-- KEYS[5] run hash (or KEYS[1] again when the task has no run yet),
-- KEYS[6] the task's resource's latest-task string (or KEYS[1] again when the task has no resource).
-- "None" is said with KEYS[1] rather than "": on Redis Cluster every key of a script must hash to
-- the tenant's slot ("" is still understood, for one server).
-- ARGV[1] name, ARGV[2] task id, ARGV[3] sort score, ARGV[4] number of task field/value pairs,
-- then the task pairs, then the run pairs.
-- Returns {1, taskId} when created, {0, existingTaskId} when the name is taken.
-- The pairs go to HSET straight from ARGV (unpack with a range): every submit runs this script,
-- and copying them into tables first costs Redis's one thread more than the writes themselves.
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if existing then
  return {0, existing}
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local lastTaskArg = 4 + 2 * tonumber(ARGV[4])
redis.call('HSET', KEYS[2], unpack(ARGV, 5, lastTaskArg))
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2])
if KEYS[5] ~= KEYS[1] and KEYS[5] ~= '' then
  redis.call('HSET', KEYS[5], unpack(ARGV, lastTaskArg + 1, #ARGV))
  redis.call('RPUSH', KEYS[4], redis.call('HGET', KEYS[5], 'id'))
end
if KEYS[6] ~= KEYS[1] and KEYS[6] ~= '' then
  redis.call('SET', KEYS[6], ARGV[2])
end
return {1, ARGV[2]}
