-- Flow control of one tenant's jobs: pause, rate limits and concurrency limits per key. Jobs held
-- back are parked here in Redis (their record is acknowledged without an attempt) and handed
-- back, in order, to be published again when they may run:
--   admit   a worker, before it starts a batch of the tenant's jobs: which may start now;
--   probe   a worker, before 'admit' for a batch with no concurrency key: whether the tenant has
--           nothing to check (no policy, no default rate, no token reserved), so that every job
--           without a key starts and 'admit' need not be asked;
--   release a run of a concurrency key ended (or a sweep looks): free its slot, promote waiters;
--   resume  a pause is lifted: the jobs it parked, oldest first;
--   due     a sweep: rate-limited jobs whose reserved time has come.
-- A job handed back is written to its run ('job', so the reconciler can publish it if the caller
-- dies first) and put in the in-flight index under the publish deadline; the caller publishes it
-- and takes it out of the index. A parked run leaves the index (the reconciler must not publish it)
-- and says why in its message; it stays QUEUED.
-- Every key is the tenant's (one hash tag, one slot). KEYS[1] the tenant's flow policy hash,
-- KEYS[2] its in-flight index, KEYS[3] its rate-delayed zset; the rest per mode (below).
-- ARGV[1] mode, ARGV[2] now (epoch ms), ARGV[3] publish deadline ms; the rest per mode.
local policy, inflight, delayed = KEYS[1], KEYS[2], KEYS[3]
local mode, now, deadline = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local prefix = string.sub(policy, 1, #policy - #'flow:policy')
local run_prefix = prefix .. 'run:'
-- Set of the runs whose rate token was reserved when they were delayed (a job published straight
-- to Kafka has no run record to note it in until its start).
local granted = prefix .. 'flow:granted'
-- Set of the runs that also reserved their start time (see 'admit'): they start when they come.
local paced = prefix .. 'flow:paced'
local ENDED = __ENDED_STATUSES__ -- RunStatus's terminal statuses, filled in by LuaScript

local function run_id(job)
  return cjson.decode(job)['runId']
end

local function exists(run)
  return redis.call('EXISTS', run) == 1
end

-- Parks the run: out of the in-flight index, its reason in its message; false when it was parked
-- there already (a second delivery of the same record), so the caller does not store it twice.
local function park(run, id, where, message)
  redis.call('ZREM', inflight, id)
  if not exists(run) then
    return true
  end
  if redis.call('HGET', run, 'parked') == where then
    return false
  end
  local s = redis.call('HMGET', run, 'status', 'epoch')
  if s[1] == 'RUNNING' then
    -- A redelivery of a run whose worker died: queued again, under a new epoch so that a late
    -- write of the lost attempt is refused (as the reconciler would).
    redis.call('HSET', run, 'status', 'QUEUED', 'epoch', tostring((tonumber(s[2]) or 0) + 1))
  end
  redis.call('HSET', run, 'parked', where, 'message', message)
  return true
end

-- Hands a parked job back to be published; nil when its run ended meanwhile (cancelled).
local function unpark(job, message)
  local id = run_id(job)
  local run = run_prefix .. id
  if exists(run) then
    local status = redis.call('HGET', run, 'status')
    if status and ENDED[status] then
      return nil
    end
    redis.call('HSET', run, 'job', job, 'message', message)
    redis.call('HDEL', run, 'parked')
  end
  redis.call('ZADD', inflight, now + deadline, id)
  return job
end

-- Drops holders whose run ended, whose worker stopped renewing (RUNNING past its lease), or that
-- were admitted and did not start within the reservation (QUEUED, or with no run record yet: a
-- job published straight to Kafka has none until its start).
local function prune(holders)
  local all = redis.call('ZRANGE', holders, 0, -1, 'WITHSCORES')
  for i = 1, #all, 2 do
    local id, reserved = all[i], tonumber(all[i + 1])
    local s = redis.call('HMGET', run_prefix .. id, 'status', 'leaseUntil')
    local stale = (s[1] and ENDED[s[1]])
      or (s[1] == 'RUNNING' and tonumber(s[2] or '0') < now)
      or (s[1] ~= 'RUNNING' and reserved < now)
    if stale then
      redis.call('ZREM', holders, id)
    end
  end
end

local function limit_of(key, default)
  return tonumber(redis.call('HGET', policy, 'limit:' .. key) or default)
end

-- Token bucket as a theoretical arrival time: the bucket holds up to one second of tokens.
-- Answers the time the job may start (now or later) and reserves its token either way.
local function reserve(bucket, field, default_rate)
  local rate = tonumber(redis.call('HGET', policy, field) or default_rate)
  if rate <= 0 then
    return now
  end
  local interval = 1000 / rate
  local tolerance = math.max(0, rate - 1) * interval
  local tat = math.max(tonumber(redis.call('GET', bucket) or '0'), now)
  local at = math.max(now, tat - tolerance)
  redis.call('SET', bucket, tostring(tat + interval), 'PX', math.ceil(tat + interval - now + 1000))
  return at
end

-- Whether a job without a concurrency key starts without a check: the tenant has no policy stored
-- (no pause, no rate, no limit), no rate by default and no token reserved.
local function unlimited(tenant_rate)
  return (tonumber(tenant_rate) or 0) <= 0 and redis.call('EXISTS', policy) == 0
    and redis.call('SCARD', paced) == 0 and redis.call('SCARD', granted) == 0
end

if mode == 'probe' then
  -- ARGV[4] default jobs/s per tenant. Returns 1 when the tenant has nothing to check, else 0.
  return unlimited(ARGV[4]) and 1 or 0
elseif mode == 'admit' then
  -- KEYS[4] the tenant's bucket; per run, 6 keys: run hash, pause list of the whole queue, pause
  -- list of its type, the key's holders, the key's waiting list, the key's bucket.
  -- ARGV[4] lease ms, ARGV[5] default limit per key (0: none), ARGV[6] default jobs/s per tenant,
  -- ARGV[7] per key (0: none); per run: id, type, concurrency key ('' none), job message.
  -- Returns per run: 0 start it, 1 paused, 2 delayed by a rate limit, 3 waits for its key.
  local lease, default_limit, tenant_rate, key_rate = tonumber(ARGV[4]), ARGV[5], ARGV[6], ARGV[7]
  -- A tenant with no policy stored, no rate by default and no token reserved: a job without a
  -- concurrency key starts, and checking it would change nothing (the common case, looked up once).
  local nothing_to_check = unlimited(tenant_rate)
  local out = {}
  local k, a = 5, 8
  while a <= #ARGV do
    local id, jtype, key, job = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3]
    local run, all_paused, type_paused, holders, waiting, key_bucket =
      KEYS[k], KEYS[k + 1], KEYS[k + 2], KEYS[k + 3], KEYS[k + 4], KEYS[k + 5]
    local verdict = 0
    if not (nothing_to_check and key == '') then
      local whole = redis.call('HEXISTS', policy, 'paused:*') == 1
      if whole or redis.call('HEXISTS', policy, 'paused:' .. jtype) == 1 then
        local list = whole and all_paused or type_paused
        if park(run, id, list, 'Paused: waits for ' .. (whole and 'the queue' or 'its job type') .. ' to resume') then
          redis.call('RPUSH', list, job)
        end
        verdict = 1
      elseif redis.call('SREM', paced, id) == 1 then
        -- Its token and its start time were reserved: it starts.
      else
        local at = now
        if redis.call('SREM', granted, id) == 0 then
          -- Its token was not reserved when it was delayed (it was not): it takes one now.
          at = reserve(KEYS[4], 'rate:*', tenant_rate)
          if key ~= '' then
            at = math.max(at, reserve(key_bucket, 'rate:' .. key, key_rate))
          end
        end
        if at > now then
          if park(run, id, delayed, 'Rate limited: due at ' .. math.floor(at)) then
            redis.call('ZADD', delayed, at, job)
            redis.call('SADD', granted, id)
          end
          verdict = 2
        else
          -- A second bucket of the same rate counts actual starts: a job handed back late (the
          -- sweep or a worker stalled) waits for it, with its token kept, so the jobs late together
          -- do not all start at once; it reserves its start time and starts when it comes back.
          local start = reserve(KEYS[4] .. ':starts', 'rate:*', tenant_rate)
          if key ~= '' then
            start = math.max(start, reserve(key_bucket .. ':starts', 'rate:' .. key, key_rate))
          end
          if start > now then
            if park(run, id, delayed, 'Rate limited: due at ' .. math.floor(start)) then
              redis.call('ZADD', delayed, start, job)
              redis.call('SADD', paced, id)
            end
            verdict = 2
          end
        end
      end
      if verdict == 0 and key ~= '' then
        local limit = limit_of(key, default_limit)
        if limit > 0 then
          prune(holders)
          if redis.call('ZSCORE', holders, id) or
              (redis.call('ZCARD', holders) < limit and redis.call('LLEN', waiting) == 0) then
            redis.call('ZADD', holders, now + lease, id)
            if exists(run) then
              redis.call('HDEL', run, 'parked')
            end
          else
            if park(run, id, waiting, 'Waiting: concurrency key ' .. key .. ' has all ' .. limit .. ' of its runs running') then
              redis.call('RPUSH', waiting, job)
            end
            redis.call('SADD', prefix .. 'flow:keys', key)
            verdict = 3
          end
        end
      end
    end
    out[#out + 1] = verdict
    k, a = k + 6, a + 4
  end
  return out
elseif mode == 'release' then
  -- KEYS[4] the key's holders, KEYS[5] its waiting list. ARGV[4] lease ms, ARGV[5] default
  -- limit, ARGV[6] key, ARGV[7] the run that ended ('' for a sweep). Returns the jobs to publish.
  local holders, waiting = KEYS[4], KEYS[5]
  if ARGV[7] ~= '' then
    redis.call('ZREM', holders, ARGV[7])
  end
  local limit = limit_of(ARGV[6], ARGV[5])
  prune(holders)
  local out = {}
  while (limit <= 0 or redis.call('ZCARD', holders) < limit) and redis.call('LLEN', waiting) > 0 do
    local job = unpark(redis.call('LPOP', waiting), 'Queued: its concurrency key has a free slot')
    if job then
      redis.call('ZADD', holders, now + tonumber(ARGV[4]), run_id(job))
      out[#out + 1] = job
    end
  end
  if redis.call('LLEN', waiting) == 0 then
    redis.call('SREM', prefix .. 'flow:keys', ARGV[6])
  end
  return out
elseif mode == 'resume' then
  -- KEYS[4] the pause list; ARGV[4] the policy field of the pause. Returns the jobs, oldest first.
  redis.call('HDEL', policy, ARGV[4])
  local jobs = redis.call('LRANGE', KEYS[4], 0, -1)
  redis.call('DEL', KEYS[4])
  local out = {}
  for _, job in ipairs(jobs) do
    out[#out + 1] = unpark(job, 'Queued: resumed')
  end
  return out
elseif mode == 'due' then
  -- ARGV[4] most jobs to hand back. Returns the jobs whose time came, earliest first.
  local jobs = redis.call('ZRANGEBYSCORE', delayed, '-inf', now, 'LIMIT', 0, tonumber(ARGV[4]))
  local out = {}
  for _, job in ipairs(jobs) do
    redis.call('ZREM', delayed, job)
    out[#out + 1] = unpark(job, 'Queued: its rate limit lets it start')
  end
  return out
end
return redis.error_reply('unknown mode ' .. tostring(mode))
