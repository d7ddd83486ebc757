-- A new run of an existing one-time task ("run again"): written only when the task exists, is
-- not recurring, and none of its latest runs is still queued or running.
-- KEYS[1] the task hash, KEYS[2] its run list, KEYS[3] the new run's hash.
-- ARGV[1] how many of the latest runs to look at, then the run's field/value pairs.
-- Returns {1, runId} written, {-1, ''} no such task, {-2, ''} a recurring task,
-- {-3, activeRunId} a run is still queued or running.
local task = redis.call('HMGET', KEYS[1], 'id', 'recurrence')
if not task[1] then
  return {-1, ''}
end
if task[2] == 'REPEAT' then
  return {-2, ''}
end
local prefix = string.sub(KEYS[3], 1, #KEYS[3] - #string.match(KEYS[3], '[^:]*$'))
local ids = redis.call('LRANGE', KEYS[2], -tonumber(ARGV[1]), -1)
for i = #ids, 1, -1 do
  local status = redis.call('HGET', prefix .. ids[i], 'status')
  if status == 'QUEUED' or status == 'RUNNING' then
    return {-3, ids[i]}
  end
end
redis.call('HSET', KEYS[3], unpack(ARGV, 2, #ARGV))
local run_id = redis.call('HGET', KEYS[3], 'id')
redis.call('RPUSH', KEYS[2], run_id)
return {1, run_id}
