-- A Chorus integer id for a Trainyard id, allocated once: the same id for the same entity ever after.
-- KEYS[1] hash Trainyard id -> integer, KEYS[2] hash integer -> Trainyard id, KEYS[3] the kind's counter
-- ARGV[1] the Trainyard id, ARGV[2] the first integer id to hand out
local id = redis.call('HGET', KEYS[1], ARGV[1])
if id then
  return id
end
id = tostring(redis.call('INCR', KEYS[3]) + tonumber(ARGV[2]) - 1)
redis.call('HSET', KEYS[1], ARGV[1], id)
redis.call('HSET', KEYS[2], id, ARGV[1])
return id
