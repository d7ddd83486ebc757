-- Claim one canary interval and create its run, unless another scheduler instance claimed the
-- interval first. The run and its output hash expire, so the canary never grows Redis.
-- KEYS[1] interval claim, KEYS[2] run hash, KEYS[3] run output hash
-- ARGV[1] claim ttl ms, ARGV[2] run ttl ms, ARGV[3..] run field/value pairs
-- Returns 1 when claimed (the run exists now), 0 when the interval was taken.
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then
  return 0
end
local fields = {}
for i = 3, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
redis.call('HSET', KEYS[2], unpack(fields))
redis.call('PEXPIRE', KEYS[2], ARGV[2])
-- The worker later writes the run's (empty) output into this hash; HSET keeps its expiry.
redis.call('HSET', KEYS[3], 'stdout', '', 'stderr', '')
redis.call('PEXPIRE', KEYS[3], ARGV[2])
return 1
