-- Record the end of pipeline steps and release the steps that depend on them; or cancel a pipeline.
-- The one place a step leaves QUEUED (or READY): a step's state moves to its run's terminal status
-- once, here, and only then are its children's counts of unfinished parents decremented, so each
-- parent decrements each child once and exactly one call sees a child's count reach zero. That
-- call moves the child to READY and puts it in the tenant's outbox in the same script; its caller
-- publishes the child's job and then takes it out (pipeline_published.lua); a crash in between
-- leaves it in the outbox for the reconciler.
-- The step's outcome is read from its run (the run's status is the truth), so any caller may call
-- this for a step whose run may have ended: a worker that wrote the end, or the reconciler's sweep
-- (a run ended by a cancel, by the reconciler, by a start past its starts).
-- KEYS[1] the pipeline hash, KEYS[2] the tenant's pipeline outbox, KEYS[3] the tenant's set of
-- running pipelines. Run hashes are found from KEYS[2]'s prefix (the tenant's, so the same slot).
-- ARGV[1] pipeline id, ARGV[2] now (epoch ms), ARGV[3] seconds an ended run is kept, ARGV[4] 'end'
-- or 'cancel', ARGV[5] the cancel channel, ARGV[6] the tenant; then (for 'end') the steps whose
-- runs may have ended, none for every step not over yet (the sweep).
-- Returns {ready, status}: ready is {step, runId, topic, job} per step made READY (flat), status
-- the pipeline's status after the call ('' when there is no such pipeline).
local p, outbox, running = KEYS[1], KEYS[2], KEYS[3]
local pid, now, keep, mode, channel, tenant = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local base = string.sub(outbox, 1, #outbox - #'pipeline-outbox')
local run_prefix = base .. 'run:'
local ENDED = __ENDED_STATUSES__ -- RunStatus's terminal statuses, filled in by LuaScript

local head = redis.call('HMGET', p, 'status', 'failurePolicy', 'steps', 'cancelRequested')
if not head[1] then
  return {{}, ''}
end
local policy, steps = head[2], head[3]
local ready = {}

local function state(step)
  return redis.call('HGET', p, 's:' .. step)
end

local function close(step, s)
  redis.call('HSET', p, 's:' .. step, s)
  if s ~= 'COMPLETED' then
    redis.call('HSET', p, 'failed', '1')
  end
  redis.call('HINCRBY', p, 'open', -1)
end

local function end_run(id, why)
  local run = run_prefix .. id
  redis.call('HSET', run, 'status', 'CANCELLED', 'message', why, 'completedAt', now, 'cancelRequested', '1')
  redis.call('HDEL', run, 'job')
  redis.call('EXPIRE', run, keep)
  redis.call('ZREM', base .. 'inflight', id)
end

-- Stops a step not over yet: one waiting for its parents ends as `as`; one whose run has not
-- started ends CANCELLED; a running one is flagged and its worker told (it writes CANCELLED
-- itself, and that end comes back here). One whose run ended meanwhile is recorded as it ended.
-- (A READY step's job may be on Kafka already: only its run says whether it started.)
local function stop(step, as, why)
  local s = state(step)
  if s == 'WAITING' then
    end_run(redis.call('HGET', p, 'r:' .. step), why)
    close(step, as)
  elseif s == 'READY' or s == 'QUEUED' then
    local id = redis.call('HGET', p, 'r:' .. step)
    local rs = redis.call('HGET', run_prefix .. id, 'status')
    if not rs or ENDED[rs] then
      redis.call('ZREM', outbox, pid .. '/' .. step)
      close(step, rs or 'CANCELLED')
    elseif rs == 'QUEUED' then
      redis.call('ZREM', outbox, pid .. '/' .. step)
      end_run(id, why)
      close(step, 'CANCELLED')
    else
      redis.call('HSET', run_prefix .. id, 'cancelRequested', '1')
      redis.call('PUBLISH', channel, tenant .. '/' .. id)
    end
  end
end

local function each_step(fn)
  for step in string.gmatch(steps, '[^,]+') do
    fn(step)
  end
end

local function skip_descendants(step, why)
  local todo, seen = {step}, {}
  while #todo > 0 do
    local at = table.remove(todo)
    for child in string.gmatch(redis.call('HGET', p, 'c:' .. at) or '', '[^,]+') do
      if not seen[child] then
        seen[child] = true
        if state(child) == 'WAITING' then
          stop(child, 'SKIPPED', why)
        end
        todo[#todo + 1] = child
      end
    end
  end
end

local function finish(step)
  local s = state(step)
  if s ~= 'QUEUED' and s ~= 'READY' then
    return
  end
  local rs = redis.call('HGET', run_prefix .. redis.call('HGET', p, 'r:' .. step), 'status') or 'CANCELLED'
  if not ENDED[rs] then
    return
  end
  redis.call('ZREM', outbox, pid .. '/' .. step)
  close(step, rs)
  if rs == 'COMPLETED' then
    for child in string.gmatch(redis.call('HGET', p, 'c:' .. step) or '', '[^,]+') do
      if state(child) == 'WAITING' and redis.call('HINCRBY', p, 'p:' .. child, -1) == 0 then
        redis.call('HSET', p, 's:' .. child, 'READY')
        redis.call('ZADD', outbox, now, pid .. '/' .. child)
        local f = redis.call('HMGET', p, 'r:' .. child, 't:' .. child, 'j:' .. child)
        -- Queued from now on: its run and job say so, so pickup latency counts from here.
        redis.call('HSET', run_prefix .. f[1], 'queuedAt', now, 'message', 'Queued')
        local job = cjson.decode(f[3])
        job['createdAt'] = tonumber(now)
        f[3] = cjson.encode(job)
        redis.call('HSET', p, 'j:' .. child, f[3])
        ready[#ready + 1] = child
        ready[#ready + 1] = f[1]
        ready[#ready + 1] = f[2]
        ready[#ready + 1] = f[3]
      end
    end
  elseif redis.call('HGET', p, 'cancelRequested') ~= '1' then
    if policy == 'continue' then
      skip_descendants(step, 'Skipped: step ' .. step .. ' ended ' .. rs)
    else
      each_step(function(other)
        stop(other, 'CANCELLED', 'Cancelled: step ' .. step .. ' ended ' .. rs .. ' (failFast)')
      end)
    end
  end
end

if mode == 'cancel' then
  if head[1] == 'RUNNING' then
    redis.call('HSET', p, 'cancelRequested', '1', 'status', 'CANCELLING')
    each_step(function(step)
      stop(step, 'CANCELLED', 'Cancelled with its pipeline')
    end)
  end
elseif #ARGV > 6 then
  for i = 7, #ARGV do
    finish(ARGV[i])
  end
else
  each_step(finish)
end

local status = redis.call('HGET', p, 'status')
if (status == 'RUNNING' or status == 'CANCELLING') and tonumber(redis.call('HGET', p, 'open')) <= 0 then
  if redis.call('HGET', p, 'cancelRequested') == '1' then
    status = 'CANCELLED'
  elseif redis.call('HGET', p, 'failed') == '1' then
    status = 'FAILED'
  else
    status = 'COMPLETED'
  end
  redis.call('HSET', p, 'status', status, 'endedAt', now)
  redis.call('SREM', running, pid)
end
return {ready, status}
