-- Begin an attempt at a run: take the next fencing epoch and mark it RUNNING.
-- KEYS[1] run hash, KEYS[2] lease key
-- ARGV[1] worker id, ARGV[2] now (epoch ms), ARGV[3] lease ms, ARGV[4] attempt,
-- ARGV[5] seconds an ended run's record is kept (the retention window),
-- ARGV[6..] field/value pairs to create the run with if it does not exist yet (a job published
-- straight to Kafka has no record until a worker first sees it)
-- Returns {epoch} when started, {0, status} when the run already ended, {-1} when it was cancelled
-- before it started, {-2} when it does not exist and could not be created.
-- (The worker runs this once per job, so it reads once and writes the run once.)
local state = redis.call('HMGET', KEYS[1], 'status', 'cancelRequested', 'epoch')
local status = state[1]
local create = false
if not status then
  if #ARGV < 6 then
    return {-2}
  end
  create = true
  status = 'QUEUED'
end
if status == 'COMPLETED' or status == 'FAILED' or status == 'CANCELLED' or status == 'TIMED_OUT' then
  -- Ended elsewhere (cancelled while queued, rolled back): it expires like any ended run.
  if redis.call('TTL', KEYS[1]) == -1 then
    redis.call('EXPIRE', KEYS[1], ARGV[5])
  end
  return {0, status}
end
if state[2] == '1' then
  if create then
    redis.call('HSET', KEYS[1], unpack(ARGV, 6))
  end
  redis.call('HSET', KEYS[1], 'status', 'CANCELLED', 'message', 'Cancelled before it started',
    'completedAt', ARGV[2])
  redis.call('EXPIRE', KEYS[1], ARGV[5])
  return {-1}
end
local epoch = (tonumber(state[3]) or 0) + 1
local running = {'status', 'RUNNING', 'workerId', ARGV[1], 'executedAt', ARGV[2], 'attempt', ARGV[4],
  'message', 'In Progress', 'epoch', tostring(epoch)}
if create then
  -- The new run's own fields first, so that RUNNING and the epoch win over what they say.
  local fields = {unpack(ARGV, 6)}
  for i = 1, #running do
    fields[#fields + 1] = running[i]
  end
  running = fields
end
redis.call('HSET', KEYS[1], unpack(running))
redis.call('SET', KEYS[2], ARGV[1] .. ':' .. epoch, 'PX', ARGV[3])
return {epoch}
