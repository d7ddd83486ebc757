-- Moves the head run of a recurring pipeline's instance on (see PipelineFires): from QUEUED (the
-- fire's run, no job published) to RUNNING once the instance's steps are stored, and from RUNNING
-- to the instance's end once it ended. Only from the status the caller saw, so a run cancelled or
-- moved on meanwhile is left as it is.
-- KEYS[1] the head run's hash, KEYS[2] the tenant's in-flight index (the run leaves it on start:
-- its job is the pipeline, which no reconciler publishes again).
-- ARGV[1] the status expected, ARGV[2] the new status, ARGV[3] the instance's pipeline id ('' when
-- none was started), ARGV[4] now (epoch ms), ARGV[5] the message.
-- Returns 1 when moved, 0 when the run was not in the expected status.
local run = KEYS[1]
if redis.call('HGET', run, 'status') ~= ARGV[1] then
  return 0
end
redis.call('HSET', run, 'status', ARGV[2], 'message', ARGV[5])
if ARGV[3] ~= '' then
  redis.call('HSET', run, 'pipelineId', ARGV[3])
end
if ARGV[2] == 'RUNNING' then
  redis.call('HSET', run, 'startedAt', ARGV[4], 'executedAt', ARGV[4])
  redis.call('ZREM', KEYS[2], redis.call('HGET', run, 'id'))
else
  redis.call('HSET', run, 'completedAt', ARGV[4])
  redis.call('ZREM', KEYS[2], redis.call('HGET', run, 'id'))
end
return 1
