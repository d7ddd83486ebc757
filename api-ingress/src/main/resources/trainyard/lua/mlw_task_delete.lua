-- Remove a task: free its name (only if it still holds it), drop it from the index, and let its
-- runs' records expire rather than vanish, so a worker that still holds a cancelled run finds
-- it CANCELLED instead of recreating it.
-- KEYS[1] names hash, KEYS[2] task hash, KEYS[3] tasks index, KEYS[4] task's run list
-- ARGV[1] task id, ARGV[2] run key prefix, ARGV[3] seconds the run records stay
-- Returns 1 when removed, 0 when there is no such task.
local name = redis.call('HGET', KEYS[2], 'name')
if not name then
  return 0
end
if redis.call('HGET', KEYS[1], name) == ARGV[1] then
  redis.call('HDEL', KEYS[1], name)
end
for _, runId in ipairs(redis.call('LRANGE', KEYS[4], 0, -1)) do
  redis.call('EXPIRE', ARGV[2] .. runId, ARGV[3])
  redis.call('EXPIRE', ARGV[2] .. runId .. ':output', ARGV[3])
end
redis.call('DEL', KEYS[2], KEYS[4])
redis.call('ZREM', KEYS[3], ARGV[1])
return 1
