-- Write fields of a running run, only if the writer still holds the current epoch.
-- KEYS[1] run hash, KEYS[2] lease key (renewed on every accepted write), KEYS[3] output hash
-- ARGV[1] epoch, ARGV[2] lease ms (0: leave the lease alone), ARGV[3] "0" unless this write ends
-- the run; then the seconds its record and output are kept (the retention window) and the lease
-- is dropped, ARGV[4] number of run field/value pairs, then the run
-- pairs, then output field/value pairs (stdout, stderr) for KEYS[3].
-- Returns 1 when written, 0 when the epoch is stale or the run already ended.
local state = redis.call('HMGET', KEYS[1], 'epoch', 'status')
if state[1] ~= ARGV[1] then
  return 0
end
local status = state[2]
if status == 'COMPLETED' or status == 'FAILED' or status == 'CANCELLED' or status == 'TIMED_OUT' then
  return 0
end
local last = 4 + 2 * tonumber(ARGV[4])
if last > 4 then
  redis.call('HSET', KEYS[1], unpack(ARGV, 5, last))
end
if #ARGV > last then
  redis.call('HSET', KEYS[3], unpack(ARGV, last + 1))
end
if ARGV[3] ~= '0' then
  redis.call('DEL', KEYS[2])
  redis.call('EXPIRE', KEYS[1], ARGV[3])
  redis.call('EXPIRE', KEYS[3], ARGV[3])
elseif ARGV[2] ~= '0' then
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
end
return 1
