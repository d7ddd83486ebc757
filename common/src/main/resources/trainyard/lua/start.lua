-- Begin an attempt at a run: take the next fencing epoch and mark it RUNNING.
-- KEYS[1] run hash, KEYS[2] lease key
-- ARGV[1] worker id, ARGV[2] now (epoch ms), ARGV[3] lease ms, ARGV[4] attempt,
-- ARGV[5..] field/value pairs to create the run with if it does not exist yet (a job published
-- straight to Kafka has no record until a worker first sees it)
-- Returns {epoch} when started, {0, status} when the run already ended, {-1} when it was cancelled
-- before it started, {-2} when it does not exist and could not be created.
local status = redis.call('HGET', KEYS[1], 'status')
if not status then
  if #ARGV < 5 then
    return {-2}
  end
  local fields = {}
  for i = 5, #ARGV do
    fields[#fields + 1] = ARGV[i]
  end
  redis.call('HSET', KEYS[1], unpack(fields))
  status = 'QUEUED'
end
if status == 'COMPLETED' or status == 'FAILED' or status == 'CANCELLED' or status == 'TIMED_OUT' then
  return {0, status}
end
if redis.call('HGET', KEYS[1], 'cancelRequested') == '1' then
  redis.call('HSET', KEYS[1], 'status', 'CANCELLED', 'message', 'Cancelled before it started',
    'completedAt', ARGV[2])
  return {-1}
end
local epoch = redis.call('HINCRBY', KEYS[1], 'epoch', 1)
redis.call('HSET', KEYS[1], 'status', 'RUNNING', 'workerId', ARGV[1], 'executedAt', ARGV[2],
  'attempt', ARGV[4], 'message', 'In Progress')
redis.call('SET', KEYS[2], ARGV[1] .. ':' .. epoch, 'PX', ARGV[3])
return {epoch}
