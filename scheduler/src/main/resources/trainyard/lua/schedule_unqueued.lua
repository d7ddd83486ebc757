-- A fire's run was created but its job could not be published: end it as FAILED, unless a
-- worker somehow already took it.
-- KEYS[1] run hash. ARGV[1] message, ARGV[2] now (epoch ms). Returns 1 when marked.
if redis.call('HGET', KEYS[1], 'status') ~= 'QUEUED' then
  return 0
end
redis.call('HSET', KEYS[1], 'status', 'FAILED', 'message', ARGV[1], 'completedAt', ARGV[2])
return 1
