-- Remove a project, its name lock and its resources' records, atomically.
-- KEYS[1] project names hash, KEYS[2] project hash, KEYS[3] projects index, KEYS[4] the
-- project's resource index. ARGV[1] project id, ARGV[2] resource key prefix.
-- Returns the removed resource ids (so their files can go too), or false when there is no such
-- project.
local name = redis.call('HGET', KEYS[2], 'name')
if not name then
  return false
end
if redis.call('HGET', KEYS[1], name) == ARGV[1] then
  redis.call('HDEL', KEYS[1], name)
end
local resources = redis.call('ZRANGE', KEYS[4], 0, -1)
for _, id in ipairs(resources) do
  redis.call('DEL', ARGV[2] .. id)
end
redis.call('DEL', KEYS[2], KEYS[4])
redis.call('ZREM', KEYS[3], ARGV[1])
return resources
