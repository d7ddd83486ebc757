-- Claim due runs of one tenant's in-flight index for this reconciler, atomically per run, so that
-- of any number of reconcilers that read the same entries exactly one acts on each run.
-- A run is due when its index score and its leaseUntil (renewals move only the latter) both lie
-- more than the margin in the past. Then:
--   RUNNING, cancel requested: its worker died before it could stop it; ended CANCELLED (4).
--   RUNNING, fewer starts than the limit: queued again (1) under a new epoch, so that a late
--     write of the attempt that lost it is refused; the caller publishes its job.
--   RUNNING, out of starts, or no job to publish again: ended FAILED (3); the caller sends a
--     dead letter.
--   QUEUED: its job may never have reached Kafka (a crash between the claim and the publish, a
--     hand-back whose record the broker archived): the caller publishes it (2).
-- A claimed run that is to be published stays indexed, scored by the publish deadline, until the
-- caller removes it once Kafka has the job (published.lua); a reconciler that dies in between
-- leaves it due again. Entries of ended or missing runs are dropped; a run not yet due is
-- re-scored by its lease.
-- KEYS[1] the tenant's in-flight index; then per run, its run hash.
-- ARGV[1] now (epoch ms), ARGV[2] margin ms, ARGV[3] most starts a run gets, ARGV[4] publish
-- deadline ms, ARGV[5] seconds an ended run is kept, ARGV[6] the message of a requeued run; then
-- per run, its id.
-- A run whose key Redis refuses (not a hash) leaves the index.
-- Returns three values per run: the action (0 none, 1 requeued, 2 publish, 3 failed, 4
-- cancelled), the run's attempt (its count of starts), and for actions 1-4 the run's fields as
-- they were before the claim (HGETALL, its job message included), else an empty list.
local index = KEYS[1]
local now, margin, max_starts = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local deadline = tostring(now + tonumber(ARGV[4]))
local retention, requeued = ARGV[5], ARGV[6]
local ENDED = __ENDED_STATUSES__ -- RunStatus's terminal statuses, filled in by LuaScript

local function ended(run, id, fields)
  redis.call('HSET', run, unpack(fields))
  redis.call('HDEL', run, 'job')
  redis.call('EXPIRE', run, retention)
  redis.call('ZREM', index, id)
end

local function claim_one(run, id)
  local score = redis.call('ZSCORE', index, id)
  if not score then
    return 0, '0'
  end
  local s = redis.call('HMGET', run, 'status', 'leaseUntil', 'attempt', 'epoch', 'cancelRequested', 'job',
    'resourceID', 'type')
  local status, attempt = s[1], s[3] or '0'
  if not status or ENDED[status] then
    redis.call('ZREM', index, id)
    return 0, attempt
  end
  local due = math.max(tonumber(score), tonumber(s[2] or '0'))
  if due + margin > now then
    if due ~= tonumber(score) then
      redis.call('ZADD', index, due, id)
    end
    return 0, attempt
  end
  -- A job kept by the start, or one that can be rebuilt from the run (a resource, or no code).
  local publishable = s[6] or s[7] or s[8] == 'NOOP'
  if status == 'QUEUED' and not publishable then
    redis.call('ZREM', index, id)
    return 0, attempt
  end
  local before = redis.call('HGETALL', run)
  if status == 'QUEUED' then
    redis.call('ZADD', index, deadline, id)
    return 2, attempt, before
  end
  if s[5] == '1' then
    ended(run, id, {'status', 'CANCELLED', 'message', 'Cancelled; its worker stopped before it could end it',
      'completedAt', ARGV[1]})
    return 4, attempt, before
  end
  local starts = tonumber(attempt) or 0
  if starts < max_starts and publishable then
    redis.call('HSET', run, 'status', 'QUEUED', 'message', requeued, 'epoch', tostring((tonumber(s[4]) or 0) + 1),
      'requeuedAt', ARGV[1])
    redis.call('ZADD', index, deadline, id)
    return 1, attempt, before
  end
  local reason = 'abandoned after ' .. starts .. ' deliveries'
  if not publishable then
    reason = reason .. ' (its job was not kept, so it cannot be queued again)'
  end
  ended(run, id, {'status', 'FAILED', 'message', reason, 'completedAt', ARGV[1]})
  return 3, attempt, before
end

local out = {}
for i = 2, #KEYS do
  local ok, action, attempt, before = pcall(claim_one, KEYS[i], ARGV[5 + i])
  if not ok then
    -- Not a run hash (a bug elsewhere): nothing to reconcile, and no reason to look again.
    redis.call('ZREM', index, ARGV[5 + i])
    action, attempt, before = 0, '0', nil
  end
  out[#out + 1] = action
  out[#out + 1] = attempt
  out[#out + 1] = before or {}
end
return out
