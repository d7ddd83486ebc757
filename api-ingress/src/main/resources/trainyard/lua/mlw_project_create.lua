-- Reserve a project name for a tenant and write the project, atomically.
-- KEYS[1] project names hash, KEYS[2] project hash, KEYS[3] projects index (zset)
-- ARGV[1] name, ARGV[2] project id, ARGV[3] sort score, ARGV[4..] project field/value pairs
-- Returns {1, id} when created, {0, existingId} when the name is taken.
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if existing then
  return {0, existing}
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local fields = {}
for i = 4, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
redis.call('HSET', KEYS[2], unpack(fields))
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2])
return {1, ARGV[2]}
