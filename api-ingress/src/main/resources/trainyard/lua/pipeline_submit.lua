-- Create a pipeline atomically: take its name, write the pipeline hash (with every step's state,
-- count of parents, children, run, task, topic and job message), a task and a QUEUED run per step
-- (the runs of steps that wait say so in their message), and put the steps with no parents in
-- the tenant's outbox as READY. The ingress then publishes their jobs.
-- KEYS[1] pipeline names hash, KEYS[2] pipeline hash, KEYS[3] the tenant's pipelines (zset),
-- KEYS[4] running pipelines (set), KEYS[5] the pipeline outbox (zset), KEYS[6] the tasks index.
-- Task and run hashes are found from KEYS[1]'s prefix (the tenant's, so the same slot).
-- ARGV[1] name, ARGV[2] pipeline id, ARGV[3] now (epoch ms), ARGV[4] the number n of pipeline
-- field/value pairs, those pairs; then the number of steps, and per step: its name, task id, the
-- number of task pairs, those pairs, run id, the number of run pairs, those pairs, '1' when ready.
-- Returns {1, pipelineId} when created, {0, existingPipelineId} when the name is taken.
local names, p, all, running, outbox, tasks = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local name, pid, now = ARGV[1], ARGV[2], ARGV[3]
local existing = redis.call('HGET', names, name)
if existing then
  return {0, existing}
end
local base = string.sub(names, 1, #names - #'pipeline-names')
-- HSET of ARGV[from..to] (field/value pairs), in chunks: unpack takes a few thousand values at most.
local function hset(key, from, to)
  while from <= to do
    local upto = math.min(from + 999, to)
    redis.call('HSET', key, unpack(ARGV, from, upto))
    from = upto + 1
  end
end
redis.call('HSET', names, name, pid)
local a = 5 + 2 * tonumber(ARGV[4])
hset(p, 5, a - 1)
redis.call('ZADD', all, now, pid)
redis.call('SADD', running, pid)
local steps = tonumber(ARGV[a])
a = a + 1
for _ = 1, steps do
  local step, task = ARGV[a], ARGV[a + 1]
  local tn = tonumber(ARGV[a + 2])
  hset(base .. 'task:' .. task, a + 3, a + 2 + 2 * tn)
  redis.call('ZADD', tasks, now, task)
  local resource = redis.call('HGET', base .. 'task:' .. task, 'resourceID')
  if resource and resource ~= '' then
    -- As submit.lua does: every dialect's view of the resource follows its latest task.
    redis.call('SET', base .. 'resource:' .. resource .. ':latest-task', task)
  end
  a = a + 3 + 2 * tn
  local run, rn = ARGV[a], tonumber(ARGV[a + 1])
  hset(base .. 'run:' .. run, a + 2, a + 1 + 2 * rn)
  redis.call('RPUSH', base .. 'task:' .. task .. ':runs', run)
  a = a + 2 + 2 * rn
  if ARGV[a] == '1' then
    redis.call('ZADD', outbox, now, pid .. '/' .. step)
  end
  a = a + 1
end
return {1, pid}
