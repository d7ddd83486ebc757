-- Record fire times that passed without a run: missed after downtime, or skipped while a held
-- fire waited. Counts add up; the latest time and lastFireAt only move forward.
-- KEYS[1] task hash. ARGV[1] count field, ARGV[2] latest-time field, ARGV[3] count,
-- ARGV[4] the latest of those fire times (epoch ms).
-- Returns 1, or 0 when the task no longer exists.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[3])
local latest = tonumber(redis.call('HGET', KEYS[1], ARGV[2]) or '0')
if tonumber(ARGV[4]) > latest then
  redis.call('HSET', KEYS[1], ARGV[2], ARGV[4])
end
local last = tonumber(redis.call('HGET', KEYS[1], 'lastFireAt') or '0')
if tonumber(ARGV[4]) > last then
  redis.call('HSET', KEYS[1], 'lastFireAt', ARGV[4])
end
return 1
