-- Ask a run to stop. A run that has not started ends CANCELLED here; a running one is flagged
-- and its worker (told over pub/sub) kills the process and writes CANCELLED itself.
-- KEYS[1] run hash. ARGV[1] now (epoch ms).
-- Returns the status after the call, or false when the run does not exist.
local status = redis.call('HGET', KEYS[1], 'status')
if not status then
  return false
end
local ENDED = __ENDED_STATUSES__ -- RunStatus's terminal statuses, filled in by LuaScript
if ENDED[status] then
  return status
end
redis.call('HSET', KEYS[1], 'cancelRequested', '1')
if status == 'QUEUED' then
  redis.call('HSET', KEYS[1], 'status', 'CANCELLED', 'message', 'Cancelled before it started',
    'completedAt', ARGV[1])
  return 'CANCELLED'
end
return status
