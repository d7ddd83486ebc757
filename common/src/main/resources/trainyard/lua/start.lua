-- Begin attempts at runs of one tenant: for each, take the next fencing epoch, mark it RUNNING and
-- give the attempt its lease (the run's leaseUntil, renewed by every accepted write).
-- Each run is handled on its own (one that fails leaves the others be); a worker sends a whole
-- batch of its jobs' starts in one call. Every write below is a run hash field: one key per run.
-- KEYS: per run, its run hash.
-- ARGV[1] worker id, ARGV[2] now (epoch ms), ARGV[3] lease ms, ARGV[4] seconds an ended run's
-- record is kept (the retention window); then per run: its attempt, the number n of field/value
-- pairs to create the run with if it does not exist yet (a job published straight to Kafka has no
-- record until a worker first sees it), and those n pairs.
-- Returns two values per run: {epoch, ''} when started, {0, status} when the run already ended,
-- {-1, ''} when it was cancelled before it started, {-2, ''} when it does not exist and could not
-- be created, {-3, error} when Redis refused this run's writes.
local worker, now, retention = ARGV[1], ARGV[2], ARGV[4]
local lease_until = tostring(tonumber(now) + tonumber(ARGV[3]))
local ENDED = {COMPLETED = true, FAILED = true, CANCELLED = true, TIMED_OUT = true}

local function start_one(run, a)
  local attempt, pairs = ARGV[a], tonumber(ARGV[a + 1])
  local first, last = a + 2, a + 1 + 2 * pairs
  local state = redis.call('HMGET', run, 'status', 'cancelRequested', 'epoch')
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
  local epoch = (tonumber(state[3]) or 0) + 1
  local fields
  if state[2] == '1' then
    fields = {'status', 'CANCELLED', 'message', 'Cancelled before it started', 'completedAt', now}
  else
    fields = {'status', 'RUNNING', 'workerId', worker, 'executedAt', now, 'attempt', attempt,
      'message', 'In Progress', 'epoch', tostring(epoch), 'leaseUntil', lease_until}
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
  if state[2] == '1' then
    redis.call('EXPIRE', run, retention)
    return -1, ''
  end
  return epoch, ''
end

local out = {}
local a = 5
for i = 1, #KEYS do
  local ok, code, detail = pcall(start_one, KEYS[i], a)
  if ok then
    out[#out + 1] = code
    out[#out + 1] = detail
  else
    out[#out + 1] = -3
    out[#out + 1] = type(code) == 'table' and tostring(code.err) or tostring(code)
  end
  a = a + 2 + 2 * tonumber(ARGV[a + 1])
end
return out
