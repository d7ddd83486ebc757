-- Claim one fire of a schedule and, unless the overlap policy says otherwise, create its run.
-- The claim key is unique per (tenant, task, fire time), so of any number of scheduler instances
-- that see the same fire (a rebalance, a zombie), exactly one creates a run.
-- KEYS[1] task hash, KEYS[2] claim key, KEYS[3] task's run list, KEYS[4] new run hash
-- ARGV[1] fire time (epoch ms), ARGV[2] claim ttl (ms), ARGV[3] overlap policy (SKIP|ALLOW|QUEUE_ONE),
-- ARGV[4] run key prefix, ARGV[5] how many of the latest runs to inspect, ARGV[6] new run id,
-- ARGV[7..] the new run's field/value pairs.
-- Returns {1, runId} created, {0, holder} already claimed, {2, activeRunId} skipped (overlap),
-- {3, activeRunId} busy (QUEUE_ONE: hold the fire, nothing written), {-1, ''} no such task.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {-1, ''}
end
local holder = redis.call('GET', KEYS[2])
if holder then
  return {0, holder}
end
local function advance_last_fire()
  local last = tonumber(redis.call('HGET', KEYS[1], 'lastFireAt') or '0')
  if tonumber(ARGV[1]) > last then
    redis.call('HSET', KEYS[1], 'lastFireAt', ARGV[1])
  end
end
if ARGV[3] ~= 'ALLOW' then
  local ids = redis.call('LRANGE', KEYS[3], -tonumber(ARGV[5]), -1)
  for i = #ids, 1, -1 do
    local status = redis.call('HGET', ARGV[4] .. ids[i], 'status')
    if status == 'QUEUED' or status == 'RUNNING' then
      if ARGV[3] == 'QUEUE_ONE' then
        return {3, ids[i]}
      end
      redis.call('SET', KEYS[2], 'skipped', 'PX', ARGV[2])
      redis.call('HINCRBY', KEYS[1], 'skippedFires', 1)
      redis.call('HSET', KEYS[1], 'lastSkippedFire', ARGV[1])
      advance_last_fire()
      return {2, ids[i]}
    end
  end
end
redis.call('SET', KEYS[2], ARGV[6], 'PX', ARGV[2])
local fields = {}
for i = 7, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
redis.call('HSET', KEYS[4], unpack(fields))
redis.call('RPUSH', KEYS[3], ARGV[6])
advance_last_fire()
return {1, ARGV[6]}
