-- Register a resource whose content is already in place, only while its project exists: a model
-- saved by a training that ends as its project is deleted leaves no record behind.
-- KEYS[1] project hash, KEYS[2] resource hash, KEYS[3] the project's resource index
-- ARGV[1] index score (created-at, epoch ms), ARGV[2] resource id, ARGV[3..] field/value pairs
-- Returns 1 when registered, 0 when the project does not exist.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
local fields = {}
for i = 3, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
redis.call('HSET', KEYS[2], unpack(fields))
redis.call('ZADD', KEYS[3], ARGV[1], ARGV[2])
return 1
