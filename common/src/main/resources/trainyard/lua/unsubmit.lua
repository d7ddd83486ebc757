-- Undo a submit whose job never reached Kafka: free the name (only if this task still holds it)
-- and remove the task and its runs.
-- KEYS[1] names hash, KEYS[2] task hash, KEYS[3] tasks index, KEYS[4] task's run list
-- ARGV[1] name, ARGV[2] task id, ARGV[3] run key prefix
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  redis.call('HDEL', KEYS[1], ARGV[1])
end
for _, runId in ipairs(redis.call('LRANGE', KEYS[4], 0, -1)) do
  redis.call('DEL', ARGV[3] .. runId, ARGV[3] .. runId .. ':output')
end
redis.call('DEL', KEYS[2], KEYS[4])
redis.call('ZREM', KEYS[3], ARGV[2])
return 1
