-- Rename a project (moving its name lock) and update its other fields, atomically.
-- KEYS[1] project names hash, KEYS[2] project hash
-- ARGV[1] new name ("" keeps the name), ARGV[2] project id, ARGV[3..] other field/value pairs
-- Returns 1 when updated, 0 when the new name belongs to another project, -1 when the project
-- does not exist.
local current = redis.call('HGET', KEYS[2], 'name')
if not current then
  return -1
end
if ARGV[1] ~= '' and ARGV[1] ~= current then
  local holder = redis.call('HGET', KEYS[1], ARGV[1])
  if holder and holder ~= ARGV[2] then
    return 0
  end
  if redis.call('HGET', KEYS[1], current) == ARGV[2] then
    redis.call('HDEL', KEYS[1], current)
  end
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  redis.call('HSET', KEYS[2], 'name', ARGV[1])
end
local fields = {}
for i = 3, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
if #fields > 0 then
  redis.call('HSET', KEYS[2], unpack(fields))
end
return 1
