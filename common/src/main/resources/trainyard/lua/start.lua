-- Begin attempts at runs of one tenant: for each, take the next fencing epoch, mark it RUNNING,
-- give the attempt its lease (the run's leaseUntil, renewed by every accepted write) and put the
-- run in the tenant's index of in-flight runs, scored by that lease, where the reconciler looks
-- for runs whose worker died.
-- Each run is handled on its own (one that fails leaves the others be); a worker sends a whole
-- batch of its jobs' starts in one call. Every write below is to the run hash or the tenant's
-- index: keys of one tenant, so of one slot.
-- KEYS[1] the tenant's in-flight index (zset); then per run, its run hash.
-- ARGV[1] worker id, ARGV[2] now (epoch ms), ARGV[3] lease ms, ARGV[4] seconds an ended run's
-- record is kept (the retention window), ARGV[5] the starts a run may take (0: no limit); then per run: its start token ('' for none), its job
-- message ('' for none), the number n of field/value pairs to create the run with if it does not
-- exist yet (a job published straight to Kafka has no record until a worker first sees it), and
-- those n pairs.
-- A start token names one acquisition of one job record (worker, record, delivery). With a token,
-- a start is idempotent (the same token again answers the epoch it got) and never takes a run
-- from another acquisition whose lease still runs. Without one, a start takes the run over.
-- The attempt is the count of starts; the epoch also moves when the reconciler requeues the run.
-- Returns two values per run: {epoch, attempt} when started, {0, status} when the run already
-- ended, {-1, ''} when it was cancelled before it started, {-2, ''} when it does not exist and
-- could not be created, {-3, error} when Redis refused this run's writes, {-4, 'leaseUntil
-- workerId'} when another acquisition holds it, {-5, starts} when it has had all the starts it
-- may take (its workers died running it): it is not started again but ended FAILED, "abandoned
-- after <starts> deliveries", in the same step, so a job that kills its worker stops there.
local index = KEYS[1]
local run_prefix = string.sub(index, 1, #index - #'inflight') .. 'run:'
local worker, now, retention, max_starts = ARGV[1], ARGV[2], ARGV[4], tonumber(ARGV[5])
local lease_until = tostring(tonumber(now) + tonumber(ARGV[3]))
local ENDED = __ENDED_STATUSES__ -- RunStatus's terminal statuses, filled in by LuaScript

local function start_one(run, a)
  local token, job, pairs = ARGV[a], ARGV[a + 1], tonumber(ARGV[a + 2])
  local first, last = a + 3, a + 2 + 2 * pairs
  local state = redis.call('HMGET', run, 'status', 'cancelRequested', 'epoch', 'startToken', 'leaseUntil',
    'workerId', 'attempt')
  local status = state[1]
  local create = false
  if not status then
    if pairs == 0 then
      return -2, ''
    end
    create = true
    status = 'QUEUED'
  end
  if ENDED[status] then
    -- Ended elsewhere (cancelled while queued, rolled back): it expires like any ended run.
    if redis.call('TTL', run) == -1 then
      redis.call('EXPIRE', run, retention)
    end
    return 0, status
  end
  if status == 'RUNNING' and token ~= '' then
    if state[4] == token then
      -- The same acquisition again (a retry after a lost reply): the start it already made.
      return tonumber(state[3]), state[7] or state[3]
    end
    if tonumber(state[5] or '0') > tonumber(now) then
      return -4, state[5] .. ' ' .. (state[6] or '')
    end
  end
  local epoch = (tonumber(state[3]) or 0) + 1
  local attempt = tostring((tonumber(state[7]) or 0) + 1)
  local fields
  local abandoned = max_starts > 0 and tonumber(attempt) > max_starts and state[2] ~= '1'
  if state[2] == '1' then
    fields = {'status', 'CANCELLED', 'message', 'Cancelled before it started', 'completedAt', now}
  elseif abandoned then
    fields = {'status', 'FAILED', 'message', 'abandoned after ' .. (tonumber(attempt) - 1) .. ' deliveries',
      'completedAt', now, 'epoch', tostring(epoch)}
  else
    fields = {'status', 'RUNNING', 'workerId', worker, 'executedAt', now, 'attempt', attempt,
      'message', 'In Progress', 'epoch', tostring(epoch), 'leaseUntil', lease_until}
    if token ~= '' or state[4] then
      -- A start without a token clears the token of an earlier one (it holds the run now).
      fields[#fields + 1] = 'startToken'
      fields[#fields + 1] = token
    end
    if job ~= '' then
      fields[#fields + 1] = 'job'
      fields[#fields + 1] = job
    end
  end
  if create then
    -- One write: the new run's own fields first, so that what this start says wins over them.
    local created = {unpack(ARGV, first, last)}
    for i = 1, #fields do
      created[#created + 1] = fields[i]
    end
    fields = created
  end
  redis.call('HSET', run, unpack(fields))
  local id = string.sub(run, #run_prefix + 1)
  if state[2] == '1' or abandoned then
    redis.call('EXPIRE', run, retention)
    redis.call('ZREM', index, id)
    if abandoned then
      redis.call('HDEL', run, 'job')
      return -5, tostring(tonumber(attempt) - 1)
    end
    return -1, ''
  end
  redis.call('ZADD', index, lease_until, id)
  return epoch, attempt
end

local out = {}
local a = 6
for i = 2, #KEYS do
  local ok, code, detail = pcall(start_one, KEYS[i], a)
  if ok then
    out[#out + 1] = code
    out[#out + 1] = detail
  else
    out[#out + 1] = -3
    out[#out + 1] = type(code) == 'table' and tostring(code.err) or tostring(code)
  end
  a = a + 3 + 2 * tonumber(ARGV[a + 2])
end
return out
