-- Write fields of running runs of one tenant, each only if its writer still holds the run's
-- current epoch. Each write is handled on its own; a worker sends a batch of ends in one call.
-- A write that ends the run also takes it out of the tenant's index of in-flight runs and drops
-- the job message kept for the reconciler; other writes leave the index be (a renewal moves the
-- run's leaseUntil only: the reconciler reads that before it acts).
-- KEYS[1] the tenant's in-flight index; then per write, the run hash and its output hash.
-- ARGV, per write: the epoch; the run's new leaseUntil (epoch ms; "0" leaves it); "0" unless this
-- write ends the run, else the seconds its record and output are kept (the retention window);
-- the number r of run field/value pairs; the number o of output field/value pairs (stdout,
-- stderr); then the r run pairs and the o output pairs.
-- Returns one value per write: 1 when written, 0 when the epoch is stale or the run already
-- ended, 2 when the run is QUEUED at an epoch below the writer's (Redis lost the writer's start:
-- a failover to a replica that had not received it), an error text when Redis refused this write.
local ENDED = __ENDED_STATUSES__ -- RunStatus's terminal statuses, filled in by LuaScript
local index = KEYS[1]
local run_prefix = string.sub(index, 1, #index - #'inflight') .. 'run:'

local function write_one(run, output, a)
  local r, o = tonumber(ARGV[a + 3]), tonumber(ARGV[a + 4])
  local state = redis.call('HMGET', run, 'epoch', 'status', 'job')
  if state[1] ~= ARGV[a] or ENDED[state[2] or ''] then
    if state[2] == 'QUEUED' and (tonumber(state[1]) or 0) < tonumber(ARGV[a]) then
      return 2
    end
    return 0
  end
  local first = a + 5
  local lease_until, keep = ARGV[a + 1], ARGV[a + 2]
  if r > 0 and lease_until ~= '0' then
    redis.call('HSET', run, 'leaseUntil', lease_until, unpack(ARGV, first, first + 2 * r - 1))
  elseif r > 0 then
    redis.call('HSET', run, unpack(ARGV, first, first + 2 * r - 1))
  elseif lease_until ~= '0' then
    redis.call('HSET', run, 'leaseUntil', lease_until)
  end
  if o > 0 then
    redis.call('HSET', output, unpack(ARGV, first + 2 * r, first + 2 * (r + o) - 1))
  end
  if keep ~= '0' then
    if state[3] then
      -- A job message kept for the reconciler (a job only its message describes) goes with the run's end.
      redis.call('HDEL', run, 'job')
    end
    redis.call('ZREM', index, string.sub(run, #run_prefix + 1))
    redis.call('EXPIRE', run, keep)
    if o > 0 then
      -- Output written while the run ran (live output) now expires with the run too.
      redis.call('EXPIRE', output, keep)
    end
  end
  return 1
end

local out = {}
local a = 1
for i = 2, #KEYS, 2 do
  local ok, written = pcall(write_one, KEYS[i], KEYS[i + 1], a)
  if ok then
    out[#out + 1] = written
  else
    out[#out + 1] = type(written) == 'table' and tostring(written.err) or tostring(written)
  end
  a = a + 5 + 2 * (tonumber(ARGV[a + 3]) + tonumber(ARGV[a + 4]))
end
return out
