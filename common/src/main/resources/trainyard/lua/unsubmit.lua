-- Undo a submit whose job Kafka did not acknowledge: free the name (only if this task still holds
-- it), remove the task, and end its runs CANCELLED instead of deleting them. An unacknowledged
-- record may still have reached the log (the broker wrote it, the answer was lost); a worker that
-- receives it then finds its run ended and skips it, rather than recreating the run and executing
-- work whose client was told nothing was queued. The ended runs expire after ARGV[4] seconds.
-- KEYS[1] names hash, KEYS[2] task hash, KEYS[3] tasks index, KEYS[4] task's run list
-- ARGV[1] name, ARGV[2] task id, ARGV[3] run key prefix, ARGV[4] seconds the ended runs stay
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  redis.call('HDEL', KEYS[1], ARGV[1])
end
local now = redis.call('TIME')
local nowMillis = tostring(tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000))
for _, runId in ipairs(redis.call('LRANGE', KEYS[4], 0, -1)) do
  local run = ARGV[3] .. runId
  redis.call('HSET', run, 'status', 'CANCELLED', 'cancelRequested', '1', 'completedAt', nowMillis,
    'message', 'Not queued: Kafka did not acknowledge the submit, which was answered 503')
  redis.call('EXPIRE', run, ARGV[4])
  redis.call('DEL', run .. ':output')
end
redis.call('DEL', KEYS[2], KEYS[4])
redis.call('ZREM', KEYS[3], ARGV[2])
return 1
