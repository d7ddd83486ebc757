-- Claim fires of schedules of one tenant and, unless the overlap policy says otherwise, create
-- each one's run. The claim key is unique per (tenant, task, fire time), so of any number of
-- scheduler instances that see the same fire (a rebalance, a zombie), exactly one creates a run.
-- Fires are handled one after the other, each on its own: one that fails leaves the others be.
-- A created run goes into the tenant's index of in-flight runs, due at its publish deadline (from
-- Redis's clock: the schedules' clock may be a test's): the launcher takes it out once Kafka has
-- its job, and if this scheduler dies before that, the reconciler publishes the job.
-- KEYS[1] the tenant's in-flight index; KEYS[1 + i] the task hash of fire i (every key of the
-- tenant shares its slot).
-- ARGV[1] the tenant, ARGV[2] its run key prefix ('ty:{tenant}:run:'), ARGV[3] how many of a task's
-- latest runs overlap looks at, ARGV[4] queuedAt of the new runs (epoch ms), ARGV[5] scheduledBy,
-- ARGV[6] how many runs a task lists at most (older ended runs are removed), ARGV[7] the publish
-- deadline (ms after now); then 10 values per fire: fire time (epoch ms), claim ttl (ms), overlap policy
-- (SKIP|ALLOW|QUEUE_ONE), new run id, type, timeoutSeconds, taskName, projectID, resourceID
-- ('' when absent), task id.
-- Returns two values per fire: {1, runId} created, {0, holder} already claimed, {2, activeRunId}
-- skipped (overlap; {2, 'paused'} while the task is paused), {3, activeRunId} busy (QUEUE_ONE: hold the fire, nothing written),
-- {-1, ''} no such task, {-2, error} this fire failed.
local tenant, runs_prefix, inspected, queued_at, scheduled_by = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
local history = tonumber(ARGV[6])
local time = redis.call('TIME')
local index = KEYS[1]
local publish_by = tostring(tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000) + tonumber(ARGV[7]))
local ENDED = __ENDED_STATUSES__ -- RunStatus's terminal statuses, filled in by LuaScript
local OPTIONAL = {'taskName', 'projectID', 'resourceID'}

local function advance_last_fire(task, fire, last)
  if tonumber(fire) > tonumber(last or '0') then
    redis.call('HSET', task, 'lastFireAt', fire)
  end
end

-- The first unfinished run among the task's latest ones, if any.
local function active_run(runs)
  local ids = redis.call('LRANGE', runs, -inspected, -1)
  for i = #ids, 1, -1 do
    local status = redis.call('HGET', runs_prefix .. ids[i], 'status')
    if status == 'QUEUED' or status == 'RUNNING' then
      return ids[i]
    end
  end
  return nil
end

-- Keeps a task's run list, `length` long, at `history` entries: the oldest ids leave it, and the
-- records of those that ended go with them (one still queued or running keeps its record until it
-- ends and expires).
local function trim_history(runs, length)
  local excess = length - history
  if excess <= 0 then
    return
  end
  for _, id in ipairs(redis.call('LPOP', runs, excess)) do
    if ENDED[redis.call('HGET', runs_prefix .. id, 'status') or ''] then
      redis.call('UNLINK', runs_prefix .. id, runs_prefix .. id .. ':output')
    end
  end
end

local function fire_one(task, a)
  local fire, ttl, overlap, run_id = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3]
  -- A task hash always holds its id; without one the task is gone.
  local last = redis.call('HMGET', task, 'id', 'lastFireAt', 'pausedAt')
  if not last[1] then
    return -1, ''
  end
  local claim = task .. ':fire:' .. fire
  -- Paused (the console's or the API's pause): the fire is handled, as skipped, so a resume
  -- starts from the next fire rather than with a burst of the ones it missed.
  if last[3] then
    if not redis.call('SET', claim, 'paused', 'NX', 'PX', ttl) then
      return 0, redis.call('GET', claim) or ''
    end
    redis.call('HINCRBY', task, 'pausedFires', 1)
    advance_last_fire(task, fire, last[2])
    return 2, 'paused'
  end
  local runs = task .. ':runs'
  if overlap == 'ALLOW' then
    if not redis.call('SET', claim, run_id, 'NX', 'PX', ttl) then
      return 0, redis.call('GET', claim) or ''
    end
  else
    local holder = redis.call('GET', claim)
    if holder then
      return 0, holder
    end
    local active = active_run(runs)
    if active and overlap == 'QUEUE_ONE' then
      return 3, active
    elseif active then
      redis.call('SET', claim, 'skipped', 'PX', ttl)
      redis.call('HINCRBY', task, 'skippedFires', 1)
      redis.call('HSET', task, 'lastSkippedFire', fire)
      advance_last_fire(task, fire, last[2])
      return 2, active
    end
    redis.call('SET', claim, run_id, 'PX', ttl)
  end
  local fields = {'id', run_id, 'tasksID', ARGV[a + 9], 'tenant', tenant, 'type', ARGV[a + 4],
    'status', 'QUEUED', 'message', 'Queued by the scheduler', 'queuedAt', queued_at,
    'timeoutSeconds', ARGV[a + 5], 'fireTime', fire, 'scheduledBy', scheduled_by}
  for i, name in ipairs(OPTIONAL) do
    local value = ARGV[a + 5 + i]
    if value ~= '' then
      fields[#fields + 1] = name
      fields[#fields + 1] = value
    end
  end
  redis.call('HSET', runs_prefix .. run_id, unpack(fields))
  redis.call('ZADD', index, publish_by, run_id)
  trim_history(runs, redis.call('RPUSH', runs, run_id))
  advance_last_fire(task, fire, last[2])
  return 1, run_id
end

local out = {}
for i = 2, #KEYS do
  local ok, kind, detail = pcall(fire_one, KEYS[i], 8 + (i - 2) * 10)
  if ok then
    out[#out + 1] = kind
    out[#out + 1] = detail
  else
    out[#out + 1] = -2
    out[#out + 1] = type(kind) == 'table' and tostring(kind.err) or tostring(kind)
  end
end
return out
